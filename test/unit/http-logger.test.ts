import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpLogger, serializeError, withoutSql } from '../../src/common/logging/logger';

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
    const root: Logger = pino({ serializers: { err: serializeError } }, { write: (s: string) => lines.push(JSON.parse(s)) });
    const middleware = createHttpLogger(root);
    server = createServer((req, res) => {
      middleware(req, res, () => {
        // What application code does through nestjs-pino inside a request.
        (req as IncomingMessage & { log: Logger }).log.error({ err: new DriverException() }, 'query failed');
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
    expect(lines.map((l) => l.msg)).toEqual(['query failed', 'GET /v1/x 500']);
    for (const line of lines) expect(line.request_id).toBe('rid-1');
    const text = JSON.stringify(lines);
    expect(text).toContain('[sql omitted] no such table: customers');
    expect(text).not.toContain('ana@example.pe');
    expect(text).not.toContain('sk_test_secret');
    expect((lines[0]!.err as { type?: string }).type).toBe('DriverException');
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
