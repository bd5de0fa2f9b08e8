import type { GatewayId } from '../config/app-config';
import type { Order } from './order.entity';

export type OrderObject = ReturnType<typeof presentOrder>;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Statuses after which nothing more can be refunded. */
const REFUNDABLE: ReadonlySet<string> = new Set(['paid', 'partially_refunded']);

/** The public Order object. `latest_charge` is filled by the charges capability. */
export function presentOrder(o: Order, suggestedGateway: GatewayId | null, latestCharge: object | null = null) {
  return {
    id: o.id,
    object: 'order' as const,
    status: o.status,
    amount: o.amount,
    currency: o.currency,
    amount_refunded: o.amountRefunded,
    amount_refundable: REFUNDABLE.has(o.status) ? o.amount - o.amountRefunded : 0,
    description: o.description,
    reference: o.reference,
    customer_id: o.customerId,
    items: o.items,
    metadata: o.metadata,
    credit_package: o.creditPackage,
    gateway: o.gateway,
    suggested_gateway: o.status === 'pending' || o.status === 'requires_action' ? suggestedGateway : null,
    latest_charge: latestCharge,
    invoice_id: o.invoiceId,
    created_at: o.createdAt.toISOString(),
    updated_at: o.updatedAt.toISOString(),
    paid_at: iso(o.paidAt),
    canceled_at: iso(o.canceledAt),
    expires_at: o.expiresAt.toISOString(),
  };
}
