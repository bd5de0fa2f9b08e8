import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Currency } from '../common/money';
import { json, money, timestamp } from '../database/column-types';

export type OrderStatus =
  | 'pending'
  | 'processing'
  | 'requires_action'
  | 'paid'
  | 'partially_refunded'
  | 'refunded'
  | 'disputed'
  | 'canceled'
  | 'expired';

export interface OrderItem {
  description: string;
  quantity: number;
  unit_amount: number;
}

/** What a customer must pay. Paid by one or more charges; paid at most once. */
@Entity({ tableName: 'orders' })
@Unique({ properties: ['appId', 'reference'] })
@Index({ properties: ['appId', 'status'] })
@Index({ properties: ['appId', 'customerId'] })
@Index({ properties: ['status', 'expiresAt'] })
/** Reports: credit packages sold in a period, without touching the orders that sell none. */
@Index({ properties: ['appId', 'creditPackage', 'paidAt'] })
export class Order {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'string', length: 24 })
  status!: OrderStatus;

  @Property(money())
  amount!: number;

  @Property({ type: 'string', length: 3 })
  currency!: Currency;

  @Property(money())
  amountRefunded = 0;

  @Property({ type: 'string', length: 500, nullable: true })
  description: string | null = null;

  /** The merchant's own id for the order; unique per app (NULLs do not collide). */
  @Property({ type: 'string', length: 255, nullable: true })
  reference: string | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  customerId: string | null = null;

  @Property(json())
  items!: OrderItem[];

  @Property({ type: 'string', length: 32, nullable: true })
  creditPackage: string | null = null;

  @Property({ type: 'string', length: 16, nullable: true })
  gateway: string | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  latestChargeId: string | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  invoiceId: string | null = null;

  @Property(json())
  metadata!: Record<string, string>;

  @Property(timestamp())
  createdAt!: Date;

  @Property(timestamp())
  updatedAt!: Date;

  @Property(timestamp(true))
  paidAt: Date | null = null;

  @Property(timestamp(true))
  canceledAt: Date | null = null;

  @Property(timestamp())
  expiresAt!: Date;
}
