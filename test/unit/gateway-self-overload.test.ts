/**
 * A saturated SmartPay must not take its own queueing for a slow gateway (alerts must not cry wolf).
 *
 * The gateway timeout runs from the moment a request is written to a socket, not from when the call asked
 * the pool: time in the pool's queue and event-loop lag no longer end as `timeout`, count as unhealthy or
 * open the circuit. Before this change the timer started before the pool, so in the queueing test below
 * every call that waited longer than its timeout would have ended as `timeout` — the test computes how many
 * (the old clock is the logged `durationMs`, which still runs from the call's start) — and the lag test's
 * timer fired before the answer that had already arrived was read.
 *
 * The gateway runs in a worker thread (its own event loop, like a real gateway in another process), so it
 * answers while this thread is blocked. It echoes when it received each request and when it answered.
 * Real pools, the real GatewayHttpClient and real circuit breakers (threshold 3); timings are asserted
 * only with generous margins.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallContext } from '../../src/gateways/payment-gateway.port';
import { GatewayHttpAgent } from '../../src/gateways/http/gateway-http-agent';
import { GatewayHttpClient, type GatewayHttpRequest, type GatewayHttpResult } from '../../src/gateways/http/gateway-http.client';
import { GatewayCircuit } from '../../src/gateways/resilience/gateway-circuit';
import { GatewayCircuitBreakers } from '../../src/gateways/resilience/gateway-circuit-breakers';
import { isUnhealthy } from '../../src/gateways/resilience/gateway-health';
import { sleep } from '../support/wait';

const THRESHOLD = 3;
const HALF_OPEN_AFTER_MS = 200;

const GATEWAY = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
let hits = 0, inFlight = 0, maxInFlight = 0;
const server = http.createServer((req, res) => {
  const receivedAt = Date.now();
  hits++; inFlight++; maxInFlight = Math.max(maxInFlight, inFlight);
  const url = new URL(req.url, 'http://gateway');
  req.resume();
  req.on('end', () => setTimeout(() => {
    inFlight--;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: url.searchParams.get('id'), receivedAt, respondedAt: Date.now() }));
  }, Number(url.searchParams.get('delay'))));
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'reset') { hits = 0; maxInFlight = 0; parentPort.postMessage({}); }
  if (m === 'stats') parentPort.postMessage({ hits, maxInFlight });
});
`;

interface Echo {
  id: string;
  receivedAt: number;
  respondedAt: number;
}

let worker: Worker;
let baseUrl: string;

function ask<T>(message: string): Promise<T> {
  return new Promise((resolve) => {
    worker.once('message', (m: T) => resolve(m));
    worker.postMessage(message);
  });
}

beforeAll(async () => {
  worker = new Worker(GATEWAY, { eval: true });
  const { port } = await new Promise<{ port: number }>((resolve) => worker.once('message', resolve));
  baseUrl = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await worker.terminate();
});

let agent: GatewayHttpAgent;
let breakers: GatewayCircuitBreakers;
let ctx: CallContext;
beforeEach(async () => {
  breakers = new GatewayCircuitBreakers({ threshold: THRESHOLD, halfOpenAfterMs: HALF_OPEN_AFTER_MS }, ['culqi']);
  ctx = { appId: 'app_test', calls: [] };
  await ask('reset');
});
afterEach(async () => {
  await agent?.destroy();
});

const request = (id: number, delayMs: number, timeoutMs: number): GatewayHttpRequest => ({
  gateway: 'culqi',
  operation: 'create_charge',
  method: 'POST',
  baseUrl,
  path: `/charges?id=${id}&delay=${delayMs}`,
  headers: {},
  body: { amount: 100 },
  timeoutMs,
});

interface Timed {
  result: GatewayHttpResult;
  startedAt: number;
  endedAt: number;
}
async function timed(http: GatewayHttpClient, req: GatewayHttpRequest): Promise<Timed> {
  const startedAt = Date.now();
  const result = await http.send(req, ctx);
  return { result, startedAt, endedAt: Date.now() };
}
const echo = (result: GatewayHttpResult): Echo => {
  if (result.kind !== 'response') throw new Error(`expected an answer, got ${result.errorClass}`);
  return result.json as Echo;
};


/** Blocks this thread's event loop, as a saturated SmartPay does between two turns. */
function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

