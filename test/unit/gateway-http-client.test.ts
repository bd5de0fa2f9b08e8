import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayHttpClient, type GatewayHttpRequest } from '../../src/gateways/http/gateway-http.client';
import type { CallContext } from '../../src/gateways/payment-gateway.port';

// GatewayHttpClient against a local HTTP server: what goes out, what comes back, and how each way of
// failing is classified (the classification decides between retry, failover and reconciliation).

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
let seen: Seen[] = [];
let connections = 0;
const sockets = new Set<Socket>();
let handle: (req: IncomingMessage, res: ServerResponse, body: string) => void = () => {};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handle(req, res, body);
    });
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((done) => server.close(() => done()));
});

beforeEach(() => {
  seen = [];
  handle = () => {};
});

const http = new GatewayHttpClient();
const ctx = (): CallContext => ({ appId: 'app_test', calls: [] });
const call = (over: Partial<GatewayHttpRequest> = {}): GatewayHttpRequest => ({
  gateway: 'culqi',
  operation: 'create_charge',
  method: 'POST',
  baseUrl: base,
  path: '/charges',
  headers: { Authorization: 'Bearer sk_test_x' },
  body: { amount: 1000, currency_code: 'PEN' },
  timeoutMs: 2_000,
  ...over,
});

describe('GatewayHttpClient', () => {
  it('sends the JSON body and headers and returns status, text and parsed JSON', async () => {
    handle = (_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"id":"chr_1","outcome":{"type":"venta_exitosa"}}');
    };
    const c = ctx();
    const result = await http.send(call(), c);
    expect(result).toEqual({
      kind: 'response',
      status: 201,
      text: '{"id":"chr_1","outcome":{"type":"venta_exitosa"}}',
      json: { id: 'chr_1', outcome: { type: 'venta_exitosa' } },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/charges', body: '{"amount":1000,"currency_code":"PEN"}' });
    expect(seen[0]!.headers).toMatchObject({ accept: 'application/json', 'content-type': 'application/json', authorization: 'Bearer sk_test_x' });
    expect(c.calls).toHaveLength(1);
    expect(c.calls[0]).toMatchObject({ gateway: 'culqi', operation: 'create_charge', method: 'POST', path: '/api/charges', httpStatus: 201, errorClass: null });
  });

  it('sends no Content-Type without a body, lets the adapter override headers, and reads non-JSON answers as text', async () => {
    handle = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>bad gateway</html>');
    };
    const c = ctx();
    const result = await http.send(call({ method: 'GET', body: undefined, path: 'charges/chr_1?x=1', headers: { Accept: 'application/vnd.test+json' } }), c);
    expect(result).toEqual({ kind: 'response', status: 502, text: '<html>bad gateway</html>', json: null });
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/api/charges/chr_1?x=1', body: '' });
    expect(seen[0]!.headers['content-type']).toBeUndefined();
    expect(seen[0]!.headers.accept).toBe('application/vnd.test+json');
    expect(c.calls[0]).toMatchObject({ httpStatus: 502, errorClass: 'http_5xx' });
  });

  it('reuses the kept-alive connection for consecutive calls', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    };
    await http.send(call(), ctx());
    const before = connections;
    await http.send(call(), ctx());
    await http.send(call({ method: 'GET', body: undefined }), ctx());
    expect(seen).toHaveLength(3);
    expect(connections).toBe(before);
  });

  it('a gateway that never answers ends as a timeout within the call timeout', async () => {
    handle = () => {}; // reads the request, never answers
    const c = ctx();
    const started = Date.now();
    const result = await http.send(call({ timeoutMs: 300 }), c);
    const elapsed = Date.now() - started;
    expect(result).toEqual({ kind: 'error', errorClass: 'timeout', message: 'no answer within the timeout', notSent: false });
    expect(seen).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1_500);
    expect(c.calls[0]).toMatchObject({ httpStatus: null, errorClass: 'timeout' });
  });

  it('the timeout also covers a body that stops arriving after the headers', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"id":'); // and nothing more
    };
    const started = Date.now();
    const result = await http.send(call({ timeoutMs: 300 }), ctx());
    expect(result).toMatchObject({ kind: 'error', errorClass: 'timeout', notSent: false });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('a closed port is connection_refused and certainly not sent', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const c = ctx();
    const result = await http.send(call({ baseUrl: `http://127.0.0.1:${port}` }), c);
    expect(result).toEqual({ kind: 'error', errorClass: 'connection_refused', message: 'ECONNREFUSED', notSent: true });
    expect(c.calls[0]).toMatchObject({ httpStatus: null, errorClass: 'connection_refused' });
  });

  it('a connection dropped after the request was read is a reset that may have been processed', async () => {
    handle = (req) => req.socket.destroy();
    const c = ctx();
    const result = await http.send(call(), c);
    expect(result).toMatchObject({ kind: 'error', errorClass: 'reset', notSent: false });
    expect(seen).toHaveLength(1);
    expect(c.calls[0]).toMatchObject({ httpStatus: null, errorClass: 'reset' });
  });

  it('a dropped connection does not poison the pool: the next call gets a fresh one', async () => {
    handle = (req) => req.socket.destroy();
    await http.send(call(), ctx());
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    };
    expect(await http.send(call(), ctx())).toMatchObject({ kind: 'response', status: 200, json: { ok: true } });
  });
});
