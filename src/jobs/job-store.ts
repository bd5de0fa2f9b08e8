import { EntityManager, type FilterQuery, IsolationLevel, LockMode, raw } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Job, type JobStatus } from './job.entity';

/** A job this worker holds: `token` (its `locked_by`) is unique per claim, so only this claim can finish it. */
export interface ClaimedJob {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  /** This attempt's number (attempts after the claim). */
  attempt: number;
  maxAttempts: number;
  token: string;
}

export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'dead'];

/**
 * Every statement on the `jobs` table. A worker changes a job only while it holds it: each update
 * after the claim is conditional on `status = 'running' AND locked_by = <claim token>`, so a worker
 * whose lease expired (paused, partitioned) can no longer overwrite what the new holder does.
 */
@Injectable()
export class JobStore {
  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Claims up to `limit` due jobs (queued and due, or running with an expired lease) for `token`
   * and commits at once: no lock outlives this call, handlers run outside any transaction.
   */
  async claim(token: string, limit: number, leaseMs: number): Promise<ClaimedJob[]> {
    const now = this.clock.now();
    const lockedUntil = new Date(now.getTime() + leaseMs);
    return this.config.database.kind === 'mysql'
      ? this.claimSkipLocked(token, limit, now, lockedUntil)
      : this.claimConditional(token, limit, now, lockedUntil);
  }

  /**
   * MySQL/MariaDB: `SELECT … FOR UPDATE SKIP LOCKED` in a short READ COMMITTED transaction, so
   * concurrent claimers skip each other's rows instead of waiting, and no gap locks block producers.
   * Expired leases and due queued jobs are two index range scans (status, run_at) rather than one OR,
   * which would sort every candidate and lock them all before LIMIT applies.
   */
  private async claimSkipLocked(token: string, limit: number, now: Date, lockedUntil: Date): Promise<ClaimedJob[]> {
    return this.em.fork().transactional(
      async (tx) => {
        const rows = await this.candidates(tx, limit, now, true);
        if (rows.length === 0) return [];
        await tx.nativeUpdate(
          Job,
          { id: { $in: rows.map((r) => r.id) } },
          { status: 'running', lockedBy: token, lockedUntil, attempts: raw('attempts + 1') },
        );
        return rows.map((r) => claimed(r, r.attempts + 1, token));
      },
      { isolationLevel: IsolationLevel.READ_COMMITTED },
    );
  }

  /**
   * SQLite (one writer at a time): pick candidates, then one conditional UPDATE that re-checks that
   * each row is still claimable. The statement is atomic, so of several processes on the same file
   * exactly one gets each job; the rows then read back by the unique token are the ones won.
   */
  private async claimConditional(token: string, limit: number, now: Date, lockedUntil: Date): Promise<ClaimedJob[]> {
    const em = this.em.fork();
    const rows = await this.candidates(em, limit, now, false);
    if (rows.length === 0) return [];
    const won = await em.nativeUpdate(
      Job,
      { id: { $in: rows.map((r) => r.id) }, $or: claimable(now) },
      { status: 'running', lockedBy: token, lockedUntil, attempts: raw('attempts + 1') },
    );
    if (won === 0) return [];
    const mine = await this.em.fork().find(Job, { lockedBy: token, status: 'running' });
    return mine.map((r) => claimed(r, r.attempts, token));
  }

  private async candidates(em: EntityManager, limit: number, now: Date, skipLocked: boolean): Promise<Job[]> {
    const lockMode = skipLocked ? LockMode.PESSIMISTIC_PARTIAL_WRITE : undefined;
    // Expired leases first (rare: a worker died); unordered, so the scan stops at the limit without a sort.
    const expired = await em.find(Job, { status: 'running', lockedUntil: { $lt: now } }, { limit, lockMode });
    if (expired.length >= limit) return expired;
    const due = await em.find(
      Job,
      { status: 'queued', runAt: { $lte: now } },
      { orderBy: { runAt: 'asc', id: 'asc' }, limit: limit - expired.length, lockMode },
    );
    return [...expired, ...due];
  }

  /** Done: returns false when the lease was lost (another worker holds the job now). */
  async succeed(job: ClaimedJob): Promise<boolean> {
    const now = this.clock.now();
    return (await this.finish(job, { status: 'succeeded', finishedAt: now })) === 1;
  }

