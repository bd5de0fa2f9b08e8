import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { timestamp } from '../database/column-types';

/**
 * One Delivery / Bounce / SpamComplaint record Postmark posted to us. `recordKey` (unique) is
 * RecordType + MessageID (+ the bounce's ID), so Postmark's retries are recorded once.
 */
@Entity({ tableName: 'email_webhook_events' })
@Unique({ properties: ['recordKey'] })
@Index({ properties: ['appId', 'recordType', 'occurredAt'] })
export class EmailWebhookEvent {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 191 })
  recordKey!: string;

  @Property({ type: 'string', length: 24 })
  recordType!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  messageId: string | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  emailId: string | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  appId: string | null = null;

  /** Bounce type (HardBounce, SoftBounce…) or the delivery's SMTP detail, shortened. */
  @Property({ type: 'string', length: 200, nullable: true })
  detail: string | null = null;

  /** Whether Postmark now refuses the address (hard bounce, spam complaint). */
  @Property({ type: 'boolean' })
  inactive!: boolean;

  @Property(timestamp())
  occurredAt!: Date;

  @Property(timestamp())
  receivedAt!: Date;
}
