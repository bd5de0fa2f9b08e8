import { spawn, spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.factory';
import { deadJobsAlert } from '../../src/alerts/alert-rules';
import { AlertsService } from '../../src/alerts/alerts.service';
import { AdminUser } from '../../src/apps/admin-user.entity';
import { randomBase62, verifyPassword } from '../../src/common/secrets';
import { loadConfig } from '../../src/config/app-config';
import { MYSQL_MIGRATIONS } from '../../src/database/migrations/mysql';
import { SQLITE_MIGRATIONS } from '../../src/database/migrations/sqlite';
import { run, Running, shellEnv, sleep, type RunResult } from '../support/child-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { LOG_DIR, recordSecret, TEST_DB } from '../support/test-env';

/**
 * The built CLI (`node dist/cli/main.js`, what `npm run smartpay --` runs; the test command builds
 * dist/ first) against a fresh database, with a real HTTP server on the same database proving that
 * the keys it prints authenticate, and stop authenticating once revoked (within the server's
 * API_KEY_CACHE_TTL: the CLI is another process, so it cannot clear the server's key cache).
 */
const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const KEY = /^sk_test_[A-Za-z0-9]{32,}$/;
/**
 * The server's API_KEY_CACHE_TTL: short, so a revoke is seen within seconds, yet several times what a
 * CLI command takes, so a key is still served from the cache right after `keys:revoke` returns.
 */
const KEY_CACHE_TTL_MS = 3000;

describe('command line (npm run smartpay)', () => {
  let db: TestDatabase;
  let server: NestExpressApplication | undefined;
  let url = '';
  const logFile = join(LOG_DIR, `${TEST_DB}-cli-${process.pid}.log`);

  const cli = (args: string[], env: Record<string, string> = {}): Promise<RunResult> =>
    run(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: shellEnv({ DATABASE_URL: db.url, LOG_LEVEL: 'info', LOG_FILE: logFile, ...env }),
    });
  /** Runs a command that must succeed; stdout must be exactly one JSON document. */
  const cliJson = async (args: string[], env: Record<string, string> = {}): Promise<Record<string, unknown>> => {
    const result = await cli(args, env);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };
  const api = (path: string, key: string, body?: object): Promise<Response> =>
    fetch(`${url}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await server?.close();
    await db.drop();
  });

  /** The HTTP server, on the database the CLI migrated (started once, after `migrate`). */
  async function startServer(): Promise<void> {
    if (server) return;
    const bootstrapKey = `sk_test_${randomBase62(40)}`;
    const adminPassword = randomBase62(24);
    recordSecret(bootstrapKey);
    recordSecret(adminPassword);
    const { app } = await createApp(
      loadConfig({
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        SMARTPAY_BOOTSTRAP_API_KEY: bootstrapKey,
        SMARTPAY_ADMIN_PASSWORD: adminPassword,
        LOG_FILE: logFile,
        API_KEY_CACHE_TTL: `${KEY_CACHE_TTL_MS}ms`,
        // The alerts test raises a dead-jobs alert by hand: the rule being off keeps the evaluator from clearing it.
        ALERT_DEAD_JOBS: '0',
      }),
    );
    await app.listen(0, '127.0.0.1');
    server = app;
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  }

  it('migrate applies every migration to an empty database, then has nothing to do', async () => {
    const expected = (TEST_DB === 'mysql' ? MYSQL_MIGRATIONS : SQLITE_MIGRATIONS).map((m) => m.name);
    expect(await cliJson(['migrate'])).toEqual({ applied: expected });
    expect(await cliJson(['migrate'])).toEqual({ applied: [] });
  });

  let app: { app_id: string; key_id: string; api_key: string };

  it('apps:create prints an app id and a key that authenticates HTTP requests', async () => {
    await startServer();
    const out = await cliJson(['apps:create', 'SmartLite CLI']);
    app = out as typeof app;
    recordSecret(app.api_key);
    expect(app).toEqual({ app_id: expect.stringMatching(/^app_/), key_id: expect.stringMatching(/^key_/), api_key: expect.stringMatching(KEY) });

    const created = await api('/v1/orders', app.api_key, { amount: 1050, currency: 'PEN' });
    expect(created.status).toBe(201);
    const order = (await created.json()) as { id: string };
    const read = await api(`/v1/orders/${order.id}`, app.api_key);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { id: string }).id).toBe(order.id);
    // A key of the right shape that was never issued does not get in: authentication is real.
    expect((await api('/v1/orders', `sk_test_${randomBase62(40)}`)).status).toBe(401);
  });

  it('apps:create rejects a missing or empty name', async () => {
    for (const args of [['apps:create'], ['apps:create', '  ']]) {
      const result = await cli(args);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/name|usage/);
    }
  });

  let second: { key_id: string; api_key: string };

  it('keys:create issues another working key for the app; an unknown app is an error', async () => {
    second = (await cliJson(['keys:create', app.app_id])) as typeof second;
    recordSecret(second.api_key);
    expect(second).toEqual({ key_id: expect.stringMatching(/^key_/), api_key: expect.stringMatching(KEY) });
    expect(second.api_key).not.toBe(app.api_key);
    // The new key sees the app's orders: same tenant.
    const list = await api('/v1/orders', second.api_key);
    expect(list.status).toBe(200);
    expect(((await list.json()) as { data: unknown[] }).data).toHaveLength(1);

    const unknown = await cli(['keys:create', 'app_01J00000000000000000000000']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('app_01J00000000000000000000000');
  });

  it('keys:revoke stops a key on a running server within API_KEY_CACHE_TTL (401 invalid_api_key); revoking it again or an unknown key fails', async () => {
    // A key of its own, first used here: the server reads and caches it no earlier than firstUsedAt.
    const revoked = (await cliJson(['keys:create', app.app_id])) as typeof second;
    recordSecret(revoked.api_key);
    const firstUsedAt = Date.now();
    expect((await api('/v1/orders', revoked.api_key)).status).toBe(200);

    expect(await cliJson(['keys:revoke', revoked.key_id])).toEqual({ key_id: revoked.key_id, revoked: true });
    const revokedAt = Date.now();
    // The server trusts its cached read for the TTL: a revoke by another process is not seen yet
    // (this proves the cache is on).
    const cached = await api('/v1/orders', revoked.api_key);
    expect(Date.now() - firstUsedAt, 'keys:revoke took longer than the cache TTL: raise KEY_CACHE_TTL_MS').toBeLessThan(KEY_CACHE_TTL_MS);
    expect(cached.status).toBe(200);

    // Once that read is older than the TTL, the server reads the row again and refuses the key.
    let refused = cached;
    while (refused.status === 200 && Date.now() - revokedAt < KEY_CACHE_TTL_MS + 2000) {
      await sleep(100);
      refused = await api('/v1/orders', revoked.api_key);
    }
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { code: string }).code).toBe('invalid_api_key');
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(KEY_CACHE_TTL_MS + 2000);
    // Refused from then on, not only once.
    expect((await api('/v1/orders', revoked.api_key)).status).toBe(401);
    // Only that key: the app's other keys still work.
    expect((await api('/v1/orders', app.api_key)).status).toBe(200);
    expect((await api('/v1/orders', second.api_key)).status).toBe(200);

    for (const id of [revoked.key_id, 'key_01J00000000000000000000000']) {
      const again = await cli(['keys:revoke', id]);
      expect(again.code).toBe(1);
      expect(again.stdout).toBe('');
      expect(again.stderr).toContain(id);
    }
  });

  it('admins:create takes the password from SMARTPAY_ADMIN_PASSWORD and stores only its hash', async () => {
    const password = randomBase62(20);
    recordSecret(password);
    const out = await cliJson(['admins:create', 'Ops@Example.com'], { SMARTPAY_ADMIN_PASSWORD: password });
    expect(out).toEqual({ admin_id: expect.stringMatching(/^adm_/), email: 'ops@example.com', role: 'admin' });
    const stored = await storedAdmin('ops@example.com');
    expect(stored.passwordHash).not.toContain(password);
    expect(await verifyPassword(password, stored.passwordHash)).toBe(true);

    const viewer = await cliJson(['admins:create', 'viewer@example.com', '--role', 'viewer'], { SMARTPAY_ADMIN_PASSWORD: password });
    expect(viewer.role).toBe('viewer');
  });

  it('admins:create refuses a duplicate e-mail, a bad role or e-mail, and a missing password without a terminal', async () => {
    const password = randomBase62(20);
    recordSecret(password);
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['admins:create', 'OPS@example.com'], { SMARTPAY_ADMIN_PASSWORD: password }, /already exists/],
      [['admins:create', 'x@example.com', '--role', 'owner'], { SMARTPAY_ADMIN_PASSWORD: password }, /--role/],
      [['admins:create', 'not-an-email'], { SMARTPAY_ADMIN_PASSWORD: password }, /e-mail/],
      [['admins:create', 'nopw@example.com'], {}, /SMARTPAY_ADMIN_PASSWORD/],
      [['admins:create', 'short@example.com'], { SMARTPAY_ADMIN_PASSWORD: 'short' }, /SMARTPAY_ADMIN_PASSWORD/],
    ];
    for (const [args, env, message] of cases) {
      const result = await cli(args, env);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
    }
    await expect(storedAdmin('nopw@example.com')).rejects.toThrow();
  });

  // `script` gives the CLI a pseudo-terminal, as an operator's shell would.
  const hasScript = spawnSync('script', ['--version']).status === 0;

  it.skipIf(!hasScript)('admins:create asks for the password twice on a terminal, without echoing it', async () => {
    const password = randomBase62(20);
    recordSecret(password);
    const env = shellEnv({ DATABASE_URL: db.url, LOG_FILE: logFile, TERM: 'dumb' });
    const command = `${process.execPath} ${CLI} admins:create tty@example.com --role viewer`;
    const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    const waitFor = async (text: string, count: number) => {
      for (let i = 0; i < 200 && output.split(text).length - 1 < count; i++) await sleep(50);
    };
    const exited = new Promise<number | null>((done) => child.once('close', done));
    await waitFor('assword', 1);
    child.stdin.write(`${password}\r`);
    await waitFor('assword', 2);
    child.stdin.write(`${password}\r`);
    expect(await exited, output).toBe(0);
    expect(output).not.toContain(password);
    expect(output).toContain('"role": "viewer"');
    expect(await verifyPassword(password, (await storedAdmin('tty@example.com')).passwordHash)).toBe(true);
  });

  it('reconcile queues a durable reconciliation run over every app, for the running workers to execute', async () => {
    const out = await cliJson(['reconcile']);
    expect(out).toMatchObject({ status: 'queued', run_id: expect.stringMatching(/^rcn_/) });
    // A server of this suite shares the database, so its worker may already have run the job.
    const listed = (await cliJson(['jobs:list', '--limit', '1000'])) as unknown as { type: string; payload: { runId: string } }[];
    expect(listed.filter((j) => j.type === 'reconciliation.run' && j.payload.runId === out.run_id)).toHaveLength(1);
  });

  it('reconcile --from --to prints the discrepancy report read from a standalone sandbox', async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    // Sandbox mode without a standalone sandbox: the simulators are out of the CLI's reach.
    const refused = await cli(['reconcile', '--from', from, '--to', to]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('SMARTPAY_SANDBOX_URL');
    const sandbox = Running.start(process.execPath, ['dist/sandbox/main.js'], { cwd: ROOT, env: shellEnv({ SANDBOX_CONTROL_PORT: '0' }) });
    try {
      const match = await sandbox.waitForStdout(/"control_url": "([^"]+)"/, 10_000);
      const report = await cliJson(['reconcile', '--from', from, '--to', to], { SMARTPAY_SANDBOX_URL: match[1]! });
      expect(report).toMatchObject({ object: 'reconciliation_report', matched: 0, missing_locally: [], missing_at_gateway: [], amount_mismatches: [], status_mismatches: [] });
      const bad = await cli(['reconcile', '--from', to, '--to', from], { SMARTPAY_SANDBOX_URL: match[1]! });
      expect(bad.code).toBe(1);
    } finally {
      await sandbox.stop();
    }
  });

  it('alerts:list / alerts:ack / alerts:resolve manage deployment-wide alerts, which apps may only read', async () => {
    await startServer();
    const raised = await server!.get(AlertsService).raise(deadJobsAlert(2, 1));
    expect(raised).not.toBeNull();
    const listed = (await cliJson(['alerts:list', '--status', 'open'])) as unknown as { id: string; scope: string; rule: string; app_id: string | null }[];
    expect(listed.find((a) => a.id === raised!.id)).toMatchObject({ scope: 'deployment', rule: 'dead_jobs', app_id: null });
    expect(await cliJson(['alerts:ack', raised!.id])).toMatchObject({ id: raised!.id, status: 'acknowledged' });
    expect(await cliJson(['alerts:resolve', raised!.id])).toMatchObject({ id: raised!.id, status: 'resolved', resolved_by: 'cli' });
    const again = await cli(['alerts:resolve', raised!.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already resolved');
    expect((await cli(['alerts:list', '--status', 'closed'])).code).toBe(1);
  });

  it('an unknown or missing command prints the usage on stderr and exits 1; help exits 0', async () => {
    for (const args of [['apps:delete', 'x'], []]) {
      const result = await cli(args);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('apps:create <name>');
    }
    for (const args of [['help'], ['apps:create', '--help']]) {
      const help = await cli(args);
      expect(help.code).toBe(0);
      expect(help.stdout).toBe('');
      expect(help.stderr).toContain('keys:revoke <key_id>');
    }
  });

  it('a configuration error names the variable and exits 1', async () => {
    const result = await cli(['apps:create', 'x'], { DATABASE_URL: 'postgres://x' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('DATABASE_URL');
  });

  async function storedAdmin(email: string): Promise<AdminUser> {
    const orm = server!.get(MikroORM);
    return RequestContext.create(orm.em, () => orm.em.findOneOrFail(AdminUser, { email }));
  }
});
