import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { timestamp } from '../database/column-types';

export type AttemptTrigger = 'automatic' | 'manual';

/** One HTTP POST of an event to an endpoint: what was answered and how long it took. */
@Entity({ tableName: 'event_delivery_attempts' })
@Index({ properties: ['eventId', 'id'] })
@Index({ properties: ['deliveryId'] })
export class EventDeliveryAttempt {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'string', length: 40 })
  deliveryId!: string;

  @Property({ type: 'string', length: 40 })
  eventId!: string;

  @Property({ type: 'string', length: 40 })
  endpointId!: string;

  /** 1 for the first automatic attempt; manual redeliveries continue the count. */
  @Property({ type: 'integer' })
  attempt!: number;

  /** Scheduled or asked for through the API (`trigger` is a reserved word in MySQL). */
  @Property({ type: 'string', length: 16 })
  triggeredBy!: AttemptTrigger;

  @Property({ type: 'string', length: 2048 })
  url!: string;

  @Property({ type: 'integer', nullable: true })
  statusCode: number | null = null;

  @Property({ type: 'boolean' })
  succeeded!: boolean;

  @Property({ type: 'integer' })
  durationMs!: number;

  /** The first bytes of the endpoint's answer (text, redacted), for diagnosis. */
  @Property({ type: 'string', length: 1000, nullable: true })
  responseExcerpt: string | null = null;

  /** Why there was no HTTP answer (timeout, connection refused, refused target…). */
  @Property({ type: 'string', length: 300, nullable: true })
  error: string | null = null;

  @Property(timestamp())
  createdAt!: Date;
}