  /** Failed, to be tried again at `retryAt`. */
  async retryLater(job: ClaimedJob, lastError: string, retryAt: Date): Promise<boolean> {
    return (await this.finish(job, { status: 'queued', runAt: retryAt, lastError })) === 1;
  }

  /** Dead letter: no more attempts until an operator retries it (`jobs:retry`). */
  async bury(job: ClaimedJob, lastError: string): Promise<boolean> {
    return (await this.finish(job, { status: 'dead', finishedAt: this.clock.now(), lastError })) === 1;
  }

  /**
   * Hands a job back untried (shutdown): queued, due now, and the interrupted attempt not counted,
   * so deployments do not push jobs toward the dead letter.
   */
  async release(job: ClaimedJob): Promise<boolean> {
    return (await this.finish(job, { status: 'queued', runAt: this.clock.now(), attempts: Math.max(job.attempt - 1, 0) })) === 1;
  }

  /** Renews the leases of the jobs still held; returns how many were renewed. */
  async extend(jobs: ClaimedJob[], leaseMs: number): Promise<number> {
    if (jobs.length === 0) return 0;
    const lockedUntil = new Date(this.clock.now().getTime() + leaseMs);
    return this.em.fork().nativeUpdate(Job, { $or: jobs.map((j) => ({ id: j.id, lockedBy: j.token })), status: 'running' }, { lockedUntil });
  }

  private finish(job: ClaimedJob, data: Partial<Job>): Promise<number> {
    return this.em.fork().nativeUpdate(Job, { id: job.id, lockedBy: job.token, status: 'running' }, { lockedBy: null, lockedUntil: null, ...data });
  }

  /** Jobs per status (queued, running, dead) in one grouped COUNT; statuses without jobs count 0. */
  async countByStatus(): Promise<Record<'queued' | 'running' | 'dead', number>> {
    const rows = (await this.em
      .fork()
      .getConnection()
      .execute("select status, count(*) as n from jobs where status in ('queued', 'running', 'dead') group by status")) as {
      status: string;
      n: number | string | bigint;
    }[];
    const counts = { queued: 0, running: 0, dead: 0 };
    for (const row of rows) if (row.status in counts) counts[row.status as keyof typeof counts] = Number(row.n);
    return counts;
  }

  /** Deletes succeeded jobs that finished before `before`, in batches; returns how many. */
  async purgeSucceeded(before: Date, batch = 1000): Promise<number> {
    const em = this.em.fork();
    let total = 0;
    for (;;) {
      // run_at ≤ finished_at, so the (status, run_at) index narrows the scan.
      const where: FilterQuery<Job> = { status: 'succeeded', runAt: { $lt: before }, finishedAt: { $lt: before } };
      const rows = await em.find(Job, where, { fields: ['id'], limit: batch });
      if (rows.length === 0) return total;
      total += await em.nativeDelete(Job, { id: { $in: rows.map((r) => r.id) }, status: 'succeeded' });
      em.clear();
      if (rows.length < batch) return total;
    }
  }

  /** Newest first. */
  async list(status: JobStatus | undefined, limit: number): Promise<Job[]> {
    return this.em.fork().find(Job, status ? { status } : {}, { orderBy: { createdAt: 'desc', id: 'desc' }, limit });
  }

  /** A dead job back to the queue, due now, with its attempts reset; the job as it was when it is not dead. */
  async retryDead(id: string): Promise<{ retried: true } | { retried: false; status: JobStatus | null }> {
    const em = this.em.fork();
    const changed = await em.nativeUpdate(
      Job,
      { id, status: 'dead' },
      { status: 'queued', attempts: 0, runAt: this.clock.now(), finishedAt: null, lockedBy: null, lockedUntil: null },
    );
    if (changed === 1) return { retried: true };
    const job = await em.findOne(Job, { id }, { fields: ['status'] });
    return { retried: false, status: job?.status ?? null };
  }
}

function claimable(now: Date): FilterQuery<Job>[] {
  return [
    { status: 'queued', runAt: { $lte: now } },
    { status: 'running', lockedUntil: { $lt: now } },
  ];
}

function claimed(row: Job, attempt: number, token: string): ClaimedJob {
  return { id: row.id, type: row.type, payload: row.payload, attempt, maxAttempts: row.maxAttempts, token };
}
