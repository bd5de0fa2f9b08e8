import type { Refund } from './refund.entity';

/** A refund as the public API (and its events) show it. */
export function presentRefund(r: Refund) {
  return {
    id: r.id,
    object: 'refund' as const,
    order_id: r.orderId,
    charge_id: r.chargeId,
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    gateway: r.gateway,
    gateway_refund_id: r.gatewayRefundId,
    reason: r.reason,
    failure: r.status === 'failed' ? { code: r.failureCode, message: r.failureMessage ?? '' } : null,
    created_at: r.createdAt.toISOString(),
  };
}
