import { EntityManager } from '@mikro-orm/core';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { IntervalScheduler } from '../common/scheduling/interval-scheduler';
import { AppConfig } from '../config/app-config';
import { SqlRunner } from '../database/sql-runner';
import { Order } from './order.entity';
import { OrderEvents } from './order-events';

const BATCH = 200;

/**
 * Expires unpaid orders past `expires_at`. Only `pending` orders expire: an order with a charge in
 * flight (`processing`, `requires_action`) is skipped so a late approval still finds it payable.
 * Each UPDATE re-checks the status, so a charge that starts in between always wins; `order.expired`
 * is recorded in the same transaction for exactly the orders that moved.
 */
@Injectable()
export class OrderExpiryJob implements OnModuleInit {
  constructor(
    private readonly em: EntityManager,
    private readonly sql: SqlRunner,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly scheduler: IntervalScheduler,
    private readonly orderEvents: OrderEvents,
  ) {}

  onModuleInit(): void {
    this.scheduler.register('order-expiry', this.config.orders.expiryIntervalMs, () => this.runOnce());
  }

  /** Expires what is due now; returns how many orders expired. */
  async runOnce(): Promise<number> {
    const em = this.em.fork();
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const due = await em.find(Order, { status: 'pending', expiresAt: { $lte: now } }, { fields: ['id'], limit: BATCH });
      if (due.length === 0) return total;
      total += await this.sql.transaction(async (tx) => {
        let expired = 0;
        for (const { id } of due) {
          const moved = await tx.run("update orders /*! FORCE INDEX (PRIMARY) */ set status = 'expired', updated_at = ? where id = ? and status = 'pending' and expires_at <= ?", [now, id, now]);
          if (moved !== 1) continue;
          expired++;
          await this.orderEvents.recordCurrent(tx, 'order.expired', id, now);
        }
        return expired;
      });
      em.clear();
      if (due.length < BATCH) return total;
    }
  }
}
