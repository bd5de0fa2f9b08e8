import { hostname } from 'node:os';
import {
  type BeforeApplicationShutdown,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Clock } from '../common/clock';
import { InterruptibleSleep } from '../common/scheduling/interruptible-sleep';
import { randomBase62 } from '../common/secrets';
import { AppConfig } from '../config/app-config';
import { JobMetrics, type JobOutcome } from './job-metrics';
import { JobQueue, RetryAt } from './job-queue';
import { describeJobError, retryDelayMs } from './job-retry';
import { type ClaimedJob, JobStore } from './job-store';

/** One claim of one job (the same job may come back to this instance under a new claim). */
const holdKey = (job: ClaimedJob): string => `${job.id}@${job.token}`;

interface Running {
  job: ClaimedJob;
  done: Promise<void>;
}

/**
 * The consumer side of the durable queue, one per instance. It claims due jobs in a short
 * transaction (job-store.ts), commits, then runs each handler outside any transaction, at most
 * JOBS_CONCURRENCY at a time. While a handler runs its lease (JOBS_LEASE) is renewed every third of
 * the lease, so only a dead or stalled instance lets a job become claimable again: delivery is
 * at-least-once, and handlers make their effects idempotent (design.md, invariant 4).
 *
 * Handlers must be registered on the JobQueue before the application bootstraps (onModuleInit):
 * a job whose type has no handler here is dead-lettered.
 */
