import { asRecord } from '../json-input';
import type { SimRouter } from '../sim-router';
import type { SimRequest, SimResponse } from '../sim-types';
import { idempotencyKey, withIdempotency, type MpContext } from './mp-context';
import { badRequest, mpError, notFound } from './mp-errors';
import type { MpRefund, PaymentRecord } from './mp-objects';
import { applyOutcome } from './mp-payment-builder';
import { centsToDecimal, decimalToCents, mpDate } from './mp-values';

/** POST /v1/payments/{id}/refunds: `{}` refunds the rest, `{ amount }` part of it (mercadopago.md §4). */
function createRefund(ctx: MpContext, req: SimRequest, record: PaymentRecord): SimResponse {
  const body = req.body === undefined ? {} : asRecord(req.body);
  if (!body) return badRequest(1, 'Params Error', 'invalid body');
  const refundable = record.json.status === 'approved' && (record.json.status_detail === 'accredited' || record.json.status_detail === 'partially_refunded');
  if (!refundable) return badRequest(2063, 'Invalid payment status', `payment is ${record.json.status}/${record.json.status_detail}`);
  const remaining = record.amountCents - record.refundedCents;
  let cents = remaining;
  if (body.amount !== undefined && body.amount !== null) {
    if (typeof body.amount !== 'number' || body.amount <= 0) return badRequest(4040, 'amount must be positive');
    const asked = decimalToCents(body.amount);
    if (asked === null) return badRequest(2017, 'Invalid refund amount');
    if (asked > remaining) return badRequest(2017, 'Invalid refund amount', `amount exceeds the refundable remainder ${centsToDecimal(remaining)}`);
    cents = asked;
  }
  const refund: MpRefund = {
    id: ctx.store.nextRefundId(),
    payment_id: record.json.id,
    amount: centsToDecimal(cents),
    metadata: {},
    source: { id: String(ctx.userId), name: 'Sandbox Seller', type: 'collector' },
    date_created: mpDate(ctx.now()),
    unique_sequence_number: null,
    refund_mode: 'standard',
    adjustment_amount: 0,
    status: 'approved',
    reason: null,
    amount_refunded_to_payer: centsToDecimal(cents),
    labels: [],
    partition_details: [],
  };
  record.refunds.push(refund);
  record.refundedCents += cents;
  const full = record.refundedCents === record.amountCents;
  applyOutcome(ctx, record, full ? { status: 'refunded', status_detail: 'refunded' } : { status: 'approved', status_detail: 'partially_refunded' });
  ctx.notify(record, 'payment.updated');
  return { status: 201, body: structuredClone(refund) };
}

export function registerRefundRoutes(router: SimRouter, ctx: MpContext): void {
  const payment = (req: SimRequest): PaymentRecord | SimResponse => {
    const id = req.params.id ?? '';
    return (/^\d{1,19}$/.test(id) ? ctx.store.payments.get(id) : undefined) ?? notFound(2000, 'Payment not found');
  };

  router.add('POST', '/v1/payments/:id/refunds', (req) => {
    const denied = ctx.authorize(req);
    if (denied) return denied;
    const key = idempotencyKey(req);
    if (key === undefined) return mpError(400, 'bad_request', "Header X-Idempotency-Key can't be null", [{ code: 1, description: "Header X-Idempotency-Key can't be null" }]);
    const record = payment(req);
    if (!('json' in record)) return record;
    return withIdempotency(ctx, req, key, () => createRefund(ctx, req, record));
  });

  router.add('GET', '/v1/payments/:id/refunds', (req) => {
    const denied = ctx.authorize(req);
    if (denied) return denied;
    const record = payment(req);
    return 'json' in record ? { status: 200, body: structuredClone(record.refunds) } : record;
  });

  router.add('GET', '/v1/payments/:id/refunds/:refundId', (req) => {
    const denied = ctx.authorize(req);
    if (denied) return denied;
    const record = payment(req);
    if (!('json' in record)) return record;
    const refund = record.refunds.find((r) => String(r.id) === req.params.refundId);
    return refund ? { status: 200, body: structuredClone(refund) } : notFound(2032, 'Refund not found');
  });
}
