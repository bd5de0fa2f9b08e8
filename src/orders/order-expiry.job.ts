import { EntityManager } from '@mikro-orm/core';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { IntervalScheduler } from '../common/scheduling/interval-scheduler';
import { AppConfig } from '../config/app-config';
import { Order } from './order.entity';

const BATCH = 500;

/**
 * Expires unpaid orders past `expires_at`. Only `pending` orders expire: an order with a charge in
 * flight (`processing`, `requires_action`) is skipped so a late approval still finds it payable.
 * The UPDATE re-checks the status, so a charge that starts in between always wins.
 */
@Injectable()
export class OrderExpiryJob implements OnModuleInit {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly scheduler: IntervalScheduler,
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
      total += await em.nativeUpdate(
        Order,
        { id: { $in: due.map((o) => o.id) }, status: 'pending', expiresAt: { $lte: now } },
        { status: 'expired', updatedAt: now },
      );
      em.clear();
      if (due.length < BATCH) return total;
    }
  }
}
