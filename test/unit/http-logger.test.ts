import { readFileSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLog } from '../../src/common/logging/access-log';
import { REDACT_PATHS, serializeError, withoutSql } from '../../src/common/logging/logger';
import { run, shellEnv } from '../support/child-process';
import { sleep, until } from '../support/wait';

/** A database error as MikroORM raises it: the failed statement, with its values, in the message. */
class DriverException extends Error {
  readonly sql = "select * from customers where email = 'ana@example.pe'";
  constructor() {
    super("select * from `customers` where `email` = 'ana@example.pe' - no such table: customers");
    this.name = 'DriverException';
  }
}

describe('request logger', () => {
  const lines: Record<string, unknown>[] = [];
  let server: Server;
  let port: number;

  beforeAll(async () => {
    const root: Logger = pino(
      { serializers: { err: serializeError }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
      { write: (s: string) => lines.push(JSON.parse(s)) },
    );
    const middleware = accessLog(root);
    server = createServer((req, res) => {
      middleware(req, res, () => {
        // What application code does through nestjs-pino inside a request.
        const log = (req as IncomingMessage & { log: Logger }).log;
        log.warn({ payment: { token: 'tok_live_secret' } }, 'token seen');
        log.error({ err: new DriverException() }, 'query failed');
        res.statusCode = 500;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('binds request_id to every line of a request and keeps SQL values and headers out', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', path: '/v1/x?q=1', headers: { authorization: 'Bearer sk_test_secret', 'x-request-id': 'rid-1' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(lines.map((l) => l.msg)).toEqual(['token seen', 'query failed', 'GET /v1/x 500']);
    for (const line of lines) expect(line.request_id).toBe('rid-1');
    // The request's own lines go through the root logger's redaction; the access line (which skips it) has its fixed fields.
    expect(lines[0]!.payment).toEqual({ token: '[redacted]' });
    expect(Object.keys(lines[2]!).sort()).toEqual(['hostname', 'level', 'msg', 'pid', 'req', 'request_id', 'res', 'responseTime', 'time']);
    const text = JSON.stringify(lines);
    expect(text).not.toContain('tok_live_secret');
    expect(text).toContain('[sql omitted] no such table: customers');
    expect(text).not.toContain('ana@example.pe');
    expect(text).not.toContain('sk_test_secret');
    expect((lines[1]!.err as { type?: string }).type).toBe('DriverException');
  });
});

describe('access log', () => {
  const lines: Record<string, unknown>[] = [];
  let server: Server;
  let port: number;

  beforeAll(async () => {
    const root: Logger = pino({}, { write: (s: string) => lines.push(JSON.parse(s)) });
    const middleware = accessLog(root);
    server = createServer((req, res) => {
      middleware(req, res, () => {
        if (req.url?.startsWith('/slow')) return; // never answers: the client gives up first
        res.statusCode = req.url?.startsWith('/missing') ? 404 : 201;
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const post = (path: string, requestId: string, abortAfterMs?: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const req = request({ port, host: '127.0.0.1', path, method: 'POST', headers: { 'x-request-id': requestId } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', () => resolve());
      if (abortAfterMs !== undefined) setTimeout(() => req.destroy(), abortAfterMs);
      req.end();
    });
  const lineFor = (id: string) => until(() => Promise.resolve(lines.find((l) => l.request_id === id)), (l) => l !== undefined, 2_000, `the line of ${id}`);

  it('writes one line per request: method, path without its query, status, time, at a level by status', async () => {
    await post('/ok?card=4111111111111111', 'rid-ok');
    await post('/missing', 'rid-missing');
    const ok = (await lineFor('rid-ok'))!;
    expect(ok).toMatchObject({ level: 30, msg: 'POST /ok 201', req: { method: 'POST', path: '/ok' }, res: { status: 201 } });
    expect(typeof ok.responseTime).toBe('number');
    expect(ok.aborted).toBeUndefined();
    expect(JSON.stringify(ok)).not.toContain('4111');
    expect(await lineFor('rid-missing')).toMatchObject({ level: 40, msg: 'POST /missing 404' });
    await sleep(50);
    expect(lines.filter((l) => l.request_id === 'rid-ok')).toHaveLength(1);
  });

  it('logs a request the client gave up on, marked aborted', async () => {
    await post('/slow', 'rid-slow', 100);
    expect(await lineFor('rid-slow')).toMatchObject({ msg: 'POST /slow 200', aborted: true });
  });

  it('leaves the probes out', async () => {
    await post('/health/live', 'rid-live');
    await post('/metrics', 'rid-metrics');
    await post('/ok', 'rid-after');
    await lineFor('rid-after');
    expect(lines.filter((l) => l.request_id === 'rid-live' || l.request_id === 'rid-metrics')).toEqual([]);
  });
});

/**
 * The root logger writes in 4 KB blocks: what it holds must still reach the file on every exit short of a
 * SIGKILL, an error line must not wait for its block, and a quiet line waits a second at most.
 */
describe('root logger buffering (the built logger, in its own process)', () => {
  const ROOT = resolve(__dirname, '..', '..');
  const dir = join(tmpdir(), `smartpay-log-${process.pid}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `body` in a node process with `logger` = createRootLogger writing to a file; returns the file's lines. */
  async function inChild(name: string, body: string, timeoutMs = 10_000): Promise<{ code: number | null; lines: { msg: string; level: string }[] }> {
    const file = join(dir, `${name}.log`);
    const script = `const { createRootLogger } = require(${JSON.stringify(join(ROOT, 'dist/common/logging/logger.js'))});
      const logger = createRootLogger({ log: { level: 'info', file: ${JSON.stringify(file)} } });
      const fs = require('node:fs'); const file = ${JSON.stringify(file)};
      const read = () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
      ${body}`;
    const result = await run(process.execPath, ['-e', script], { cwd: ROOT, env: shellEnv(), timeoutMs });
    const text = readFileSync(file, 'utf8');
    return { code: result.code, lines: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; level: string }) };
  }

  it('writes what it holds when the process exits, and when it dies of an uncaught error', async () => {
    const exited = await inChild('exit', `logger.info('held'); setTimeout(() => process.exit(3), 50);`);
    expect(exited.code).toBe(3);
    expect(exited.lines.map((l) => l.msg)).toEqual(['held']);
    const crashed = await inChild('crash', `logger.info('before the crash'); setTimeout(() => { throw new Error('boom'); }, 50);`);
    expect(crashed.code).toBe(1);
    expect(crashed.lines.map((l) => l.msg)).toEqual(['before the crash']);
  });

  it('sends an error line at once, and a quiet line within about a second', async () => {
    const { lines } = await inChild(
      'timing',
      `setTimeout(() => {
        logger.info('quiet');
        const t0 = Date.now();
        // The quiet line waits for its block; the file stays empty until then.
        const quietAlone = read();
        logger.error('loud');
        const poll = setInterval(() => {
          if (read().includes('loud')) {
            clearInterval(poll);
            logger.info({ errorAfterMs: Date.now() - t0, quietAlone }, 'error seen');
            const t1 = Date.now();
            const wait = setInterval(() => {
              if (read().includes('error seen')) { clearInterval(wait); logger.info({ infoAfterMs: Date.now() - t1 }, 'info seen'); process.exit(0); }
            }, 10);
          }
        }, 5);
      }, 200);`,
    );
    const seen = lines.find((l) => l.msg === 'error seen') as unknown as { errorAfterMs: number; quietAlone: string };
    const infoSeen = lines.find((l) => l.msg === 'info seen') as unknown as { infoAfterMs: number };
    expect(lines.map((l) => l.msg)).toEqual(['quiet', 'loud', 'error seen', 'info seen']);
    expect(seen.quietAlone).toBe('');
    // Well under the one-second period: the error line did not wait for it.
    expect(seen.errorAfterMs).toBeLessThan(500);
    expect(infoSeen.infoAfterMs).toBeLessThan(2_500);
  });
});

describe('withoutSql', () => {
  it('drops the statement a MariaDB connector error ends with, values included', () => {
    const message =
      "(conn:19, no: 1064, SQLState: 42000) You have an error in your SQL syntax near 'key, value'\nsql: insert ignore into system_settings (key, value) values ('encryption_key', 'c2VjcmV0') - parameters:[]";
    const cleaned = serializeError(Object.assign(new Error(message), { name: 'SyntaxErrorException' })) as { message: string; stack: string };
    expect(cleaned.message).toBe("(conn:19, no: 1064, SQLState: 42000) You have an error in your SQL syntax near 'key, value'\nsql: [omitted]");
    const near = withoutSql("(conn:3, no: 1064) You have an error in your SQL syntax; check the manual near 'key, value) values ('x', 'c2VjcmV0')' at line 1\nsql: insert …");
    expect(near).toBe('(conn:3, no: 1064) You have an error in your SQL syntax; check the manual near [omitted] at line 1\nsql: [omitted]');
    expect(JSON.stringify(cleaned)).not.toContain('c2VjcmV0');
  });
});
