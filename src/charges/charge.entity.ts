import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { Currency } from '../common/money';
import { json, money, timestamp } from '../database/column-types';

export type ChargeStatus = 'pending' | 'requires_action' | 'succeeded' | 'failed';
export type ChargeSourceType = 'card_token' | 'yape_token' | 'payment_method';

/** One routing decision: which gateway was tried and why (failover leaves several). */
export interface RoutingStep {
  gateway: string;
  reason: 'requested' | 'priority' | 'health' | 'yape' | 'failover';
  result?: string;
}

/**
 * One attempt to collect an order's amount at a gateway. Committed as `pending` before the gateway
 * is called, so a crash at any later point leaves a record that reconciliation can resolve.
 */
@Entity({ tableName: 'charges' })
@Index({ properties: ['orderId'] })
@Index({ properties: ['status', 'nextReconcileAt'] })
@Index({ properties: ['gateway', 'gatewayChargeId'] })
/**
 * An app's charges over time, covering what the reports group and count by (reports/report-queries.ts): the summary and the
 * time series read this index alone, never the rows — on a million charges that is the difference between
 * seconds and one (docs/reports.md). Its `(app_id, attempted_at)` prefix serves reconciliation and the period e-mails.
 */
@Index({ name: 'charges_report_index', properties: ['appId', 'attemptedAt', 'status', 'gateway', 'currency', 'sourceType', 'cardBrand', 'amount', 'processingMs', 'declineCode', 'failureCode'] })
@Index({ properties: ['attemptedAt'] })
export class Charge {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'string', length: 40 })
  orderId!: string;

  @Property({ type: 'string', length: 20 })
  status!: ChargeStatus;

  @Property(money())
  amount!: number;

  @Property({ type: 'string', length: 3 })
  currency!: Currency;

  @Property({ type: 'string', length: 16 })
  gateway!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  gatewayChargeId: string | null = null;

  @Property({ type: 'string', length: 20 })
  sourceType!: ChargeSourceType;

  @Property({ type: 'string', length: 40, nullable: true })
  paymentMethodId: string | null = null;

  /**
   * The one-time token, kept only while the attempt can still need it (a Culqi 3-D Secure retry
   * reuses it) and cleared once the charge is final. Never returned or logged.
   */
  @Property({ type: 'string', length: 255, nullable: true, hidden: true })
  sourceToken: string | null = null;

  @Property({ type: 'string', length: 254 })
  email!: string;

  @Property({ type: 'integer' })
  installments = 1;

  @Property({ type: 'string', length: 20, nullable: true })
  cardBrand: string | null = null;

  @Property({ type: 'string', length: 4, nullable: true })
  cardLast4: string | null = null;

  @Property({ type: 'integer', nullable: true })
  cardExpMonth: number | null = null;

  @Property({ type: 'integer', nullable: true })
  cardExpYear: number | null = null;

  @Property({ type: 'string', length: 32, nullable: true })
  failureCode: string | null = null;

  @Property({ type: 'string', length: 32, nullable: true })
  declineCode: string | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  failureMessage: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  gatewayCode: string | null = null;

  @Property({ ...json(), nullable: true })
  nextAction: Record<string, unknown> | null = null;

  @Property(json())
  routing!: RoutingStep[];

  @Property({ type: 'integer', nullable: true })
  processingMs: number | null = null;

  /** When the request went to the gateway: bounds the reconciliation search window. */
  @Property(timestamp())
  attemptedAt!: Date;

  @Property({ type: 'integer' })
  reconcileAttempts = 0;

  @Property(timestamp(true))
  nextReconcileAt: Date | null = null;

  @Property(timestamp())
  createdAt!: Date;

  @Property(timestamp())
  updatedAt!: Date;
}
