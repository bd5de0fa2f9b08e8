/**
 * The per-gateway circuit breaker inside GatewayHttpClient.send (issue 4, item 4; design.md invariant 3)
 * against a real loopback HTTP server, and the health-aware routing built on it: N consecutive
 * unhealthy exchanges open the circuit; an open circuit answers `circuit_open` (notSent) without
 * touching the network and is logged; after the open period one probe decides; declines never count.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppConfig, GatewayId } from '../../src/config/app-config';
import type { GatewayRegistry } from '../../src/gateways/gateway-registry';
import { GatewayHttpClient, type GatewayHttpResult } from '../../src/gateways/http/gateway-http.client';
import type { CallContext } from '../../src/gateways/payment-gateway.port';
import { GatewayCircuitBreakers } from '../../src/gateways/resilience/gateway-circuit-breakers';
import { RoutingService } from '../../src/gateways/routing.service';
import { sleep } from '../support/wait';

type Mode = { status: number } | 'hang' | 'reset' | { status: number; delayMs: number };

const THRESHOLD = 3;
const HALF_OPEN_AFTER_MS = 300;
/** Generous, so a busy machine never turns an answer into a timeout; the hang test uses its own. */
const TIMEOUT_MS = 5000;
const SHORT_TIMEOUT_MS = 100;

