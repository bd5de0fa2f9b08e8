import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { money, timestamp } from '../database/column-types';

export type RenewalStatus = 'idle' | 'pending' | 'retrying' | 'disabled';

/**
 * One customer's credit account: the running balance (always Σ of its lots' `remaining`, kept in the same
 * transaction as every lot change) and the customer's settings. Every ledger write starts by updating this
 * row, which serialises all writes of one customer — on MariaDB/MySQL by the row lock, on SQLite by its
 * single writer — so consumption, expiry, grants and reversals never interleave for the same customer.
 */
@Entity({ tableName: 'credit_accounts' })
@Index({ properties: ['appId', 'customerId'] })
export class CreditAccount {
  @PrimaryKey({ type: 'string', length: 40 })
  customerId!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property(money())
  balance!: number;

  /** Below this a `credits.low_balance` event (and e-mail) goes out, once per crossing; null = the default. */
  @Property({ type: 'integer', nullable: true })
  lowBalanceThreshold: number | null = null;

  /** True from the crossing below the threshold until the balance is back at or above it. */
  @Property({ type: 'boolean', default: false })
  lowBalanceNotified: boolean = false;

  @Property({ type: 'boolean', default: false })
  renewalEnabled: boolean = false;

  @Property({ type: 'string', length: 32, nullable: true })
  renewalPackage: string | null = null;

  @Property({ type: 'string', length: 3, nullable: true })
  renewalCurrency: string | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  renewalPaymentMethodId: string | null = null;

  @Property({ type: 'integer', nullable: true })
  renewalThreshold: number | null = null;

  /** idle → pending (a crossing asked for a renewal) → retrying (declined, waiting) → idle | disabled. */
  @Property({ type: 'string', length: 16, default: 'idle' })
  renewalStatus: RenewalStatus = 'idle';

  /** The renewal in flight: its key (one per crossing) and order. */
  @Property({ type: 'string', length: 64, nullable: true })
  renewalKey: string | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  renewalOrderId: string | null = null;

  @Property({ type: 'integer', default: 0 })
  renewalAttempts: number = 0;

  @Property({ type: 'string', length: 500, nullable: true })
  renewalLastFailure: string | null = null;

  @Property(timestamp())
  createdAt!: Date;

  @Property(timestamp())
  updatedAt!: Date;
}
