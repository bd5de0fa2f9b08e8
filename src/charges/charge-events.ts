import { Injectable } from '@nestjs/common';
import type { SqlSession } from '../database/sql-session';
import type { Order, OrderStatus } from '../orders/order.entity';
import { OrderEvents, type OrderEventType } from '../orders/order-events';
import type { Charge } from './charge.entity';
import type { OrderEffect } from './charge-outcome';
import { presentCharge } from './charge.presenter';

/** What a committed charge outcome tells the outside world, and the order status it leaves. */
const OUTCOME_EVENTS: Record<OrderEffect, { type: OrderEventType; status: OrderStatus; perCharge: boolean } | null> = {
  paid: { type: 'order.paid', status: 'paid', perCharge: false },
  release: { type: 'order.payment_failed', status: 'pending', perCharge: true },
  requires_action: { type: 'order.requires_action', status: 'requires_action', perCharge: true },
  keep_processing: null,
};

/**
 * The events of a charge outcome, recorded in the transaction that commits it: `order.paid` once per
 * order (only when this commit moved it to paid), `order.payment_failed` once per failed charge,
 * `order.requires_action` once per challenged charge.
 */
@Injectable()
export class ChargeEvents {
  constructor(private readonly orderEvents: OrderEvents) {}

  /**
   * `heldOrder`: the order as read before the attempt (the charges service holds it, and single flight
   * means nothing else changed it), so the snapshot needs no extra read on the payment path; null to
   * read it in the transaction (webhooks, reconciliation).
   */
  async afterOutcome(tx: SqlSession, effect: OrderEffect, orderMoved: boolean, heldOrder: Order | null, charge: Charge, now: Date): Promise<void> {
    const spec = OUTCOME_EVENTS[effect];
    if (!spec) return;
    // A failed charge is news even when its order did not move (canceled meanwhile); a paid or
    // challenged order that did not move was already so: nothing new happened.
    if (!orderMoved && effect !== 'release') return;
    const dedupeKey = spec.perCharge ? `${spec.type}:${charge.id}` : undefined;
    if (heldOrder && orderMoved) {
      const after: Order = {
        ...heldOrder,
        status: spec.status,
        gateway: charge.gateway,
        latestChargeId: charge.id,
        paidAt: effect === 'paid' ? now : heldOrder.paidAt,
        updatedAt: now,
      };
      await this.orderEvents.record(tx, spec.type, after, presentCharge(charge), now, dedupeKey);
    } else {
      await this.orderEvents.recordCurrent(tx, spec.type, charge.orderId, now, dedupeKey);
    }
  }
}
