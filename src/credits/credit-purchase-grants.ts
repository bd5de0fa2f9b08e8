import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { EntityRows } from '../database/entity-rows';
import type { SqlSession } from '../database/sql-session';
import type { DomainEvent } from '../events/domain-event.entity';
import type { EventConsumer } from '../events/event-consumer';
import { EventRecorder } from '../events/event-recorder';
import { JobQueue } from '../jobs/job-queue';
import { Order } from '../orders/order.entity';
import { CreditLedger } from './credit-ledger';
import { CreditPackageCatalog } from './credit-packages';
import { lotSnapshot, transactionSnapshot } from './credit-snapshots';

export const GRANT_PURCHASE_JOB = 'credits.grant_purchase';

const DAY_MS = 86_400_000;

/** Order statuses in which the order was paid (a later refund does not undo that it was paid). */
const PAID = new Set(['paid', 'partially_refunded', 'refunded', 'disputed']);

/**
 * Gives a paid credit-package order its credits: `order.paid` → one job per order (unique key) → one
 * transaction that adds the two lots (purchased or renewal, and bonus) with their entries. The purchase
 * entry's key (`order:<id>:purchase`, unique per customer) is checked under the account lock, so duplicate
 * gateway webhooks, reconciliation, a redelivered event or a job that ran twice after a crash grant once.
 */
@Injectable()
export class CreditPurchaseGrants implements EventConsumer {
  readonly name = 'credit-purchases';

  constructor(
    private readonly ledger: CreditLedger,
    private readonly rows: EntityRows,
    private readonly catalog: CreditPackageCatalog,
    private readonly events: EventRecorder,
    private readonly jobs: JobQueue,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Credits');
  }

  async consume(tx: SqlSession, events: readonly DomainEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== 'order.paid' || !event.data.credit_package) continue;
      await this.jobs.enqueueIn(tx, GRANT_PURCHASE_JOB, { order_id: event.resourceId }, { dedupeKey: `${GRANT_PURCHASE_JOB}:${event.resourceId}`, appId: event.appId });
    }
  }

  /** The job: grants the order's package once; a no-op when already granted or not a paid package order. */
  async grant(orderId: string): Promise<void> {
    const [order] = await this.rows.select(this.ledger.reader, Order, 'id = ?', [orderId]);
    if (!order || !order.creditPackage || !order.customerId || !PAID.has(order.status)) {
      this.logger.warn({ orderId, status: order?.status }, 'credit grant skipped: not a paid credit-package order of a customer');
      return;
    }
    const pkg = this.catalog.get(order.creditPackage);
    if (!pkg) throw new Error(`credit package ${order.creditPackage} of ${order.id} is no longer configured`);
    const customerId = order.customerId;
    await this.ledger.write(
      order.appId,
      customerId,
      async (l) => {
        if (await this.ledger.findByEntryKey(l.tx, customerId, `order:${order.id}:purchase`)) return;
        const renewal = l.account.renewalOrderId === order.id;
        const granted = l.now.getTime();
        const main = await this.ledger.addLot(l, {
          kind: renewal ? 'renewal' : 'purchased',
          credits: pkg.credits,
          expiresAt: new Date(granted + pkg.validity_days * DAY_MS),
          orderId: order.id,
        });
        const entries = [
          this.ledger.append(l, {
            type: renewal ? 'renewal' : 'purchase',
            credits: pkg.credits,
            lots: [{ lot_id: main.id, credits: pkg.credits }],
            entryKey: `order:${order.id}:purchase`,
            description: `${pkg.name} package`,
            orderId: order.id,
          }),
        ];
        const lots = [main];
        if (pkg.bonus_credits > 0) {
          const bonus = await this.ledger.addLot(l, {
            kind: 'bonus',
            credits: pkg.bonus_credits,
            expiresAt: new Date(granted + pkg.bonus_validity_days * DAY_MS),
            orderId: order.id,
          });
          lots.push(bonus);
          entries.push(
            this.ledger.append(l, {
              type: 'bonus',
              credits: pkg.bonus_credits,
              lots: [{ lot_id: bonus.id, credits: pkg.bonus_credits }],
              entryKey: `order:${order.id}:bonus`,
              description: `${pkg.name} package bonus`,
              orderId: order.id,
            }),
          );
        }
        const balance = l.account.balance;
        const credits = pkg.credits + pkg.bonus_credits;
        await this.events.record(l.tx, {
          appId: order.appId,
          type: 'credits.granted',
          resource: { type: 'customer_credits', id: customerId },
          data: { object: 'credit_grant', customer_id: customerId, order_id: order.id, package: pkg.code, credits, lots: lots.map(lotSnapshot), transactions: entries.map(transactionSnapshot), balance },
          dedupeKey: `credits.granted:${order.id}`,
          at: l.now,
        });
        if (renewal) {
          const a = l.account;
          await this.events.record(l.tx, {
            appId: order.appId,
            type: 'credits.renewal_succeeded',
            resource: { type: 'customer_credits', id: customerId },
            data: { object: 'credit_renewal', customer_id: customerId, package: pkg.code, currency: order.currency, amount: order.amount, payment_method_id: a.renewalPaymentMethodId, order_id: order.id, attempts: a.renewalAttempts, credits, balance },
            dedupeKey: `credits.renewal_succeeded:${order.id}`,
            at: l.now,
          });
          // Idle again, also when renewal was switched off while this one was in flight (re-enabling then works).
          if (a.renewalStatus !== 'disabled') a.renewalStatus = 'idle';
          a.renewalKey = null;
          a.renewalOrderId = null;
          a.renewalAttempts = 0;
          a.renewalLastFailure = null;
        }
      },
      { create: true },
    );
  }
}
