import { Check, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { timestamp } from '../database/column-types';

export type LotKind = 'purchased' | 'bonus' | 'granted' | 'renewal';

/**
 * Credits received together and expiring together (`cl_…`): a purchase gives two (purchased, bonus), a
 * manual grant one. `remaining` only goes down (consumption, expiry, refund reversal) except when a failed
 * refund gives back what its reversal took.
 */
@Entity({ tableName: 'credit_lots' })
// The database refuses a lot below zero or above what it was given: an overdraw fails as a statement error,
// which stops a multi-statement batch before the COMMIT riding with it (CreditLedger.take).
@Check({ name: 'credit_lots_remaining_check', expression: 'remaining >= 0 and remaining <= credits' })
@Index({ properties: ['customerId', 'expiresAt'] })
@Index({ properties: ['expiresAt', 'remaining'] })
@Index({ properties: ['orderId'] })
export class CreditLot {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'string', length: 40 })
  customerId!: string;

  @Property({ type: 'string', length: 16 })
  kind!: LotKind;

  @Property({ type: 'integer' })
  credits!: number;

  @Property({ type: 'integer' })
  remaining!: number;

  /** Null: never expires (a manual grant without `expires_at`). */
  @Property(timestamp(true))
  expiresAt: Date | null = null;

  /** When the expiry was recorded (the `expire` transaction); null while the lot is usable. */
  @Property(timestamp(true))
  expiredAt: Date | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  orderId: string | null = null;

  @Property(timestamp())
  createdAt!: Date;
}
