import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { json, timestamp } from '../database/column-types';

export type WebhookEndpointStatus = 'enabled' | 'disabled';

/**
 * Where an app wants its events POSTed. The signing secret is stored encrypted (common/secret-box.ts):
 * it must be readable to sign with, so it cannot be hashed like an API key. After a rotation the
 * previous secret keeps signing (a second signature) until `previousSecretExpiresAt`.
 */
@Entity({ tableName: 'webhook_endpoints' })
@Index({ properties: ['appId', 'id'] })
export class WebhookEndpoint {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'string', length: 2048 })
  url!: string;

  @Property({ type: 'string', length: 500, nullable: true })
  description: string | null = null;

  /** Event types, or `['*']` for all. */
  @Property(json())
  events!: string[];

  @Property({ type: 'string', length: 16 })
  status!: WebhookEndpointStatus;

  @Property({ type: 'text' })
  secretCiphertext!: string;

  @Property({ type: 'text', nullable: true })
  previousSecretCiphertext: string | null = null;

  @Property(timestamp(true))
  previousSecretExpiresAt: Date | null = null;

  @Property({ type: 'string', length: 300, nullable: true })
  disabledReason: string | null = null;

  @Property(timestamp())
  createdAt!: Date;

  @Property(timestamp())
  updatedAt!: Date;

  @Property(timestamp(true))
  disabledAt: Date | null = null;

  /** Deleted endpoints are kept (their deliveries still name them) but never shown or delivered to. */
  @Property(timestamp(true))
  deletedAt: Date | null = null;
}
