import { assertMinorUnits } from '../common/money';
import { MAX_AMOUNT_IN_WORDS } from './amount-in-words';

/**
 * The money of a SUNAT invoice (factura 01 / boleta 03), computed from what the customer was charged.
 *
 * SmartPay prices are IGV-inclusive: the order knows only quantity × unit price with IGV. The usual textbook route
 * (base = price / 1.18 rounded, then IGV = base × 18 % rounded) misses the charged amount by a céntimo for roughly
 * one amount in seven (the reference's local check found 15 239 misses in the 99 901 amounts from S/ 1.00 to
 * S/ 1 000.00). So each line works backwards from its gross total instead: the base is the gross over 1.18 rounded
 * half-up to the céntimo, and the IGV is whatever remains. The lines then add up to the charged amount exactly, and
 * the IGV stays within 0.59 céntimo of base × 18 % (|gross − 1.18 × base| ≤ 1.18 × ½ céntimo), inside SUNAT's
 * observation checks. Header totals are plain sums of the lines, so Σ lines = header by construction.
 *
 * Everything is integer minor units in BigInt: no value ever passes through a binary fraction.
 */

export interface InvoiceItemInput {
  description: string;
  quantity: number;
  /** Unit price with IGV, in minor units. */
  unitAmount: number;
}

export interface InvoiceAmountsOptions {
  /** IGV rate in basis points; 1800 = 18 %. */
  igvRateBasisPoints?: number;
}

export interface InvoiceLineAmounts {
  description: string;
  quantity: number;
  /** Precio unitario (with IGV), minor units: `cac:PricingReference/cac:AlternativeConditionPrice` type 01. */
  unitPriceWithIgv: number;
  /** quantity × unitPriceWithIgv, minor units: what this line charged. */
  lineTotal: number;
  /** Valor venta (without IGV), minor units: line `cbc:LineExtensionAmount` and the IGV `cbc:TaxableAmount`. */
  base: number;
  /** lineTotal − base, minor units: line `cbc:TaxAmount`. */
  igv: number;
  /**
   * Valor unitario (without IGV) in major units as a decimal string of 2–10 decimals: `cac:Price/cbc:PriceAmount`.
   * Derived from the rounded base (base ÷ quantity), not from the unit price ÷ 1.18, so that quantity × valor
   * unitario reproduces the line's valor venta (SUNAT observation 4288 compares exactly these). Ten decimals keep
   * that product within half a céntimo of the base for any quantity below 10⁸.
   */
  unitValue: string;
}

export interface InvoiceTotals {
  /** Σ line bases: `cac:LegalMonetaryTotal/cbc:LineExtensionAmount` (and the header `cbc:TaxableAmount`). */
  base: number;
  /** Σ line IGV: header `cac:TaxTotal/cbc:TaxAmount`. */
  igv: number;
  /** base + igv = Σ line totals = the amount charged: `cbc:TaxInclusiveAmount` and `cbc:PayableAmount`. */
  total: number;
}

export interface InvoiceAmounts {
  igvRateBasisPoints: number;
  lines: InvoiceLineAmounts[];
  totals: InvoiceTotals;
}

export class InvoiceAmountsError extends RangeError {
  override readonly name = 'InvoiceAmountsError';
}

export const DEFAULT_IGV_RATE_BASIS_POINTS = 1800;
const BASIS = 10_000n;
/** Decimals of the unit value; UBL allows more than two and SUNAT accepts up to ten. */
const UNIT_VALUE_DECIMALS = 10;

/** Half-up division of non-negative integers: floor((2n + d) / 2d). */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvoiceAmountsError(`${what} is too large: ${value}`);
  return Number(value);
}

/** Fixed-point integer `scaled` with `decimals` decimals → decimal string, trailing zeros dropped down to two. */
function fixedPoint(scaled: bigint, decimals: number): string {
  const digits = scaled.toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '').padEnd(2, '0');
  return `${whole}.${fraction}`;
}

/** Minor units → UBL amount string with two decimals: 11800 → "118.00", 5 → "0.05". */
export function formatUblAmount(minor: number): string {
  assertMinorUnits(minor);
  return fixedPoint(BigInt(minor), 2);
}

/**
 * Lines and header totals of an invoice for the items of an order. Throws InvoiceAmountsError when an item is not
 * a whole number of units at a whole number of minor units, when there is no line, or when the total is zero or
 * beyond what a legend can spell.
 */
export function invoiceLines(items: readonly InvoiceItemInput[], options: InvoiceAmountsOptions = {}): InvoiceAmounts {
  const rate = options.igvRateBasisPoints ?? DEFAULT_IGV_RATE_BASIS_POINTS;
  if (!Number.isSafeInteger(rate) || rate < 0 || rate > 10_000) {
    throw new InvoiceAmountsError(`igvRateBasisPoints must be an integer from 0 to 10000, got ${rate}`);
  }
  // Checked through `unknown`: callers from plain JavaScript or JSON may pass anything.
  const list: unknown = items;
  if (!Array.isArray(list) || items.length === 0) throw new InvoiceAmountsError('an invoice needs at least one line');

  const grossPerBasis = BASIS + BigInt(rate);
  let sumBase = 0n;
  let sumIgv = 0n;
  const lines = items.map((item, i): InvoiceLineAmounts => {
    const where = `line ${i + 1}`;
    if (typeof item.description !== 'string' || item.description.trim() === '') {
      throw new InvoiceAmountsError(`${where}: description must be a non-empty string`);
    }
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1) {
      throw new InvoiceAmountsError(`${where}: quantity must be a positive integer, got ${item.quantity}`);
    }
    if (!Number.isSafeInteger(item.unitAmount) || item.unitAmount < 0) {
      throw new InvoiceAmountsError(`${where}: unitAmount must be a non-negative integer of minor units, got ${item.unitAmount}`);
    }
    const quantity = BigInt(item.quantity);
    const lineTotal = quantity * BigInt(item.unitAmount);
    // base = lineTotal / (1 + rate), half-up. With 18 % an exact half never occurs (lineTotal × 100 / 118 would
    // need lineTotal × 100 to be an odd multiple of 59), so the tie rule only matters for other rates.
    const base = divideHalfUp(lineTotal * BASIS, grossPerBasis);
    const igv = lineTotal - base;
    sumBase += base;
    sumIgv += igv;
    // Minor units → major units is two more decimals: base / quantity in major units at 10 decimals is
    // base × 10⁸ / quantity in minor units, rounded half-up like the base.
    const unitValue = fixedPoint(divideHalfUp(base * 10n ** BigInt(UNIT_VALUE_DECIMALS - 2), quantity), UNIT_VALUE_DECIMALS);
    return {
      description: item.description,
      quantity: item.quantity,
      unitPriceWithIgv: item.unitAmount,
      lineTotal: toSafeNumber(lineTotal, `${where}: line total`),
      base: Number(base),
      igv: Number(igv),
      unitValue,
    };
  });

  const total = sumBase + sumIgv;
  if (total === 0n) throw new InvoiceAmountsError('the invoice total must be greater than zero');
  if (total > BigInt(MAX_AMOUNT_IN_WORDS)) {
    throw new InvoiceAmountsError(`the invoice total ${total} exceeds ${MAX_AMOUNT_IN_WORDS} minor units`);
  }
  return {
    igvRateBasisPoints: rate,
    lines,
    totals: { base: Number(sumBase), igv: Number(sumIgv), total: Number(total) },
  };
}
