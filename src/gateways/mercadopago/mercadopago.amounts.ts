/**
 * Exact conversion between SmartPay's integer minor units and Mercado Pago's decimal JSON numbers
 * (PEN: at most 2 decimals). Never `x / 100` or `x * 100` on floats: both directions go through the
 * decimal text, so `11800` ⇄ `118`, `1050` ⇄ `10.5`, `1` ⇄ `0.01` with no rounding anywhere.
 */

/**
 * Largest amount converted: 15 significant digits is what an IEEE double carries exactly through
 * decimal text and back (DBL_DIG), so every amount up to here survives JSON unchanged.
 */
export const MAX_EXACT_MINOR = 999_999_999_999_999;

/** 11800 → "118.00". */
export function minorToDecimalString(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0 || minor > MAX_EXACT_MINOR) {
    throw new RangeError(`not a convertible amount in minor units: ${minor}`);
  }
  const digits = String(minor).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** 11800 → 118 (a JSON number whose shortest text is exactly "118"). */
export function minorToDecimal(minor: number): number {
  return Number(minorToDecimalString(minor));
}

const DECIMAL_TEXT = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d{1,3}))?$/i;

/**
 * 118 → 11800, 10.5 → 1050, 0.01 → 1. Reads the number's shortest text (`String(n)`, which may be an
 * exponent form such as `1e-7`) with integer arithmetic on its digits. Throws a RangeError for
 * negative, non-finite or unsafe values and for anything with more than 2 decimals (`0.1 + 0.2`).
 */
export function decimalToMinor(value: number | string): number {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = DECIMAL_TEXT.exec(text);
  if (!match) throw new RangeError(`not a non-negative decimal amount: ${text}`);
  const [, whole = '', fraction = '', exponent = '0'] = match;
  // text = digits × 10^(exponent − fraction.length); minor units = that × 10^2.
  const shift = Number(exponent) - fraction.length + 2;
  let digits = whole + fraction;
  if (shift < 0) {
    digits = digits.padStart(1 - shift, '0');
    const dropped = digits.slice(shift);
    if (!/^0+$/.test(dropped)) throw new RangeError(`more than 2 decimals: ${text}`);
    digits = digits.slice(0, shift);
  } else {
    if (shift > 20) throw new RangeError(`amount too large: ${text}`);
    digits += '0'.repeat(shift);
  }
  digits = digits.replace(/^0+(?=\d)/, '');
  const minor = Number(digits);
  if (digits.length > 16 || !Number.isSafeInteger(minor) || minor > MAX_EXACT_MINOR) {
    throw new RangeError(`amount too large: ${text}`);
  }
  return minor;
}

/** decimalToMinor, or null instead of throwing (for parsing gateway answers). */
export function tryDecimalToMinor(value: unknown): number | null {
  if (typeof value !== 'number' && typeof value !== 'string') return null;
  try {
    return decimalToMinor(value);
  } catch {
    return null;
  }
}
