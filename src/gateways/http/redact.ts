/**
 * Redaction of gateway request and response bodies before they are stored in the call log.
 * Card data, tokens, secrets and identity documents are replaced; e-mails are masked so support
 * can still tell them apart (`a***@example.com`).
 */
const SECRET_KEYS = new Set(
  [
    'card_number',
    'cardnumber',
    'cvv',
    'cvc',
    'security_code',
    'securitycode',
    'token',
    'token_id',
    'source_id',
    'card_id',
    'otp',
    'number_phone',
    'access_token',
    'secret',
    'secret_key',
    'public_key',
    'password',
    'authorization',
    'cavv',
    'xid',
    'creq',
    'device_finger_print_id',
    'number',
  ].map((k) => k.toLowerCase()),
);
const EMAIL_KEYS = new Set(['email', 'invoice_email']);
const TOKEN_VALUE = /\b(tkn|ype|crd)_(test|live)_[A-Za-z0-9]+\b/g;
const EMAIL_VALUE = /\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b/g;
const LONG_DIGITS = /\d(?:[ -]?\d){12,18}/g;

export const REDACTED = '[redacted]';

export function maskEmail(email: string): string {
  return email.replace(EMAIL_VALUE, '$1***@$2');
}

/** Scrubs free text: token ids, e-mail addresses and card-number-like digit runs. */
export function redactText(text: string): string {
  return maskEmail(text.replace(TOKEN_VALUE, REDACTED).replace(LONG_DIGITS, REDACTED));
}

export function redactValue(value: unknown, key?: string): unknown {
  const k = key?.toLowerCase();
  if (k !== undefined && SECRET_KEYS.has(k) && value !== null && typeof value !== 'object') return REDACTED;
  if (typeof value === 'string') {
    if (k !== undefined && EMAIL_KEYS.has(k)) return maskEmail(value);
    // Culqi webhooks carry their payload as a JSON string: redact inside it too.
    if (value.startsWith('{') || value.startsWith('[')) {
      try {
        return JSON.stringify(redactValue(JSON.parse(value)));
      } catch {
        return redactText(value);
      }
    }
    return redactText(value);
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [child, v] of Object.entries(value)) out[child] = redactValue(v, child);
    return out;
  }
  return value;
}

/** A JSON (or text) body as it may be stored: redacted and cut to a sane size. */
export function redactBody(body: string | null | undefined, limit = 16_000): string | null {
  if (body === null || body === undefined || body === '') return null;
  let text: string;
  try {
    text = JSON.stringify(redactValue(JSON.parse(body)));
  } catch {
    text = redactText(body);
  }
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}
