import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { json, timestamp } from '../database/column-types';

/**
 * The e-mails a customer of an app gets: each asked for by one domain event, or — `invoice_replaced` — by the issuing
 * of a document that replaces a rejected one the customer was sent (invoice-replacement-emails.ts).
 */
export type CustomerEmailKind = 'receipt' | 'payment_failed' | 'refund' | 'credits_low_balance' | 'credits_renewal_failed' | 'invoice_replaced';
export type EmailKind = CustomerEmailKind | 'alert' | 'summary';
/**
 * `queued` → `sending` (a send began: it may have reached Postmark) → `sent`, or `failed` (refused
 * for good: Postmark's ErrorCode kept), `suppressed` (inactive recipient), `skipped` (nothing to send:
 * switched off for the app, or no recipient).
 */
export type EmailStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'suppressed' | 'skipped';

/**
 * One e-mail SmartPay owes someone. `dedupeKey` (unique) names what it is for — the receipt of one
 * order, the alert of one episode — so it is created once however often its cause is seen, and one
 * job sends it. Rendering happens at send time from `context` and the current data.
 */
@Entity({ tableName: 'email_messages' })
@Unique({ properties: ['dedupeKey'] })
@Index({ properties: ['appId', 'id'] })
@Index({ properties: ['postmarkMessageId'] })
@Index({ properties: ['orderId'] })
export class EmailMessage {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  /** Null for deployment-wide messages (operator alerts). */
  @Property({ type: 'string', length: 40, nullable: true })
  appId: string | null = null;

  @Property({ type: 'string', length: 24 })
  kind!: EmailKind;

  @Property({ type: 'string', length: 191 })
  dedupeKey!: string;

  @Property({ type: 'string', length: 16 })
  status!: EmailStatus;

  @Property({ type: 'string', length: 254, nullable: true })
  toAddress: string | null = null;

  @Property({ type: 'string', length: 5, nullable: true })
  locale: string | null = null;

  @Property({ type: 'string', length: 300, nullable: true })
  subject: string | null = null;

  @Property({ type: 'string', length: 64, nullable: true })
  postmarkMessageId: string | null = null;

  /** Postmark's ErrorCode when it refused the message (300, 406…), or 0 for our own refusals. */
  @Property({ type: 'integer', nullable: true })
  errorCode: number | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  errorMessage: string | null = null;

  @Property({ type: 'integer' })
  attempts = 0;

  @Property({ type: 'string', length: 40, nullable: true })
  eventId: string | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  orderId: string | null = null;

  /** What to render: ids and parameters (never the rendered body). */
  @Property(json())
  context!: Record<string, unknown>;

  @Property(timestamp())
  createdAt!: Date;

  @Property(timestamp())
  updatedAt!: Date;

  @Property(timestamp(true))
  sentAt: Date | null = null;

  @Property(timestamp(true))
  deliveredAt: Date | null = null;

  @Property(timestamp(true))
  bouncedAt: Date | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  bounceType: string | null = null;

  @Property(timestamp(true))
  complainedAt: Date | null = null;
}
