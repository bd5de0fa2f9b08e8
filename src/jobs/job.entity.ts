import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { json, timestamp } from '../database/column-types';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'dead';

/**
 * One unit of durable work (the outbox): inserted in the same transaction as the state change that
 * causes it, executed later by a worker on any instance, retried with backoff, dead-lettered after
 * `maxAttempts`. `dedupeKey` (unique when set) makes an effect or a scheduled tick happen once.
 */
@Entity({ tableName: 'jobs' })
@Index({ properties: ['status', 'runAt'] })
@Unique({ properties: ['dedupeKey'] })
export class Job {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 60 })
  type!: string;

  @Property(json())
  payload!: Record<string, unknown>;

  @Property({ type: 'string', length: 16 })
  status!: JobStatus;

  @Property({ type: 'integer' })
  attempts = 0;

  @Property({ type: 'integer' })
  maxAttempts!: number;

  /** Not before this time (also the retry time after a failure). */
  @Property(timestamp())
  runAt!: Date;

  /** The worker holding the job and until when; an expired lease makes the job claimable again. */
  @Property({ type: 'string', length: 80, nullable: true })
  lockedBy: string | null = null;

  @Property(timestamp(true))
  lockedUntil: Date | null = null;

  @Property({ type: 'string', length: 1000, nullable: true })
  lastError: string | null = null;

  @Property({ type: 'string', length: 191, nullable: true })
  dedupeKey: string | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  appId: string | null = null;

  @Property(timestamp())
  createdAt!: Date;

  @Property(timestamp(true))
  finishedAt: Date | null = null;
}
