import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { newId } from '../common/ids';
import { EntityRows } from '../database/entity-rows';
import type { SqlSession } from '../database/sql-session';
import { Job } from './job.entity';

export interface EnqueueOptions {
  /** Earliest run time; default now. */
  runAt?: Date;
  /** Unique: a second enqueue with the same key is a no-op (exactly-once effects, scheduled ticks). */
  dedupeKey?: string;
  /** Attempts before the dead letter; default JOBS_MAX_ATTEMPTS (10). */
  maxAttempts?: number;
  appId?: string | null;
}

/** What a handler gets besides its payload. */
export interface JobContext {
  jobId: string;
  attempt: number;
  /** Attempts this job has before the dead letter: a handler can tell its last attempt. */
  maxAttempts: number;
  /** Aborted when the worker shuts down: a long handler should stop and let the job be retried. */
  signal: AbortSignal;
}

export type JobHandler = (payload: Record<string, unknown>, ctx: JobContext) => Promise<void>;

/**
 * Thrown by a handler that failed and knows when it should run again (a webhook delivery follows its
 * own retry schedule instead of the queue's exponential backoff). Counts as a failed attempt: the job
 * is still dead-lettered once its attempts run out.
 */
export class RetryAt extends Error {
  constructor(
    readonly at: Date,
    reason: string,
  ) {
    super(reason);
    this.name = 'RetryAt';
  }
}

/**
 * The producer side of the durable queue. `enqueue` runs on the caller's EntityManager, so the job is
 * committed in the same transaction as the state change that causes it (transactional outbox).
 * Handlers register by type; the worker (`job-worker.ts`) runs them.
 */
@Injectable()
export class JobQueue {
  private readonly handlers = new Map<string, JobHandler>();

  constructor(
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly rows: EntityRows,
  ) {}

  register(type: string, handler: JobHandler): void {
    if (this.handlers.has(type)) throw new Error(`job handler ${type} registered twice`);
    this.handlers.set(type, handler);
  }

  handler(type: string): JobHandler | undefined {
    return this.handlers.get(type);
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }

  /**
   * Inserts the job on `em` (the caller's transaction). Returns false when `dedupeKey` already exists.
   * With a dedupeKey inside a larger transaction, prefer `enqueueIgnoringDuplicate` on SQLite/MySQL:
   * a failed INSERT would abort PostgreSQL-style transactions (not a concern on our two databases).
   */
  async enqueue(em: EntityManager, type: string, payload: Record<string, unknown>, options: EnqueueOptions = {}): Promise<boolean> {
    try {
      await em.insert(Job, this.row(type, payload, options));
      return true;
    } catch (err) {
      if (options.dedupeKey !== undefined && err instanceof UniqueConstraintViolationException) return false;
      throw err;
    }
  }

  /**
   * The same in plain SQL on the caller's transaction (SqlRunner or `sessionOf(em)`). A job whose
   * dedupeKey already exists is skipped without an error (INSERT IGNORE), so it can run inside a larger
   * transaction (a group commit on SQLite) that a failed statement would otherwise abort. True when added.
   */
  async enqueueIn(session: SqlSession, type: string, payload: Record<string, unknown>, options: EnqueueOptions = {}): Promise<boolean> {
    return (await this.rows.insertIgnore(session, Job, [this.row(type, payload, options)])) === 1;
  }

  private row(type: string, payload: Record<string, unknown>, options: EnqueueOptions): Job {
    const now = this.clock.now();
    return {
      id: newId('job'),
      type,
      payload,
      status: 'queued',
      attempts: 0,
      maxAttempts: options.maxAttempts ?? this.config.jobs.maxAttempts,
      runAt: options.runAt ?? now,
      lockedBy: null,
      lockedUntil: null,
      lastError: null,
      dedupeKey: options.dedupeKey ?? null,
      appId: options.appId ?? null,
      createdAt: now,
      finishedAt: null,
    };
  }
}
