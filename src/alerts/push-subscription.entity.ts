import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { timestamp } from '../database/column-types';

/**
 * A browser subscribed to alerts (Web Push). The endpoint is the push service's URL for that browser;
 * p256dh/auth are the browser's public key and secret the payload is encrypted to.
 */
@Entity({ tableName: 'push_subscriptions' })
@Unique({ properties: ['appId', 'endpointHash'] })
export class PushSubscription {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'string', length: 64 })
  endpointHash!: string;

  @Property({ type: 'string', length: 2048 })
  endpoint!: string;

  @Property({ type: 'string', length: 200 })
  p256dh!: string;

  @Property({ type: 'string', length: 100 })
  auth!: string;

  @Property(timestamp())
  createdAt!: Date;

  @Property(timestamp(true))
  lastSuccessAt: Date | null = null;
}
