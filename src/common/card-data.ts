/**
 * Detection of card numbers (PANs) in request bodies. SmartPay never accepts card data: a run of
 * 13–19 digits, optionally grouped with single spaces or dashes, that passes the Luhn check and starts
 * like a number a card network issues (`issuedByCardNetwork`) is refused.
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

/**
 * Whether a card network issues numbers that start like this. Without it one digit run in ten would be
 * refused (Luhn passes 10 %): a millisecond timestamp (13 digits starting with 1) or a date-based reference
 * (`20261128…`) in an order's `reference` or metadata. The ranges are kept wide on purpose — every first
 * digit a payment card uses, whole — and narrowed only where a first digit is shared with ordinary numbers:
 * 1 (only UATP, 15 digits), 2 (only Mir 2200–2204 and Mastercard 2221–2720), 8 (only UnionPay/RuPay 81–82).
 * 0, 7 and 9 start no payment card number (ISO/IEC 7812: ISO, petroleum, national use).
 */
export function issuedByCardNetwork(digits: string): boolean {
  switch (digits[0]) {
    case '3': // Amex 34/37, Diners 30/36/38/39, JCB 35
    case '4': // Visa (13, 16 or 19 digits)
    case '5': // Mastercard 51–55, Maestro 50/56–59
    case '6': // Discover, UnionPay 62, Maestro 6x, RuPay 60/65
      return true;
    case '1':
      return digits.length === 15;
    case '2': {
      const four = Number(digits.slice(0, 4));
      return (four >= 2200 && four <= 2204) || (four >= 2221 && four <= 2720);
    }
    case '8':
      return digits[1] === '1' || digits[1] === '2';
    default:
      return false;
  }
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
 * (split by single spaces or dashes) adding up to 13–19 digits, that passes Luhn and starts like a
 * card network's number. Checking group
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
        if (digits.length >= 13 && issuedByCardNetwork(digits) && passesLuhn(digits)) return true;
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
