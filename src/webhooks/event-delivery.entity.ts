import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { timestamp } from '../database/column-types';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'canceled';

/**
 * One event for one endpoint: at most one row per pair (unique), however many dispatchers race.
 * Its attempts are logged in `event_delivery_attempts`.
 */
@Entity({ tableName: 'event_deliveries' })
@Unique({ properties: ['eventId', 'endpointId'] })
@Index({ properties: ['endpointId', 'status'] })
export class EventDelivery {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'string', length: 40 })
  eventId!: string;

  @Property({ type: 'string', length: 40 })
  endpointId!: string;

  @Property({ type: 'string', length: 16 })
  status!: DeliveryStatus;

  @Property({ type: 'integer' })
  attempts = 0;

  @Property({ type: 'integer', nullable: true })
  lastStatusCode: number | null = null;

  @Property({ type: 'string', length: 300, nullable: true })
  lastError: string | null = null;

  @Property(timestamp(true))
  nextAttemptAt: Date | null = null;

  @Property(timestamp())
  createdAt!: Date;

  @Property(timestamp())
  updatedAt!: Date;

  @Property(timestamp(true))
  completedAt: Date | null = null;
}