@Injectable()
export class JobWorker implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  /** Identifies this instance in `locked_by` (host, pid, and a random part for restarts and tests). */
  readonly instanceId = `${hostname().slice(0, 40)}:${process.pid}:${randomBase62(6)}`;
  private readonly running = new Map<string, Running>();
  /** Jobs whose outcome is being written (no longer expected to be renewed). */
  private readonly settling = new Set<string>();
  private readonly abort = new AbortController();
  private claimSeq = 0;
  private started = false;
  private stopping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private stopped: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly pause = new InterruptibleSleep();
  private waitingForSlot = false;

  constructor(
    private readonly queue: JobQueue,
    private readonly store: JobStore,
    private readonly metrics: JobMetrics,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Jobs');
  }

  onApplicationBootstrap(): void {
    if (this.config.jobs.worker) this.start();
  }

  /** Starts claiming (JOBS_WORKER=on does it at bootstrap). */
  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    const { leaseMs, concurrency } = this.config.jobs;
    this.heartbeat = setInterval(() => void this.renewLeases(), Math.max(Math.floor(leaseMs / 3), 10));
    this.heartbeat.unref();
    this.loopDone = this.loop();
    this.logger.info({ instance: this.instanceId, concurrency, lease_ms: leaseMs }, 'job worker started');
  }

  /**
   * Graceful stop: no more claims, handlers' signal aborted, running jobs get JOBS_SHUTDOWN_TIMEOUT
   * to finish, and whatever is still held goes back to `queued` for another instance. It runs before
   * any module's onApplicationShutdown (the ORM closes there) because this is a global module, whose
   * shutdown hooks Nest calls last.
   */
  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  /** Jobs this instance holds right now. */
  get inFlight(): number {
    return this.running.size;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    this.pause.stop();
    if (!this.started) return;
    await this.loopDone;
    this.abort.abort(new Error('the job worker is shutting down'));
    const pending = [...this.running.values()].map((r) => r.done);
    if (pending.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.config.jobs.shutdownTimeoutMs)));
      await Promise.race([Promise.allSettled(pending), timeout]);
      clearTimeout(timer);
    }
    clearInterval(this.heartbeat);
    const held = [...this.running.values()].map((r) => r.job);
    for (const job of held) {
      // The handler ignored the abort: its job goes back now; its late outcome is then discarded.
      this.running.delete(holdKey(job));
      await this.settle(job, 'released', () => this.store.release(job));
    }
    this.logger.info({ instance: this.instanceId, released: held.length }, 'job worker stopped');
  }

  private async loop(): Promise<void> {
    const { concurrency, pollIntervalMs } = this.config.jobs;
    // A first short pause lets the rest of the application finish bootstrapping before jobs run.
    await this.pause.sleep(Math.min(pollIntervalMs, 1000));
    while (!this.stopping) {
      const free = concurrency - this.running.size;
      if (free <= 0) {
        // Every slot is busy: wait for one to free up (a finishing job wakes the loop).
        this.waitingForSlot = true;
        await this.pause.sleep(pollIntervalMs);
        this.waitingForSlot = false;
        continue;
      }
      let claimed = 0;
      try {
        claimed = await this.claimAndStart(free);
      } catch (err) {
        this.logger.warn({ err }, 'claiming jobs failed; trying again');
      }
      // A full batch suggests more are due: claim again at once (as soon as a slot frees up).
      if (claimed === free || this.stopping) continue;
      await this.pause.sleep(pollIntervalMs);
    }
  }

  private async claimAndStart(limit: number): Promise<number> {
    const token = `${this.instanceId}/${++this.claimSeq}`;
    const jobs = await this.store.claim(token, limit, this.config.jobs.leaseMs);
    for (const job of jobs) {
      const done = this.execute(job).finally(() => {
        this.running.delete(holdKey(job));
        if (this.waitingForSlot) this.pause.wake();
      });
      this.running.set(holdKey(job), { job, done });
    }
    return jobs.length;
  }

  private async execute(job: ClaimedJob): Promise<void> {
    if (job.attempt > job.maxAttempts) {
      // Only a lease that expired on the last attempt gets here: its worker died while running it.
      const reason = `the lease expired on attempt ${job.maxAttempts} of ${job.maxAttempts} (its worker stopped or died while running it)`;
      return this.settle(job, 'dead', () => this.store.bury(job, reason));
    }
    const handler = this.queue.handler(job.type);
    if (!handler) {
      const reason = `no handler is registered for job type "${job.type}" on instance ${this.instanceId}`;
      this.logger.error({ job_id: job.id, job_type: job.type }, 'job has no handler: dead-lettered');
      return this.settle(job, 'dead', () => this.store.bury(job, reason));
    }
    const started = Date.now();
    try {
      await handler(job.payload, { jobId: job.id, attempt: job.attempt, maxAttempts: job.maxAttempts, signal: this.abort.signal });
    } catch (err) {
      return this.failed(job, err);
    }
    this.logger.debug({ job_id: job.id, job_type: job.type, attempt: job.attempt, ms: Date.now() - started }, 'job succeeded');
    return this.settle(job, 'succeeded', () => this.store.succeed(job));
  }

  private async failed(job: ClaimedJob, err: unknown): Promise<void> {
    if (this.stopping && this.abort.signal.aborted) {
      // Interrupted by the shutdown, not a failure of the job: hand it back untried.
      return this.settle(job, 'released', () => this.store.release(job));
    }
    const lastError = describeJobError(err);
    const log = { job_id: job.id, job_type: job.type, attempt: job.attempt, max_attempts: job.maxAttempts, error: lastError };
    if (job.attempt >= job.maxAttempts) {
      this.logger.error(log, 'job failed on its last attempt: dead-lettered');
      return this.settle(job, 'dead', () => this.store.bury(job, lastError));
    }
    const { retryBaseMs, retryMaxMs } = this.config.jobs;
    // A handler may name its own retry time (RetryAt); otherwise exponential backoff with full jitter.
    const retryAt = err instanceof RetryAt ? err.at : new Date(this.clock.now().getTime() + retryDelayMs(job.attempt, retryBaseMs, retryMaxMs));
    this.logger.warn({ ...log, retry_at: retryAt.toISOString() }, 'job failed; will retry');
    return this.settle(job, 'retried', () => this.store.retryLater(job, lastError, retryAt));
  }

  /** Records an outcome; a lost lease (another worker took the job over) or a database error is logged. */
  private async settle(job: ClaimedJob, outcome: JobOutcome, write: () => Promise<boolean>): Promise<void> {
    this.settling.add(holdKey(job));
    try {
      if (await write()) {
        this.metrics.executed(job.type, outcome);
        return;
      }
      this.metrics.executed(job.type, 'lease_lost');
      this.logger.warn({ job_id: job.id, job_type: job.type, outcome }, 'job lease lost before its outcome was recorded');
    } catch (err) {
      // The job stays `running` until its lease expires; then it is claimed and run again.
      this.logger.error({ err, job_id: job.id, job_type: job.type, outcome }, 'recording a job outcome failed');
    } finally {
      this.settling.delete(holdKey(job));
    }
  }

  private async renewLeases(): Promise<void> {
    const held = [...this.running.values()].map((r) => r.job);
    if (held.length === 0) return;
    try {
      const renewed = await this.store.extend(held, this.config.jobs.leaseMs);
      // Jobs that finished meanwhile are no longer `running`: only the others count as lost.
      const expected = held.filter((j) => this.running.has(holdKey(j)) && !this.settling.has(holdKey(j))).length;
      if (renewed < expected) this.logger.warn({ held: expected, renewed }, 'some job leases were lost');
    } catch (err) {
      this.logger.warn({ err }, 'renewing job leases failed');
    }
  }
}
