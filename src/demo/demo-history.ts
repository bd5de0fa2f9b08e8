import type { Charge } from '../charges/charge.entity';
import { randomUUID } from 'node:crypto';
import { derivedId, type IdKind } from '../common/ids';
import type { Currency } from '../common/money';
import type { Order } from '../orders/order.entity';
import type { Refund } from '../refunds/refund.entity';

/**
 * Thirty days of past payments for the demo, as rows: the live part of the demo (demo-live.ts) pays a few
 * dozen orders through the sandboxes "now"; charts and period comparisons need history, which the real
 * flows cannot backdate. Shapes follow what the payment path writes (a paid order with its charge, a
 * declined attempt leaves its order pending, a refund lowers the order's refundable amount).
 */
export interface History {
  orders: Order[];
  charges: Charge[];
  refunds: Refund[];
}

const BRANDS = ['Visa', 'Visa', 'Visa', 'MasterCard', 'MasterCard', 'Amex', 'Diners'] as const;
const DECLINES = ['insufficient_funds', 'insufficient_funds', 'stolen_card', 'contact_issuer', 'incorrect_cvv', 'expired_card'] as const;
const PRICES_PEN = [1_990, 3_500, 4_990, 11_800, 19_900, 25_000, 59_000] as const;
const PRICES_USD = [1_050, 2_500, 5_400] as const;

type Random = () => number;

/** Ids carry their creation time, so backdated rows sort (and page) where they belong. */
const idAt = (kind: IdKind, at: Date): string => derivedId(kind, at, randomUUID());
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

/** Lima business hours get the traffic: fewer payments at night (UTC−5). */
function hourWeight(utcHour: number): number {
  const lima = (utcHour + 19) % 24;
  return lima >= 9 && lima <= 21 ? 1 : lima >= 7 && lima <= 23 ? 0.4 : 0.08;
}

export function demoHistory(appId: string, now: Date, options: { days: number; perDay: number; random?: Random }): History {
  const random = options.random ?? Math.random;
  const out: History = { orders: [], charges: [], refunds: [] };
  const start = now.getTime() - options.days * 86_400_000;
  for (let hour = 0; hour < options.days * 24; hour++) {
    const hourStart = start + hour * 3_600_000;
    const expected = (options.perDay / 13) * hourWeight(new Date(hourStart).getUTCHours()) * (0.7 + random() * 0.6);
    const count = Math.floor(expected) + (random() < expected % 1 ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const at = new Date(hourStart + Math.floor(random() * 3_600_000));
      if (at >= now) continue;
      addPayment(out, appId, at, random);
    }
  }
  return out;
}

function addPayment(out: History, appId: string, at: Date, random: Random): void {
  const currency: Currency = random() < 0.85 ? 'PEN' : 'USD';
  // Mercado Pago Peru takes PEN only.
  const gateway = currency === 'USD' || random() < 0.62 ? 'culqi' : 'mercadopago';
  const amount = currency === 'PEN' ? pick(random, PRICES_PEN) : pick(random, PRICES_USD);
  const yape = gateway === 'culqi' && currency === 'PEN' && random() < 0.12;
  // Mercado Pago declines a little more often in this demo, so the gateway comparison shows something.
  const declined = random() < (gateway === 'mercadopago' ? 0.14 : 0.08);
  const gatewayError = !declined && random() < 0.012;
  const status = declined || gatewayError ? 'failed' : 'succeeded';
  const processingMs = Math.round((gateway === 'culqi' ? 420 : 610) * (0.6 + random() * 0.8) + (random() < 0.05 ? 1_500 * random() : 0));
  const order: Order = {
    id: idAt('order', at),
    appId,
    status: status === 'succeeded' ? 'paid' : 'pending',
    amount,
    currency,
    amountRefunded: 0,
    description: 'Pedido demo',
    reference: null,
    customerId: null,
    items: [],
    creditPackage: null,
    gateway,
    latestChargeId: null,
    invoiceId: null,
    metadata: { demo: 'history' },
    createdAt: at,
    updatedAt: at,
    paidAt: status === 'succeeded' ? at : null,
    canceledAt: null,
    expiresAt: new Date(at.getTime() + 86_400_000),
  };
  const charge: Charge = {
    id: idAt('charge', at),
    appId,
    orderId: order.id,
    status,
    amount,
    currency,
    gateway,
    gatewayChargeId: `demo_${idAt('charge', at).slice(-12)}`,
    sourceType: yape ? 'yape_token' : 'card_token',
    paymentMethodId: null,
    sourceToken: null,
    email: 'cliente@demo.pe',
    installments: 1,
    cardBrand: yape ? null : pick(random, BRANDS),
    cardLast4: yape ? null : String(1000 + Math.floor(random() * 9000)),
    cardExpMonth: yape ? null : 1 + Math.floor(random() * 12),
    cardExpYear: yape ? null : 2027 + Math.floor(random() * 4),
    failureCode: declined ? 'card_declined' : gatewayError ? 'gateway_error' : null,
    declineCode: declined ? pick(random, DECLINES) : null,
    failureMessage: declined ? 'La tarjeta fue rechazada' : gatewayError ? 'The gateway answered 500' : null,
    gatewayCode: null,
    nextAction: null,
    routing: [],
    processingMs,
    attemptedAt: at,
    reconcileAttempts: 0,
    nextReconcileAt: null,
    createdAt: at,
    updatedAt: at,
  };
  order.latestChargeId = charge.id;
  out.orders.push(order);
  out.charges.push(charge);
  if (status === 'succeeded' && random() < 0.04) {
    const refundAt = new Date(at.getTime() + Math.floor(random() * 2 * 86_400_000));
    const partial = random() < 0.4;
    const refunded = partial ? Math.round(amount / 2) : amount;
    order.amountRefunded = refunded;
    order.status = partial ? 'partially_refunded' : 'refunded';
    out.refunds.push({
      id: idAt('refund', refundAt),
      appId,
      orderId: order.id,
      chargeId: charge.id,
      amount: refunded,
      currency,
      status: 'succeeded',
      gateway,
      gatewayRefundId: `demo_${idAt('refund', refundAt).slice(-12)}`,
      reason: 'requested_by_customer',
      failureMessage: null,
      failureCode: null,
      attemptedAt: refundAt,
      nextReconcileAt: null,
      reconcileAttempts: 0,
      createdAt: refundAt,
      updatedAt: refundAt,
    });
  }
}
