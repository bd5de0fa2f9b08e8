import type { RefundLookup, RefundReference } from '../payment-gateway.port';
import { tryDecimalToMinor } from './mercadopago.amounts';
import { asRecord, idString, text } from './mercadopago.wire';

/** How far before `attemptedAt` a refund may be dated: clock skew between us and Mercado Pago only. */
export const REFUND_SEARCH_BEFORE_MS = 60_000;

/** A Mercado Pago refund object (mercadopago.md §4) as far as matching needs it. */
export interface MercadoPagoRefund {
  id: string;
  /** Exact minor units. */
  amount: number;
  createdAt: Date;
  status: string | null;
}

/** Null when the object has no id, no exact 2-decimal amount or no valid `date_created`. */
export function readMercadoPagoRefund(json: unknown): MercadoPagoRefund | null {
  const refund = asRecord(json);
  const id = idString(refund?.id);
  const amount = tryDecimalToMinor(refund?.amount);
  const createdAt = Date.parse(text(refund?.date_created) ?? '');
  if (id === null || amount === null || Number.isNaN(createdAt)) return null;
  return { id, amount, createdAt: new Date(createdAt), status: text(refund?.status) };
}

/**
 * approved → succeeded; rejected / cancelled → failed; pending / in_process → pending. A status we do
 * not know is asked about again later rather than guessed.
 */
export function refundLookupStatus(status: string | null): 'succeeded' | 'failed' | 'pending' {
  switch (status) {
    case 'approved':
      return 'succeeded';
    case 'rejected':
    case 'cancelled':
      return 'failed';
    default:
      return 'pending';
  }
}

/**
 * Picks our refund out of `GET /v1/payments/{id}/refunds`. With Mercado Pago's refund id (answered to
 * our POST) it is that refund. Without it the match is by amount and time, because nothing else can tie
 * a Mercado Pago refund to ours: the refund object carries no reference of ours (its `metadata` is not
 * something the documented refund POST sets), and the X-Idempotency-Key we sent cannot be read back.
 * Candidates: exactly our amount, dated no earlier than a minute before our attempt, and not already
 * attributed to another of our refunds of this payment; the oldest is ours (refunds of one payment are
 * attributed in the order they were attempted). An unreadable item is an error, never a reason to say
 * "not found".
 */
export function matchRefund(items: unknown[], reference: RefundReference): RefundLookup {
  const refunds: MercadoPagoRefund[] = [];
  for (const item of items) {
    const refund = readMercadoPagoRefund(item);
    if (!refund) return { error: 'a Mercado Pago refund in the listing could not be read' };
    refunds.push(refund);
  }
  if (reference.gatewayRefundId !== null) {
    const known = refunds.find((r) => r.id === reference.gatewayRefundId);
    return known ? { found: true, gatewayRefundId: known.id, status: refundLookupStatus(known.status) } : { found: false };
  }
  const from = reference.attemptedAt.getTime() - REFUND_SEARCH_BEFORE_MS;
  const excluded = new Set(reference.excludeGatewayRefundIds);
  const candidates = refunds
    .filter((r) => r.amount === reference.amount && r.createdAt.getTime() >= from && !excluded.has(r.id))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compareIds(a.id, b.id));
  const oldest = candidates[0];
  return oldest ? { found: true, gatewayRefundId: oldest.id, status: refundLookupStatus(oldest.status) } : { found: false };
}

/** Numeric ids by value (`9` before `10`), anything else as text. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
