import { Injectable } from '@nestjs/common';
import { EntityRows } from '../database/entity-rows';
import type { SqlSession } from '../database/sql-session';
import { EventRecorder } from '../events/event-recorder';
import type { EventType } from '../events/event-types';
import { RoutingService } from '../gateways/routing.service';
import { LatestChargeLookup } from './latest-charge.lookup';
import { Order } from './order.entity';
import { presentOrder } from './order.presenter';

export type OrderEventType = Extract<EventType, `order.${string}`>;

/**
 * Records `order.*` events with the order as the API shows it after the change (`latest_charge`
 * inline), on the transaction that made the change.
 */
@Injectable()
export class OrderEvents {
  constructor(
    private readonly recorder: EventRecorder,
    private readonly routing: RoutingService,
    private readonly rows: EntityRows,
    private readonly latestCharges: LatestChargeLookup,
  ) {}

  /** With the order and its latest charge as the caller holds them (the payment hot path: no extra read). */
  async record(session: SqlSession, type: OrderEventType, order: Order, latestCharge: object | null, at: Date, dedupeKey?: string): Promise<void> {
    await this.recorder.record(session, {
      appId: order.appId,
      type,
      resource: { type: 'order', id: order.id },
      data: presentOrder(order, this.routing.suggest(order.currency), latestCharge),
      dedupeKey,
      at,
    });
  }

  /** Reads the order (and its latest charge) on the transaction after its update, then records. */
  async recordCurrent(session: SqlSession, type: OrderEventType, orderId: string, at: Date, dedupeKey?: string): Promise<void> {
    const [order] = await this.rows.select(session, Order, 'id = ?', [orderId]);
    if (!order) return;
    await this.record(session, type, order, await this.latestCharges.inSession(session, order.latestChargeId), at, dedupeKey);
  }
}
