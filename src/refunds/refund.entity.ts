import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { Currency } from '../common/money';
import { money, timestamp } from '../database/column-types';

export type RefundStatus = 'pending' | 'succeeded' | 'failed';
export type RefundReason = 'requested_by_customer' | 'duplicate' | 'fraudulent';

/** Money returned for a paid order: a child row of the charge; the charge itself is never mutated. */
@Entity({ tableName: 'refunds' })
@Index({ properties: ['appId', 'orderId'] })
/** Reports: succeeded refunds of an app over a period. */
@Index({ properties: ['appId', 'createdAt'] })
@Index({ properties: ['status', 'nextReconcileAt'] })
export class Refund {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'string', length: 40 })
  orderId!: string;

  @Property({ type: 'string', length: 40 })
  chargeId!: string;

  @Property(money())
  amount!: number;

  @Property({ type: 'string', length: 3 })
  currency!: Currency;

  @Property({ type: 'string', length: 16 })
  status!: RefundStatus;

  @Property({ type: 'string', length: 16 })
  gateway!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  gatewayRefundId: string | null = null;

  @Property({ type: 'string', length: 32 })
  reason!: RefundReason;

  @Property({ type: 'string', length: 500, nullable: true })
  failureMessage: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  failureCode: string | null = null;

  /** When the refund was sent to the gateway: bounds the reconciliation search (null on refunds from before it was recorded). */
  @Property(timestamp(true))
  attemptedAt: Date | null = null;

  /** When a `pending` refund is next looked up at its gateway (reconciliation). */
  @Property(timestamp(true))
  nextReconcileAt: Date | null = null;

  @Property({ type: 'integer', default: 0 })
  reconcileAttempts = 0;

  @Property(timestamp())
  createdAt!: Date;

  @Property(timestamp())
  updatedAt!: Date;
}
