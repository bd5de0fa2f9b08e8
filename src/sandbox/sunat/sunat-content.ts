import type { Element } from '@xmldom/xmldom';
import { messageOf, type SunatObservation } from './sunat-codes';
import { child, children, descendants, NS, path, textOf } from './sunat-xml';

// What SUNAT checks in a document's content that the simulator imitates: the totals recomputed from the lines
// (sunat.md B1 "How amounts relate"), plus the test data that makes any document answer a chosen outcome.

/** Test data: a customer name or a line description containing one of these decides the answer. */
export const TEST_MARKERS = { reject: 'SUNAT-REJECT', observe: 'SUNAT-OBSERVE', exception: 'SUNAT-EXCEPTION' } as const;
export type TestMarker = keyof typeof TEST_MARKERS;

/** The markers in the customer's RegistrationName and the lines' descriptions. */
export function markersOf(root: Element): Set<TestMarker> {
  const customer = textOf(path(root, [NS.cac, 'AccountingCustomerParty'], [NS.cac, 'Party'], [NS.cac, 'PartyLegalEntity'], [NS.cbc, 'RegistrationName'])) ?? '';
  const texts = [customer, ...descendants(root, NS.cac, 'Item').flatMap((item) => children(item, NS.cbc, 'Description').map((d) => textOf(d) ?? ''))];
  return markersIn(texts.join('\n'));
}

/** The markers anywhere in a text (summaries: no per-field rules, the whole XML counts). */
export function markersIn(text: string): Set<TestMarker> {
  const found = new Set<TestMarker>();
  for (const [marker, word] of Object.entries(TEST_MARKERS) as [TestMarker, string][]) if (text.includes(word)) found.add(marker);
  return found;
}

export interface TotalsFindings {
  observations: SunatObservation[];
  /** PayableAmount inconsistent with the amounts it is made of: a rejection. */
  rejection: SunatObservation | null;
}

/**
 * Recomputes a factura's, boleta's or credit note's totals from its lines. Sums of two-decimal amounts are exact,
 * so they must match to the cent; a line's qty × unit value is rounded to the cent before it is compared.
 * [unconfirmed] SUNAT's own tolerances (sunat.md "Not confirmed"): the simulator is strict on purpose, so a
 * rounding slip in SmartPay shows up here as an observation rather than in production.
 */
export function checkTotals(root: Element): TotalsFindings {
  const observations: SunatObservation[] = [];
  const credit = root.localName === 'CreditNote';
  const lines = children(root, NS.cac, credit ? 'CreditNoteLine' : 'InvoiceLine');
  let lineSum = 0n;
  let lineIgv = 0n;
  for (const line of lines) {
    const id = textOf(child(line, NS.cbc, 'ID')) ?? '?';
    const value = cents(textOf(child(line, NS.cbc, 'LineExtensionAmount')));
    const qty = decimal(textOf(child(line, NS.cbc, credit ? 'CreditedQuantity' : 'InvoicedQuantity')));
    const price = decimal(textOf(path(line, [NS.cac, 'Price'], [NS.cbc, 'PriceAmount'])));
    lineSum += value ?? 0n;
    lineIgv += igvOf(line) ?? 0n;
    if (value !== null && qty !== null && price !== null && roundToCents(qty * price) !== value) {
      observations.push(observation('4288', `ítem ${id}: ${show(roundToCents(qty * price))} ≠ ${show(value)}`));
    }
  }
  const totals = child(root, NS.cac, 'LegalMonetaryTotal');
  const amount = (name: string) => (totals ? cents(textOf(child(totals, NS.cbc, name))) : null);
  const headerValue = amount('LineExtensionAmount');
  if (headerValue !== null && headerValue !== lineSum) observations.push(observation('4309', `${show(lineSum)} ≠ ${show(headerValue)}`));
  const headerIgv = igvOf(root);
  if (headerIgv !== null && headerIgv !== lineIgv) observations.push(observation('4310', `${show(lineIgv)} ≠ ${show(headerIgv)}`));

  const payable = amount('PayableAmount');
  const taxes = cents(textOf(path(root, [NS.cac, 'TaxTotal'], [NS.cbc, 'TaxAmount'])));
  let rejection: SunatObservation | null = null;
  if (payable !== null && headerValue !== null && taxes !== null) {
    const expected = headerValue + taxes - (amount('AllowanceTotalAmount') ?? 0n) + (amount('ChargeTotalAmount') ?? 0n) - (amount('PrepaidAmount') ?? 0n) + (amount('PayableRoundingAmount') ?? 0n);
    if (expected !== payable) rejection = observation('2122', `${show(payable)} ≠ ${show(expected)}`);
  }
  return { observations, rejection };
}

function observation(code: string, detail: string): SunatObservation {
  return { code, description: `${messageOf(code)} (${detail})` };
}

/** The IGV (tax scheme 1000) of a line or of the header, in cents; null when it carries no TaxTotal. */
function igvOf(parent: Element): bigint | null {
  const taxTotal = child(parent, NS.cac, 'TaxTotal');
  if (!taxTotal) return null;
  const subtotals = children(taxTotal, NS.cac, 'TaxSubtotal');
  const igv = subtotals.filter((s) => textOf(path(s, [NS.cac, 'TaxCategory'], [NS.cac, 'TaxScheme'], [NS.cbc, 'ID'])) === '1000');
  if (igv.length === 0) return subtotals.length === 0 ? cents(textOf(child(taxTotal, NS.cbc, 'TaxAmount'))) : 0n;
  return igv.reduce((sum, s) => sum + (cents(textOf(child(s, NS.cbc, 'TaxAmount'))) ?? 0n), 0n);
}

/** Amounts and quantities as integers of 10⁻¹⁰ (unit values may carry up to 10 decimals, sunat.md B1). */
const SCALE = 10n ** 10n;
const CENT = SCALE / 100n;

function decimal(text: string | null): bigint | null {
  const m = text === null ? null : /^(-)?(\d+)(?:\.(\d{1,10}))?$/.exec(text);
  if (!m) return null;
  const value = BigInt(m[2]!) * SCALE + BigInt((m[3] ?? '').padEnd(10, '0'));
  return m[1] ? -value : value;
}

/** An amount in cents, rounded half away from zero; null when absent or not a number. */
function cents(text: string | null): bigint | null {
  const value = decimal(text);
  return value === null ? null : roundDiv(value, CENT);
}

/** A product of two scaled values (scale²) rounded to cents. */
function roundToCents(product: bigint): bigint {
  return roundDiv(product, SCALE * CENT);
}

function roundDiv(value: bigint, by: bigint): bigint {
  const half = by / 2n;
  return value >= 0n ? (value + half) / by : -((-value + half) / by);
}

function show(centsValue: bigint): string {
  const sign = centsValue < 0n ? '-' : '';
  const abs = centsValue < 0n ? -centsValue : centsValue;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}
