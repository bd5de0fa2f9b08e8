/**
 * Every event type of the public contract (api.md, "Webhooks to client apps"). Endpoints may subscribe
 * to any of them (or `*`); the ones not produced yet (invoices, credits) are accepted in subscriptions so
 * an endpoint set up today receives them as soon as those capabilities emit them.
 */
export const EVENT_TYPES = [
  'order.paid',
  'order.payment_failed',
  'order.requires_action',
  'order.canceled',
  'order.expired',
  'refund.succeeded',
  'refund.failed',
  'invoice.issued',
  'invoice.accepted',
  'invoice.rejected',
  'credits.granted',
  'credits.low_balance',
  'credits.expired',
  'credits.renewal_succeeded',
  'credits.renewal_failed',
  'payment_method.saved',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}
