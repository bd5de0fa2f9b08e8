/** Card-number helpers shared by both simulators (they only see test cards, but validate like the real APIs). */

export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Removes the spaces and dashes people type between digit groups. */
export function normaliseCardNumber(value: string): string {
  return value.replace(/[\s-]/g, '');
}

/** True when month/year (year with 2 or 4 digits) lies before the current month. */
export function isExpired(month: number, year: number, nowMs: number): boolean {
  const fullYear = year < 100 ? 2000 + year : year;
  const now = new Date(nowMs);
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
  return fullYear * 12 + (month - 1) < current;
}
