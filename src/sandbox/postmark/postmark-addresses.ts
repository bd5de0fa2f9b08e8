/** A parsed recipient or sender: `Name <addr>` or a bare `addr` (Name then ''). */
export interface Mailbox {
  Email: string;
  Name: string;
}

/**
 * The address checks Postmark publishes (support article "What does Error Code 300 mean?", cited in
 * postmark.md A1): mailbox `^[a-z0-9.!#$%&'`*+-/=^_{}|~]+$`, domain `^((\.)?[a-zA-Z0-9-])+$`, and no leading,
 * trailing or consecutive dots in the local part.
 */
const MAILBOX = /^[a-z0-9.!#$%&'`*+\-/=^_{}|~]+$/i;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/i;
/** Punctuation that must be quoted in a display name ("punctuation in the name must be quoted"). */
const NAME_PUNCTUATION = /[()<>[\]:;@\\,"]/;

export function addressProblem(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at < 0) return "It must contain the '@' symbol.";
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local === '' || !MAILBOX.test(local)) return 'The mailbox (before the @) contains characters that are not allowed.';
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return 'The mailbox may not have leading, trailing or consecutive dots.';
  if (domain === '' || !DOMAIN.test(domain)) return 'The domain (after the @) is not valid.';
  return null;
}

/** Splits on commas outside double quotes and angle brackets (`"Doe, Jane" <j@x.pe>, b@x.pe`). */
function splitList(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (ch === '<' && !quoted) angle = true;
    else if (ch === '>' && !quoted) angle = false;
    if (ch === ',' && !quoted && !angle) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** An unquoted comma in a display name splits it into pieces without '@': say so, as Postmark's article does. */
const QUOTE_HINT = ' If a display name has punctuation such as a comma, quote it: "\\"Doe, Jane\\" <jane@example.com>".';

function parseOne(field: string, text: string, wholeList: string): Mailbox | string {
  const named = /^(.*?)\s*<([^<>]*)>$/s.exec(text);
  const address = (named ? named[2] : text)?.trim() ?? '';
  let name = named?.[1]?.trim() ?? '';
  if (name.startsWith('"') && name.endsWith('"') && name.length >= 2) name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  else if (NAME_PUNCTUATION.test(name)) {
    return `Error parsing '${field}': Illegal email address '${text}'. A display name with punctuation must be quoted, e.g. "\\"Doe, Jane\\" <jane@example.com>".`;
  }
  const problem = addressProblem(address);
  if (problem) {
    const hint = !address.includes('@') && wholeList.includes('<') ? QUOTE_HINT : '';
    return `Error parsing '${field}': Illegal email address '${address}'. ${problem}${hint}`;
  }
  return { Email: address, Name: name };
}

/** A comma-separated address list; the message names the field and the address, as Postmark's 300s do. */
export function parseAddressList(field: string, text: string): Mailbox[] | string {
  const out: Mailbox[] = [];
  for (const part of splitList(text)) {
    const parsed = parseOne(field, part, text);
    if (typeof parsed === 'string') return parsed;
    out.push(parsed);
  }
  return out;
}

export function localPart(email: string): string {
  return email.slice(0, email.lastIndexOf('@')).toLowerCase();
}

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}
