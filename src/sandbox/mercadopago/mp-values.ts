/** Money and time as Mercado Pago writes them: decimal JSON numbers, ISO dates with a -04:00 offset. */

/** A positive JSON number with at most 2 decimals (PEN), in céntimos; null when it is not one. */
export function decimalToCents(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  // The shortest text of the double is what the client wrote (10.5, 0.01); more than 2 decimals is refused.
  if (!/^\d+(\.\d{1,2})?$/.test(String(value))) return null;
  const cents = Math.round(value * 100);
  return Number.isSafeInteger(cents) ? cents : null;
}

export function centsToDecimal(cents: number): number {
  return cents / 100;
}

/** `2021-09-17T14:50:53.198-04:00`, the format of every date in the API (mercadopago.md §2). */
export function mpDate(ms: number): string {
  const shifted = new Date(ms - 4 * 3600_000).toISOString();
  return `${shifted.slice(0, 23)}-04:00`;
}