describe('self-inflicted overload opens no circuit', () => {
  it('pool queueing: 20 concurrent calls over 2 connections all succeed although most wait longer than their timeout', async () => {
    const TIMEOUT_MS = 300;
    agent = new GatewayHttpAgent({ connections: 2 });
    const http = new GatewayHttpClient(breakers, { agent, queueTimeoutMs: 10_000 });

    const calls = await Promise.all(Array.from({ length: 20 }, (_, i) => timed(http, request(i, 100, TIMEOUT_MS))));

    for (const { result } of calls) expect(result).toMatchObject({ kind: 'response', status: 200 });
    expect(ctx.calls.map((c) => c.errorClass)).toEqual(Array(20).fill(null));
    expect(breakers.state('culqi')).toBe('closed');
    const { hits, maxInFlight } = await ask<{ hits: number; maxInFlight: number }>('stats');
    expect(hits).toBe(20);
    expect(maxInFlight).toBeLessThanOrEqual(2); // the rest really queued in the pool
    // Time from the call to the gateway receiving it: the pool's queue. Ideally ~0, 100, …, 900 ms.
    const queued = calls.map(({ result, startedAt }) => echo(result).receivedAt - startedAt);
    expect(queued.filter((ms) => ms > TIMEOUT_MS).length).toBeGreaterThanOrEqual(5);
    // The old clock: each of these calls would have ended as `timeout`, and these are the last calls to
    // finish, so they come one after another: THRESHOLD of them in a row opened the circuit.
    const oldWayTimeouts = ctx.calls.filter((c) => c.durationMs > TIMEOUT_MS).length;
    expect(oldWayTimeouts).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('pool queueing beyond the queue bound: pool_queue_timeout, not sent (the gateway never sees them), circuit closed', async () => {
    const QUEUE_TIMEOUT_MS = 250;
    agent = new GatewayHttpAgent({ connections: 2 });
    const http = new GatewayHttpClient(breakers, { agent, queueTimeoutMs: QUEUE_TIMEOUT_MS });

    const calls = await Promise.all(Array.from({ length: 20 }, (_, i) => timed(http, request(i, 100, 2_000))));

    const answered = calls.filter(({ result }) => result.kind === 'response');
    const gaveUp = calls.filter(({ result }) => result.kind === 'error');
    for (const { result } of answered) expect(result).toMatchObject({ status: 200 });
    for (const { result, startedAt, endedAt } of gaveUp) {
      expect(result).toEqual({ kind: 'error', errorClass: 'pool_queue_timeout', message: 'no free connection within the queue timeout; not sent', notSent: true });
      expect(isUnhealthy(result)).toBe(false);
      expect(endedAt - startedAt).toBeGreaterThanOrEqual(QUEUE_TIMEOUT_MS - 10);
    }
    expect(answered.length).toBeGreaterThanOrEqual(2); // the first two had a connection at once
    expect(gaveUp.length).toBeGreaterThanOrEqual(5); // at most ~6 fit in 250 ms at 2 × 100 ms
    expect(breakers.state('culqi')).toBe('closed');
    expect(ctx.calls.filter((c) => c.errorClass === 'pool_queue_timeout')).toHaveLength(gaveUp.length);

    // The abandoned requests leave the queue when their turn comes and are dropped unwritten: once the
    // pool has drained, the gateway has seen exactly the answered calls.
    await agent.close();
    expect((await ask<{ hits: number }>('stats')).hits).toBe(answered.length);
  });

  it('event-loop lag: an answer that arrived while the loop was blocked past the timeout is read, not timed out', async () => {
    agent = new GatewayHttpAgent({ connections: 2 });
    const http = new GatewayHttpClient(breakers, { agent });
    await http.send(request(0, 0, 2_000), ctx); // a kept-alive connection, idle again after a loop turn
    await sleep(50);

    const startedAt = Date.now();
    const pending = http.send(request(1, 50, 200), ctx);
    // undici writes onto a reused idle socket from a setImmediate it schedules in send() (first letting the
    // socket report a pending FIN/RST); ours runs right after that write and blocks the loop.
    const blockEnded = await new Promise<number>((resolve) =>
      setImmediate(() => {
        blockEventLoop(600);
        resolve(Date.now());
      }),
    );
    const result = await pending;

    expect(result).toMatchObject({ kind: 'response', status: 200 });
    const { receivedAt, respondedAt } = echo(result);
    // The scenario really happened: sent before the block, answered during it, read only after it,
    // well past the 200 ms timeout (whose timer fired before the socket was read).
    expect(receivedAt).toBeGreaterThanOrEqual(startedAt);
    expect(respondedAt).toBeLessThan(blockEnded);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(590);
    expect(ctx.calls.at(-1)).toMatchObject({ httpStatus: 200, errorClass: null });
    expect(breakers.state('culqi')).toBe('closed');
  });
});

describe('real gateway trouble still counts', () => {
  it('a gateway that answers after 1.5 s with a 200 ms timeout: timeout, unhealthy, and the circuit opens at the threshold', async () => {
    agent = new GatewayHttpAgent({ connections: 2 });
    const http = new GatewayHttpClient(breakers, { agent });

    for (let i = 0; i < THRESHOLD; i++) {
      expect(breakers.state('culqi')).toBe('closed');
      const { result, startedAt, endedAt } = await timed(http, request(i, 1_500, 200));
      expect(result).toEqual({ kind: 'error', errorClass: 'timeout', message: 'no answer within the timeout', notSent: false });
      expect(isUnhealthy(result)).toBe(true);
      expect(endedAt - startedAt).toBeGreaterThanOrEqual(190);
      expect(endedAt - startedAt).toBeLessThan(1_500); // cut by the timeout, not by the answer
    }
    expect(breakers.state('culqi')).toBe('open');
    expect((await timed(http, request(9, 0, 200))).result).toMatchObject({ errorClass: 'circuit_open', notSent: true });
    expect((await ask<{ hits: number }>('stats')).hits).toBe(THRESHOLD); // the timed-out ones were all sent
  });

  it('a connection that never opens is the gateway’s trouble: timeout (not pool_queue_timeout), and it opens the circuit', async () => {
    // A connector that never completes stands in for a gateway that drops our SYNs or never finishes TLS.
    agent = new GatewayHttpAgent({ connections: THRESHOLD, connect: () => {} });
    const http = new GatewayHttpClient(breakers, { agent });

    // THRESHOLD calls each get a connection of their own, which never opens; one more waits in the queue.
    const results = await Promise.all(Array.from({ length: THRESHOLD + 1 }, (_, i) => http.send(request(i, 0, 200), ctx)));

    expect(results.slice(0, THRESHOLD)).toEqual(Array(THRESHOLD).fill({ kind: 'error', errorClass: 'timeout', message: 'no answer within the timeout', notSent: false }));
    expect(results[THRESHOLD]).toMatchObject({ errorClass: 'pool_queue_timeout', notSent: true });
    expect(breakers.state('culqi')).toBe('open');
    expect((await ask<{ hits: number }>('stats')).hits).toBe(0);
  });
});

describe('circuit accounting of pool_queue_timeout', () => {
  const unhealthy: GatewayHttpResult = { kind: 'error', errorClass: 'timeout', message: 't', notSent: false };
  const queued: GatewayHttpResult = { kind: 'error', errorClass: 'pool_queue_timeout', message: 'q', notSent: true };
  const ok: GatewayHttpResult = { kind: 'response', status: 200, text: '{}', json: {} };

  it('neither counts towards opening nor resets the run of failures', async () => {
    const circuit = new GatewayCircuit({ threshold: THRESHOLD, halfOpenAfterMs: HALF_OPEN_AFTER_MS });
    for (let i = 0; i < THRESHOLD * 3; i++) expect(await circuit.run(() => Promise.resolve(queued))).toBe(queued);
    expect(circuit.state).toBe('closed');
    for (let i = 0; i < THRESHOLD - 1; i++) await circuit.run(() => Promise.resolve(unhealthy));
    await circuit.run(() => Promise.resolve(queued)); // a success here would start the count again
    expect(circuit.state).toBe('closed');
    await circuit.run(() => Promise.resolve(unhealthy));
    expect(circuit.state).toBe('open');
  });

  it('a probe that could not be sent does not close the circuit; a healthy one does', async () => {
    const circuit = new GatewayCircuit({ threshold: THRESHOLD, halfOpenAfterMs: HALF_OPEN_AFTER_MS });
    for (let i = 0; i < THRESHOLD; i++) await circuit.run(() => Promise.resolve(unhealthy));
    await sleep(HALF_OPEN_AFTER_MS + 20);
    expect(await circuit.run(() => Promise.resolve(queued))).toBe(queued);
    expect(circuit.state).toBe('open');
    await sleep(HALF_OPEN_AFTER_MS + 20);
    expect(await circuit.run(() => Promise.resolve(ok))).toBe(ok);
    expect(circuit.state).toBe('closed');
  });
});
