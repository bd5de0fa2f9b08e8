import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { timestamp } from '../../database/column-types';

export type IdempotencyState = 'in_progress' | 'completed';

/**
 * One Idempotency-Key of one app. The unique (app_id, idem_key) constraint is what makes the first
 * request the only one that executes, on every database and every instance.
 */
@Entity({ tableName: 'idempotency_keys' })
@Unique({ properties: ['appId', 'keyHash'] })
export class IdempotencyRecord {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  /**
   * sha256 of the Idempotency-Key: keys are case-sensitive and may end in spaces, which MySQL's
   * default collations would fold together; a hex digest compares exactly everywhere.
   */
  @Property({ type: 'string', length: 64 })
  keyHash!: string;

  /** sha256 of method + path + canonical JSON body. */
  @Property({ type: 'string', length: 64 })
  fingerprint!: string;

  @Property({ type: 'string', length: 16 })
  state!: IdempotencyState;

  /** While in progress: the lease; a request that died releases its key when this passes. */
  @Property(timestamp())
  lockedUntil!: Date;

  @Property({ type: 'integer', nullable: true })
  responseStatus: number | null = null;

  @Property({ type: 'text', nullable: true })
  responseBody: string | null = null;

  @Property(timestamp())
  createdAt!: Date;

  @Index()
  @Property(timestamp())
  expiresAt!: Date;
}
