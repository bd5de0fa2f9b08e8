import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { newId } from '../common/ids';
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
  /** Aborted when the worker shuts down: a long handler should stop and let the job be retried. */
  signal: AbortSignal;
}

export type JobHandler = (payload: Record<string, unknown>, ctx: JobContext) => Promise<void>;

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
    const now = this.clock.now();
    try {
      await em.insert(Job, {
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
      });
      return true;
    } catch (err) {
      if (options.dedupeKey !== undefined && err instanceof UniqueConstraintViolationException) return false;
      throw err;
    }
  }
}
