import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { IntervalScheduler } from '../common/scheduling/interval-scheduler';
import { AppConfig } from '../config/app-config';
import { JobQueue } from './job-queue';

/** The dedupe key of the tick of `type` that contains `now`: the same on every instance. */
export function recurringKey(type: string, everyMs: number, now: Date): string {
  return `recurring:${type}:${Math.floor(now.getTime() / everyMs)}`;
}

/**
 * Recurring jobs: every instance enqueues a job of `type` once per period of `everyMs`, keyed by
 * `recurring:<type>:<floor(now / everyMs)>`, so N instances make ONE job per period and the worker
 * of any instance runs it. Each instance tries twice per period, so a period is never skipped when
 * its timer drifts across a boundary. Instances with JOBS_WORKER=off neither schedule nor run.
 */
@Injectable()
export class RecurringJobs {
  private readonly registered = new Set<string>();

  constructor(
    private readonly queue: JobQueue,
    private readonly scheduler: IntervalScheduler,
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  every(type: string, everyMs: number, payload: Record<string, unknown> = {}): void {
    if (!Number.isSafeInteger(everyMs) || everyMs < 10) throw new Error(`recurring job ${type}: bad period ${everyMs} ms`);
    if (this.registered.has(type)) throw new Error(`recurring job ${type} registered twice`);
    this.registered.add(type);
    if (!this.config.jobs.worker) return;
    this.scheduler.register(`recurring:${type}`, Math.max(Math.floor(everyMs / 2), 5), () => this.tick(type, everyMs, payload));
  }

  /** Enqueues this period's job unless an instance already did; true when this call created it. */
  async tick(type: string, everyMs: number, payload: Record<string, unknown> = {}): Promise<boolean> {
    const now = this.clock.now();
    return this.queue.enqueue(this.em.fork(), type, payload, { dedupeKey: recurringKey(type, everyMs, now), runAt: now });
  }
}
