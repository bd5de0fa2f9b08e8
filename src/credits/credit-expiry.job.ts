import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { IntervalScheduler } from '../common/scheduling/interval-scheduler';
import { AppConfig } from '../config/app-config';
import { CreditLedger } from './credit-ledger';

const BATCH = 200;

/**
 * Records the expiry of lots past `expires_at` (entry `expire`, event `credits.expired`), one customer per
 * transaction under the account lock. It only records: a lot past its time is already unusable, because
 * consumption expires due lots of its customer itself before it takes anything. Safe on every instance at
 * once — a lot already expired by another holds nothing and is not selected again.
 */
@Injectable()
export class CreditExpiryJob implements OnModuleInit {
  constructor(
    private readonly ledger: CreditLedger,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly scheduler: IntervalScheduler,
  ) {}

  onModuleInit(): void {
    this.scheduler.register('credit-expiry', this.config.credits.expiryIntervalMs, () => this.runOnce());
  }

  /** Expires what is due now; returns how many customers had lots expired. */
  async runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await this.ledger.reader.all<{ app_id: string; customer_id: string }>(
        `select distinct app_id, customer_id from credit_lots where remaining > 0 and expires_at <= ? limit ${BATCH}`,
        [this.clock.now()],
      );
      for (const { app_id, customer_id } of due) {
        await this.ledger.write(app_id, customer_id, async (l) => {
          await this.ledger.expireDue(l);
        });
        total++;
      }
      if (due.length < BATCH) return total;
    }
  }
}
