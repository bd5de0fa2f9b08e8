import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { timestamp } from '../database/column-types';

export type SuppressionReason = 'hard_bounce' | 'spam_complaint' | 'inactive_recipient';

/**
 * An address SmartPay no longer e-mails (Postmark marked it inactive). Deployment-wide, like Postmark's
 * own list: the server token is the deployment's. Keyed by the SHA-256 of the lower-cased address.
 */
@Entity({ tableName: 'email_suppressions' })
export class EmailSuppression {
  @PrimaryKey({ type: 'string', length: 64 })
  addressHash!: string;

  @Property({ type: 'string', length: 254 })
  address!: string;

  @Property({ type: 'string', length: 24 })
  reason!: SuppressionReason;

  /** The Postmark message (or our e-mail id) that revealed it. */
  @Property({ type: 'string', length: 64, nullable: true })
  source: string | null = null;

  @Property(timestamp())
  createdAt!: Date;
}
