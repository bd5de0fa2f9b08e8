import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { json, money, timestamp } from '../database/column-types';

export type CreditTransactionType = 'purchase' | 'bonus' | 'grant' | 'consume' | 'expire' | 'refund_reversal' | 'renewal';

/** How many credits a transaction took from (or gave to) which lot. */
export interface LotMovement {
  lot_id: string;
  credits: number;
}

/**
 * The append-only ledger (`ctx_…`): every change of a balance is one row with its signed `credits` and the
 * `balanceAfter` it produced. Two keys, each unique per customer: `reference`, the client's own (a
 * consumption replayed with it returns the first transaction), and `entryKey`, the one SmartPay gives its
 * own entries (`order:<id>:purchase`, `lot:<id>:expire`…), which is what makes grants, expiries and
 * reversals happen once however often their job runs. They are separate so no client reference can ever
 * collide with an internal one.
 */
@Entity({ tableName: 'credit_transactions' })
@Index({ properties: ['customerId', 'id'] })
/** Reports: an app's credit movements over a period. */
@Index({ properties: ['appId', 'createdAt'] })
@Unique({ properties: ['customerId', 'reference'] })
@Unique({ properties: ['customerId', 'entryKey'] })
export class CreditTransaction {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'string', length: 40 })
  customerId!: string;

  @Property({ type: 'string', length: 24 })
  type!: CreditTransactionType;

  @Property({ type: 'integer' })
  credits!: number;

  @Property(money())
  balanceAfter!: number;

  @Property({ type: 'string', length: 191, nullable: true })
  reference: string | null = null;

  @Property({ type: 'string', length: 191, nullable: true })
  entryKey: string | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  description: string | null = null;

  @Property(json())
  lots!: LotMovement[];

  @Property({ type: 'string', length: 40, nullable: true })
  orderId: string | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  refundId: string | null = null;

  @Property(json())
  metadata!: Record<string, string>;

  @Property(timestamp())
  createdAt!: Date;
}
