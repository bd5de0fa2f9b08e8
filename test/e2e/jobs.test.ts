import { join, resolve } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/common/ids';
import { Job } from '../../src/jobs/job.entity';
import { JobQueue, type JobContext } from '../../src/jobs/job-queue';
import { PURGE_JOB } from '../../src/jobs/job-purge';
import { JobWorker } from '../../src/jobs/job-worker';
import { RecurringJobs } from '../../src/jobs/recurring';
import { run, shellEnv, sleep } from '../support/child-process';
import { startTestApp, type TestApp } from '../support/test-app';
import { LOG_DIR, TEST_DB } from '../support/test-env';

/**
 * The durable job queue on a cluster of three SmartPay instances sharing one database (each with
 * its own worker, pool and registry), with short timings from configuration.
 */
const FAST = { JOBS_POLL_INTERVAL: '50ms', JOBS_RETRY_BASE: '50ms', JOBS_RETRY_MAX: '5s', JOBS_LEASE: '600ms', JOBS_SHUTDOWN_TIMEOUT: '400ms' };
const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

type Handler = (payload: Record<string, unknown>, ctx: JobContext) => Promise<void>;
/** A handler that only records what it got. */
const sync =
  (record: (payload: Record<string, unknown>, ctx: JobContext) => unknown): Handler =>
  (payload, ctx) => {
    record(payload, ctx);
    return Promise.resolve();
  };

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('durable job queue', () => {
  let apps: TestApp[] = [];
  /** test.fail fails while this holds (the CLI test retries its dead letter with it off). */
  let failing = true;
  const failCalls: { attempt: number; at: number; runAt: number }[] = [];
  let a: TestApp;
  const em = () => a.app.get(MikroORM).em.fork();
  const queue = () => a.app.get(JobQueue);
  /** Every instance may claim any job, so a test job type is registered on all of them. */
  const registerEverywhere = (type: string, handler: Handler) => apps.forEach((t) => t.app.get(JobQueue).register(type, handler));
  const jobsOf = (type: string) => em().find(Job, { type }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  const settled = (type: string, count: number, status: Job['status'] = 'succeeded') =>
    waitFor(`${count} ${status} ${type} job(s)`, async () => {
      const jobs = await jobsOf(type);
      return jobs.length === count && jobs.every((j) => j.status === status) && jobs;
    });

  beforeAll(async () => {
    a = await startTestApp(FAST);
    const others = await Promise.all([startTestApp(FAST, { sameDatabaseAs: a }), startTestApp(FAST, { sameDatabaseAs: a })]);
    apps = [a, ...others];
  });
  afterAll(async () => {
    for (const t of apps.slice(1)) await t.close();
    await a?.close();
  });

  it('a job enqueued in a transaction that rolls back never exists; a committed one runs exactly once', async () => {
    const runs: unknown[] = [];
    registerEverywhere('test.once', sync((payload) => runs.push(payload.n)));

    await expect(
      em().transactional(async (tx) => {
        await queue().enqueue(tx, 'test.once', { n: 1 });
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    await em().transactional((tx) => queue().enqueue(tx, 'test.once', { n: 2 }));

    const [job] = await settled('test.once', 1);
    await sleep(300); // several poll intervals of three workers: nobody runs it again
    expect(runs).toEqual([2]);
    expect(await em().findOneOrFail(Job, { id: job!.id })).toMatchObject({ attempts: 1, lockedBy: null, lockedUntil: null, lastError: null, finishedAt: expect.any(Date) });
  });

  it('a failing job is retried with exponential backoff, then dead-lettered after maxAttempts, its error scrubbed', async () => {
    const secret = `sk_test_${'x'.repeat(36)}`;
    const calls = failCalls;
    const failedAt: number[] = [];
    registerEverywhere('test.fail', async (_payload, ctx) => {
      const row = await em().findOneOrFail(Job, { id: ctx.jobId });
      calls.push({ attempt: ctx.attempt, at: Date.now(), runAt: row.runAt.getTime() });
      if (!failing) return;
      failedAt.push(Date.now());
      throw new Error(`gateway said no to ${secret} for ana@example.com`);
    });
    await queue().enqueue(em(), 'test.fail', {}, { maxAttempts: 4 });

    const [job] = await settled('test.fail', 1, 'dead');
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
    expect(job).toMatchObject({ attempts: 4, maxAttempts: 4, lockedBy: null, finishedAt: expect.any(Date) });
    expect(job!.lastError).toContain('Error: gateway said no to [redacted]');
    expect(job!.lastError).not.toContain(secret);
    expect(job!.lastError).not.toContain('ana@example.com');
    // Retry n is due within [failure, failure + 50 ms × 2^(n-1)] (full jitter), never at once after an
    // unbounded wait; the ceilings 50, 100, 200 ms grow (the exact law is in test/unit/job-retry.test.ts).
    for (let n = 1; n < 4; n++) {
      const delay = calls[n]!.runAt - failedAt[n - 1]!;
      expect(delay, `retry ${n}`).toBeGreaterThanOrEqual(-5);
      expect(delay, `retry ${n}`).toBeLessThanOrEqual(50 * 2 ** (n - 1) + 100); // + scheduling latency on a busy machine
      expect(calls[n]!.at).toBeGreaterThanOrEqual(calls[n]!.runAt - 5);
    }
  });

  it('a dedupe key enqueued twice makes one job, run once', async () => {
    const runs: string[] = [];
    registerEverywhere('test.dedupe', sync((_p, ctx) => runs.push(ctx.jobId)));
    const key = `test:${newId('job')}`;
    expect(await em().transactional((tx) => queue().enqueue(tx, 'test.dedupe', { n: 1 }, { dedupeKey: key }))).toBe(true);
    expect(await em().transactional((tx) => queue().enqueue(tx, 'test.dedupe', { n: 2 }, { dedupeKey: key }))).toBe(false);
    const jobs = await settled('test.dedupe', 1);
    await sleep(200);
    expect(runs).toEqual([jobs[0]!.id]);
    expect(jobs[0]!.payload).toEqual({ n: 1 });
  });

  it('a job type without a handler is dead-lettered with a clear error', async () => {
    await queue().enqueue(em(), 'test.nobody', {});
    const [job] = await settled('test.nobody', 1, 'dead');
    expect(job!.lastError).toMatch(/no handler is registered for job type "test\.nobody"/);
  });

  it('a job held by an instance that died is claimed again once its lease expires', async () => {
    const runs: { attempt: number; at: number }[] = [];
    registerEverywhere('test.orphan', sync((_p, ctx) => runs.push({ attempt: ctx.attempt, at: Date.now() })));
    // What a claim leaves behind when its process is killed: running, leased, never finished.
    const now = Date.now();
    const orphan = (id: string, attempts: number, maxAttempts: number) =>
      em().insert(Job, {
        id,
        type: 'test.orphan',
        payload: {},
        status: 'running',
        attempts,
        maxAttempts,
        runAt: new Date(now - 1000),
        lockedBy: 'dead-host:4242:abcdef/1',
        lockedUntil: new Date(now + 500),
        lastError: null,
        dedupeKey: null,
        appId: null,
        createdAt: new Date(now - 1000),
        finishedAt: null,
      });
    const reclaimed = newId('job');
    const exhausted = newId('job');
    await orphan(reclaimed, 1, 5);
    await orphan(exhausted, 3, 3); // it died on its last attempt
    await sleep(350);
    expect(runs).toEqual([]); // the lease still holds

    await waitFor('both orphans settled', async () => {
      const jobs = await em().find(Job, { id: { $in: [reclaimed, exhausted] } });
      return jobs.every((j) => j.status !== 'running') && jobs;
    });
    expect(runs).toHaveLength(1);
    expect(runs[0]!.attempt).toBe(2);
    expect(runs[0]!.at).toBeGreaterThanOrEqual(now + 500);
    expect(await em().findOneOrFail(Job, { id: reclaimed })).toMatchObject({ status: 'succeeded', attempts: 2 });
    const dead = await em().findOneOrFail(Job, { id: exhausted });
    expect(dead).toMatchObject({ status: 'dead', attempts: 4 });
    expect(dead.lastError).toMatch(/lease expired on attempt 3 of 3/);
  });

  it('a handler running longer than the lease keeps it (heartbeat): no other instance runs it', async () => {
    const runs: number[] = [];
    registerEverywhere('test.long', async (_p, ctx) => {
      runs.push(ctx.attempt);
      await sleep(1_500); // 2.5 leases of 600 ms
    });
    await queue().enqueue(em(), 'test.long', {});
    const [job] = await settled('test.long', 1);
    expect(runs).toEqual([1]);
    expect(job!.attempts).toBe(1);
  });

  it('/metrics shows the backlog and the dead letters, and executions by type and outcome', async () => {
    const gauge = async () => {
      const text = (await a.http.get('/metrics')).text;
      const value = (status: string) => Number(new RegExp(`^smartpay_jobs\\{status="${status}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
      return { queued: value('queued'), running: value('running'), dead: value('dead') };
    };
    const before = await gauge();
    expect(before.dead).toBe(await em().count(Job, { status: 'dead' }));
    const later = new Date(Date.now() + 3_600_000);
    for (let i = 0; i < 3; i++) await queue().enqueue(em(), 'test.later', {}, { runAt: later });
    await queue().enqueue(em(), 'test.nobody', {});
    await settled('test.nobody', 2, 'dead');
    const after = await gauge();
    expect(after.queued).toBe(before.queued + 3);
    expect(after.dead).toBe(before.dead + 1);

    // Executions are counted per instance: add them up over the cluster.
    let deadFails = 0;
    let succeededOnce = 0;
    for (const t of apps) {
      const text = (await t.http.get('/metrics')).text;
      const count = (type: string, outcome: string) =>
        Number(new RegExp(`^smartpay_job_executions_total\\{type="${type}",outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
      deadFails += count('test.fail', 'dead');
      succeededOnce += count('test.once', 'succeeded');
    }
    expect(deadFails).toBe(1);
    expect(succeededOnce).toBe(1);
  });

  it('jobs:list and jobs:retry (built CLI) show the dead letter and queue it again', async () => {
    const cli = (args: string[]) =>
      run(process.execPath, [CLI, ...args], {
        cwd: ROOT,
        env: shellEnv({ DATABASE_URL: a.database.url, LOG_LEVEL: 'info', LOG_FILE: join(LOG_DIR, `${TEST_DB}-jobs-cli-${process.pid}.log`) }),
      });
    const listed = await cli(['jobs:list', '--status', 'dead']);
    expect(listed.code, listed.stderr).toBe(0);
    const dead = JSON.parse(listed.stdout) as { id: string; type: string; status: string; attempts: number; last_error: string }[];
    expect(dead.every((j) => j.status === 'dead')).toBe(true);
    const failed = dead.find((j) => j.type === 'test.fail');
    expect(failed).toMatchObject({ attempts: 4, last_error: expect.stringContaining('gateway said no') });

    // The retried job succeeds now (the gateway is back).
    failing = false;
    const before = failCalls.length;
    const retried = await cli(['jobs:retry', failed!.id]);
    expect(retried.code, retried.stderr).toBe(0);
    expect(JSON.parse(retried.stdout)).toEqual({ id: failed!.id, status: 'queued', attempts: 0 });
    await settled('test.fail', 1);
    expect(failCalls.slice(before).map((c) => c.attempt)).toEqual([1]);

    // The rest is independent: run the processes side by side.
    const bad = [['jobs:list', '--status', 'lost'], ['jobs:list', '--limit', '0'], ['jobs:list', '--limit', 'x'], ['jobs:list', '--page', '2']];
    const [again, unknown, two, ...refused] = await Promise.all(
      [['jobs:retry', failed!.id], ['jobs:retry', 'job_01J00000000000000000000000'], ['jobs:list', '--limit', '2'], ...bad].map((args) => cli(args)),
    );
    expect(again!.code).toBe(1);
    expect(again!.stderr).toMatch(/succeeded: only dead jobs can be retried/);
    expect(unknown!.code).toBe(1);
    expect(unknown!.stderr).toContain('no job with id job_01J00000000000000000000000');
    expect(two!.code, two!.stderr).toBe(0);
    expect(JSON.parse(two!.stdout)).toHaveLength(2);
    refused.forEach((result, i) => {
      expect(result.code, bad[i]!.join(' ')).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/--status|--limit|--page/);
    });
  });

  it('the purge job deletes succeeded jobs older than the retention, and only those', async () => {
    const day = 24 * 3600 * 1000;
    const old = (id: string, ageMs: number, status: Job['status']) =>
      em().insert(Job, {
        id,
        type: 'test.history',
        payload: {},
        status,
        attempts: 1,
        maxAttempts: 3,
        runAt: new Date(Date.now() - ageMs),
        lockedBy: null,
        lockedUntil: null,
        lastError: null,
        dedupeKey: null,
        appId: null,
        createdAt: new Date(Date.now() - ageMs),
        finishedAt: new Date(Date.now() - ageMs + 1000),
      });
    const expired = newId('job');
    const recent = newId('job');
    const oldDead = newId('job');
    await old(expired, 8 * day, 'succeeded');
    await old(recent, 6 * day, 'succeeded');
    await old(oldDead, 30 * day, 'dead');
    await queue().enqueue(em(), PURGE_JOB, {});
    await settled(PURGE_JOB, 1);
    const left = (await jobsOf('test.history')).map((j) => j.id);
    expect(left.sort()).toEqual([recent, oldDead].sort());
  });

  it('recurring ticks from three instances make one job per period, each run once', async () => {
    const runs: string[] = [];
    registerEverywhere('test.tick', sync((_p, ctx) => runs.push(ctx.jobId)));
    const period = 400;
    const started = Date.now();
    apps.forEach((t) => t.app.get(RecurringJobs).every('test.tick', period));
    await sleep(2_600);
    const elapsedPeriods = (Date.now() - started) / period;
    const jobs = await waitFor('ticks done', async () => {
      const all = await jobsOf('test.tick');
      return all.every((j) => j.status === 'succeeded') && all;
    });
    const ticks = jobs.map((j) => Number(j.dedupeKey!.split(':').pop())).sort((x, y) => x - y);
    // One job per period: consecutive periods, none missing, none twice (three producers each tried twice per period).
    expect(ticks).toEqual(ticks.map((_, i) => ticks[0]! + i));
    expect(ticks.length).toBeGreaterThanOrEqual(Math.floor(elapsedPeriods) - 1);
    expect(ticks.length).toBeLessThanOrEqual(Math.ceil(elapsedPeriods) + 1);
    const ran = new Set(runs);
    expect(ran.size).toBe(runs.length);
    for (const job of jobs) expect(ran.has(job.id)).toBe(true);
  });
});

describe('graceful shutdown of a worker', () => {
  let d: TestApp | undefined;
  let e: TestApp | undefined;
  let dClosed = false;
  /** Lets the stubborn handler end (long after its job was handed back). */
  let unblock: () => void = () => undefined;
  const stubbornDone = new Promise<void>((resolve) => (unblock = resolve));
  afterAll(async () => {
    unblock();
    await e?.close();
    if (d && !dClosed) await d.app.close();
    await d?.database.drop();
  });

  it('finishes what it can within the bound and hands the rest back to the queue for another instance', async () => {
    d = await startTestApp(FAST);
    const started: string[] = [];
    d.app.get(JobQueue).register('test.block', async (payload, ctx) => {
      started.push(String(payload.mode));
      if (payload.mode === 'abortable') {
        await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error)));
      } else if (payload.mode === 'stubborn') {
        await stubbornDone; // ignores the signal, past the 400 ms bound
      } else {
        await sleep(150); // finishes within the bound
      }
    });
    const em = d.app.get(MikroORM).em.fork();
    for (const mode of ['abortable', 'stubborn', 'quick']) await d.app.get(JobQueue).enqueue(em, 'test.block', { mode }, { dedupeKey: `block:${mode}` });
    await waitFor('three jobs in flight', () => Promise.resolve(started.length === 3));
    expect(d.app.get(JobWorker).inFlight).toBe(3);

    const t0 = Date.now();
    await d.app.close();
    dClosed = true;
    const closeMs = Date.now() - t0;
    expect(closeMs).toBeGreaterThanOrEqual(350);
    expect(closeMs).toBeLessThan(5_000); // the stubborn handler is still running: close did not wait for it

    // Another instance on the same database, worker off at first so the rows can be read as left.
    e = await startTestApp({ ...FAST, JOBS_WORKER: 'off' }, { sameDatabaseAs: d });
    const eem = () => e!.app.get(MikroORM).em.fork();
    const byMode = async () => Object.fromEntries((await eem().find(Job, { type: 'test.block' })).map((j) => [j.dedupeKey!.slice(6), j]));
    const left = await byMode();
    expect(left.quick).toMatchObject({ status: 'succeeded', attempts: 1 });
    for (const mode of ['abortable', 'stubborn']) {
      // Released untried: queued, due, unlocked, the interrupted attempt not counted.
      expect(left[mode], mode).toMatchObject({ status: 'queued', attempts: 0, lockedBy: null, lockedUntil: null });
      expect(left[mode]!.runAt.getTime()).toBeLessThanOrEqual(Date.now());
    }

    const reran: string[] = [];
    e.app.get(JobQueue).register('test.block', sync((payload) => reran.push(String(payload.mode))));
    e.app.get(JobWorker).start();
    await waitFor('released jobs run elsewhere', async () => {
      const rows = await byMode();
      return Object.values(rows).every((j) => j.status === 'succeeded');
    });
    expect(reran.sort()).toEqual(['abortable', 'stubborn']);
  });
});
