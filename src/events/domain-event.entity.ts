import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { json, timestamp } from '../database/column-types';

/**
 * Something that happened to a resource (`order.paid`, `refund.succeeded`…), with a snapshot of the
 * resource as it was then. Written in the same transaction as the change it describes, so there is an
 * event exactly when the change committed; `dispatchedAt` marks when the dispatcher handed it to its
 * consumers (webhook endpoints, e-mails). `dedupeKey` (unique) is a second guard against a twin.
 */
@Entity({ tableName: 'events' })
@Index({ properties: ['appId', 'id'] })
@Index({ properties: ['appId', 'type', 'id'] })
@Index({ properties: ['dispatchedAt', 'id'] })
@Index({ properties: ['resourceId'] })
@Unique({ properties: ['dedupeKey'] })
export class DomainEvent {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'string', length: 48 })
  type!: string;

  @Property({ type: 'string', length: 24 })
  resourceType!: string;

  @Property({ type: 'string', length: 40 })
  resourceId!: string;

  @Property(json())
  data!: Record<string, unknown>;

  @Property({ type: 'string', length: 191 })
  dedupeKey!: string;

  @Property(timestamp())
  createdAt!: Date;

  @Property(timestamp(true))
  dispatchedAt: Date | null = null;
}