let server: Server;
let baseUrl: string;
let refusedUrl: string;
let mode: Mode = { status: 200 };
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    req.resume();
    req.on('end', () => {
      const m = mode;
      if (m === 'hang') return; // the client's timeout fires
      if (m === 'reset') return void req.socket.destroy();
      const answer = () => {
        res.writeHead(m.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ status: m.status }));
      };
      if ('delayMs' in m) setTimeout(answer, m.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const lonely = createServer();
  await new Promise<void>((resolve) => lonely.listen(0, '127.0.0.1', resolve));
  refusedUrl = `http://127.0.0.1:${(lonely.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => lonely.close(() => resolve()));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const newBreakers = () => new GatewayCircuitBreakers({ threshold: THRESHOLD, halfOpenAfterMs: HALF_OPEN_AFTER_MS }, ['culqi', 'mercadopago']);

describe('GatewayHttpClient circuit breaker', () => {
  let breakers: GatewayCircuitBreakers;
  let http: GatewayHttpClient;
  let ctx: CallContext;
  beforeEach(() => {
    breakers = newBreakers();
    http = new GatewayHttpClient(breakers);
    ctx = { appId: 'app_test', calls: [] };
    mode = { status: 200 };
    hits = 0;
  });

  const send = (gateway: GatewayId = 'culqi', url = baseUrl, timeoutMs = TIMEOUT_MS): Promise<GatewayHttpResult> =>
    http.send({ gateway, operation: 'create_charge', method: 'POST', baseUrl: url, path: '/charges', headers: {}, body: { amount: 100 }, timeoutMs }, ctx);
  async function sendTimes(n: number, gateway: GatewayId = 'culqi', url = baseUrl): Promise<GatewayHttpResult[]> {
    const out: GatewayHttpResult[] = [];
    for (let i = 0; i < n; i++) out.push(await send(gateway, url));
    return out;
  }
  const expectOpenRefusal = (result: GatewayHttpResult) =>
    expect(result).toEqual({ kind: 'error', errorClass: 'circuit_open', message: 'culqi circuit is open', notSent: true });

  it(`opens after ${THRESHOLD} consecutive 5xx; then refuses without touching the network, logged as circuit_open`, async () => {
    mode = { status: 503 };
    await sendTimes(THRESHOLD - 1);
    expect(breakers.state('culqi')).toBe('closed');
    const [last] = await sendTimes(1);
    expect(last).toMatchObject({ kind: 'response', status: 503 }); // the answer that opened it is still returned
    expect(breakers.state('culqi')).toBe('open');
    expect(hits).toBe(THRESHOLD);

    mode = { status: 200 };
    expectOpenRefusal(await send());
    expect(hits).toBe(THRESHOLD);
    const logged = ctx.calls.at(-1)!;
    expect(logged).toMatchObject({ gateway: 'culqi', operation: 'create_charge', method: 'POST', path: '/charges', httpStatus: null, errorClass: 'circuit_open' });
    expect(logged.requestBody).toContain('amount');
    expect(ctx.calls).toHaveLength(THRESHOLD + 1);
  });

  it('connection refused, timeouts and resets count as unhealthy', async () => {
    const refused = await sendTimes(1, 'culqi', refusedUrl);
    expect(refused[0]).toMatchObject({ errorClass: 'connection_refused', notSent: true });
    mode = 'hang';
    expect(await send('culqi', baseUrl, SHORT_TIMEOUT_MS)).toMatchObject({ errorClass: 'timeout', notSent: false });
    mode = 'reset';
    expect(await send()).toMatchObject({ errorClass: 'reset', notSent: false });
    expect(breakers.state('culqi')).toBe('open');
    expectOpenRefusal(await send());
  });

  it('declines and other 4xx never count, and a healthy answer resets the count', async () => {
    for (const status of [402, 400, 404, 409, 422, 429]) {
      mode = { status };
      await sendTimes(THRESHOLD + 1);
    }
    expect(breakers.state('culqi')).toBe('closed');
    expect(hits).toBe(6 * (THRESHOLD + 1));

    mode = { status: 500 };
    await sendTimes(THRESHOLD - 1);
    mode = { status: 402 }; // a decline is the gateway working: the run of failures is broken
    await send();
    mode = { status: 500 };
    await sendTimes(THRESHOLD - 1);
    expect(breakers.state('culqi')).toBe('closed');
    await send();
    expect(breakers.state('culqi')).toBe('open');
  });

  it('half-open after the delay: one probe goes out; success closes the circuit', async () => {
    await sendTimes(THRESHOLD, 'culqi', refusedUrl);
    expect(breakers.state('culqi')).toBe('open');
    expectOpenRefusal(await send());
    await sleep(HALF_OPEN_AFTER_MS + 20);
    // The open period is over: routing sees half_open (a probe is due) before any call is made.
    expect(breakers.state('culqi')).toBe('half_open');
    expect(breakers.refusesCalls('culqi')).toBe(false);
    const hitsBefore = hits;
    expect(await send()).toMatchObject({ kind: 'response', status: 200 });
    expect(hits).toBe(hitsBefore + 1);
    expect(breakers.state('culqi')).toBe('closed');
    // Closed again: it takes a full run of THRESHOLD failures to open it once more.
    await sendTimes(THRESHOLD - 1, 'culqi', refusedUrl);
    expect(breakers.state('culqi')).toBe('closed');
  });

  it('a failed probe re-opens the circuit at once for another full period', async () => {
    await sendTimes(THRESHOLD, 'culqi', refusedUrl);
    await sleep(HALF_OPEN_AFTER_MS + 20);
    expect(await send('culqi', refusedUrl)).toMatchObject({ errorClass: 'connection_refused' });
    expect(breakers.state('culqi')).toBe('open');
    expectOpenRefusal(await send());
    expect(hits).toBe(0);
  });

  it('while the probe is in flight, other calls are refused rather than queued behind it', async () => {
    await sendTimes(THRESHOLD, 'culqi', refusedUrl);
    await sleep(HALF_OPEN_AFTER_MS + 20);
    mode = { status: 200, delayMs: 300 };
    const probe = send();
    await sleep(10);
    expect(breakers.state('culqi')).toBe('half_open');
    // Routing skips it meanwhile: it would refuse the call anyway.
    expect(breakers.refusesCalls('culqi')).toBe(true);
    expectOpenRefusal(await send());
    expect(await probe).toMatchObject({ kind: 'response', status: 200 });
    expect(hits).toBe(1);
    expect(breakers.state('culqi')).toBe('closed');
  });

  it('each gateway has its own circuit', async () => {
    await sendTimes(THRESHOLD, 'culqi', refusedUrl);
    expect(breakers.snapshot()).toEqual({ culqi: { circuit: 'open' }, mercadopago: { circuit: 'closed' } });
    expect(await send('mercadopago')).toMatchObject({ kind: 'response', status: 200 });
    expect(hits).toBe(1);
  });

  it('without breakers (adapter unit tests) every call goes out', async () => {
    const bare = new GatewayHttpClient();
    const req = { gateway: 'culqi' as const, operation: 'x', method: 'GET' as const, baseUrl: refusedUrl, path: '/', headers: {}, timeoutMs: TIMEOUT_MS };
    for (let i = 0; i < THRESHOLD + 2; i++) expect(await bare.send(req, ctx)).toMatchObject({ errorClass: 'connection_refused' });
  });
});

describe('RoutingService with circuit breakers', () => {
  const config = { routing: { cardPEN: ['culqi', 'mercadopago'], cardUSD: ['culqi', 'mercadopago'] } } as unknown as AppConfig;
  const registry = (ids: GatewayId[]) => ({ has: (g: GatewayId) => ids.includes(g) }) as GatewayRegistry;
  let breakers: GatewayCircuitBreakers;
  let routing: RoutingService;
  beforeEach(() => {
    breakers = newBreakers();
    routing = new RoutingService(config, registry(['culqi', 'mercadopago']), breakers);
  });
  /** Opens a gateway's circuit through real refused calls. */
  async function open(gateway: GatewayId): Promise<void> {
    const http = new GatewayHttpClient(breakers);
    for (let i = 0; i < THRESHOLD; i++) {
      await http.send({ gateway, operation: 'x', method: 'GET', baseUrl: refusedUrl, path: '/', headers: {}, timeoutMs: TIMEOUT_MS }, { appId: 'a', calls: [] });
    }
    expect(breakers.state(gateway)).toBe('open');
  }

  it('all closed: the priority list, reason priority', () => {
    expect(routing.decide('PEN', 'card_token')).toEqual({ gateway: 'culqi', fallbacks: ['mercadopago'], reason: 'priority' });
    expect(routing.suggest('PEN')).toBe('culqi');
    // Mercado Pago Peru charges only PEN; Yape is Culqi and PEN only.
    expect(routing.decide('USD', 'card_token')).toEqual({ gateway: 'culqi', fallbacks: [], reason: 'priority' });
    expect(routing.decide('PEN', 'yape_token')).toEqual({ gateway: 'culqi', fallbacks: [], reason: 'priority' });
    expect(routing.decide('USD', 'yape_token')).toBeNull();
  });

  it('skips a gateway whose circuit is open: reason health', async () => {
    await open('culqi');
    expect(routing.candidates('PEN', 'card_token')).toEqual(['mercadopago']);
    expect(routing.decide('PEN', 'card_token')).toEqual({ gateway: 'mercadopago', fallbacks: [], reason: 'health' });
    expect(routing.decide('PEN', 'payment_method')).toEqual({ gateway: 'mercadopago', fallbacks: [], reason: 'health' });
    expect(routing.suggest('PEN')).toBe('mercadopago');
    // A second-priority gateway's open circuit only drops it from the fallbacks.
    breakers = newBreakers();
    routing = new RoutingService(config, registry(['culqi', 'mercadopago']), breakers);
    await open('mercadopago');
    expect(routing.decide('PEN', 'card_token')).toEqual({ gateway: 'culqi', fallbacks: [], reason: 'priority' });
  });

  it('every candidate open: the priority list unchanged, so the request fails clearly', async () => {
    await open('culqi');
    await open('mercadopago');
    expect(routing.candidates('PEN', 'card_token')).toEqual(['culqi', 'mercadopago']);
    expect(routing.decide('PEN', 'card_token')).toEqual({ gateway: 'culqi', fallbacks: ['mercadopago'], reason: 'priority' });
    // USD has only Culqi: open or not, it stays the answer.
    expect(routing.decide('USD', 'card_token')).toEqual({ gateway: 'culqi', fallbacks: [], reason: 'priority' });
  });

  it('a gateway is routed to again once a probe is due', async () => {
    await open('culqi');
    expect(routing.suggest('PEN')).toBe('mercadopago');
    await sleep(HALF_OPEN_AFTER_MS + 20);
    expect(routing.decide('PEN', 'card_token')).toEqual({ gateway: 'culqi', fallbacks: ['mercadopago'], reason: 'priority' });
  });

  it('accept narrows the list (gateways holding a saved card); unconfigured gateways are never chosen', async () => {
    await open('culqi');
    expect(routing.decide('PEN', 'payment_method', (g) => g === 'culqi')).toEqual({ gateway: 'culqi', fallbacks: [], reason: 'priority' });
    const onlyMp = new RoutingService(config, registry(['mercadopago']), newBreakers());
    expect(onlyMp.decide('PEN', 'card_token')).toEqual({ gateway: 'mercadopago', fallbacks: [], reason: 'priority' });
    expect(onlyMp.decide('USD', 'card_token')).toBeNull();
  });
});
