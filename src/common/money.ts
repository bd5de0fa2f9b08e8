export const CURRENCIES = ['PEN', 'USD'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** Largest amount accepted, in minor units: S/ 10 million. Well inside Number.isSafeInteger. */
export const MAX_AMOUNT = 1_000_000_000;

/** Integer minor units only; throws when an amount could not be stored exactly. */
export function assertMinorUnits(amount: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`not an amount in minor units: ${amount}`);
  return amount;
}
