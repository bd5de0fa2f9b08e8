/**
 * Detection of card numbers (PANs) in request bodies. SmartPay never accepts card data: a run of
 * 13–19 digits, optionally grouped with single spaces or dashes, that passes the Luhn check is refused.
 */
const DIGIT_RUN = /\d(?:[ -]?\d){12,}/g;
/** A hexadecimal identifier (a Mercado Pago card token is 32 hex characters): its digits are not a card number. */
const HEX_IDENTIFIER = /^(?=.*[a-fA-F])[0-9a-fA-F]{24,}$/;

/** The run of letters and digits around a match, to tell an identifier from a number written in text. */
function wordAround(text: string, start: number, end: number): string {
  let from = start;
  let to = end;
  while (from > 0 && /[0-9A-Za-z]/.test(text[from - 1]!)) from--;
  while (to < text.length && /[0-9A-Za-z]/.test(text[to]!)) to++;
  return text.slice(from, to);
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * True when the text holds a PAN-looking value: a run of 13–19 digits, or consecutive digit groups
 * (split by single spaces or dashes) adding up to 13–19 digits, that passes Luhn. Checking group
 * sequences catches a grouped card number written next to other numbers ("4111 1111 1111 1111 12").
 */
export function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(DIGIT_RUN)) {
    if (HEX_IDENTIFIER.test(wordAround(text, match.index, match.index + match[0].length))) continue;
    const groups = match[0].split(/[ -]/);
    for (let first = 0; first < groups.length; first++) {
      let digits = '';
      for (let last = first; last < groups.length; last++) {
        digits += groups[last];
        if (digits.length > 19) break;
        if (digits.length >= 13 && passesLuhn(digits)) return true;
      }
    }
  }
  return false;
}

/** Walks a parsed JSON body; returns the path of the first string or key holding a card number, or null. */
export function findCardData(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return containsCardNumber(value) ? path || '(body)' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findCardData(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      // Keys are client text too (metadata keys are stored and returned).
      if (containsCardNumber(key)) return path ? `${path}.${key.replace(/\d/g, '*')}` : '(key)';
      const hit = findCardData(child, path ? `${path}.${key}` : key);
      if (hit) return hit;
    }
  }
  return null;
}
