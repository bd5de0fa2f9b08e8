import express from 'express';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSandboxControlRouter } from '../../src/sandbox/control-router';
import { Sandbox } from '../../src/sandbox/sandbox';
import { recordSecret } from '../support/test-env';

/** Fault injection (api.md "Sandbox"): what each mode does to real HTTP clients and to what gets processed. */

let sandbox: Sandbox;
let control: string;
let controlServer: Server;
let culqi: { base_url: string; public_key: string; secret_key: string };
let mp: { base_url: string; public_key: string; access_token: string };

beforeAll(async () => {
  sandbox = await new Sandbox().start();
  const app = express();
  app.use('/sandbox', createSandboxControlRouter(sandbox));
  controlServer = createServer(app);
  await new Promise<void>((resolve) => controlServer.listen(0, '127.0.0.1', resolve));
  control = `http://127.0.0.1:${(controlServer.address() as AddressInfo).port}/sandbox`;
  ({ culqi, mercadopago: mp } = sandbox.describe());
  recordSecret(culqi.secret_key);
  recordSecret(mp.access_token);
});

afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => controlServer.close(() => resolve()));
});

beforeEach(async () => {
  await fetch(`${control}/culqi/_faults`, { method: 'DELETE' });
  await fetch(`${control}/mercadopago/_faults`, { method: 'DELETE' });
});

async function setFault(gateway: string, body: unknown): Promise<Response> {
  return fetch(`${control}/${gateway}/_faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

async function culqiToken(): Promise<string> {
  const res = await fetch(`${culqi.base_url}/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${culqi.public_key}` },
    body: JSON.stringify({ card_number: '4111111111111111', cvv: '123', expiration_month: '12', expiration_year: '2030', email: 'buyer@example.com' }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

function culqiCharge(token: string, marker: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${culqi.base_url}/charges`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${culqi.secret_key}` },
    body: JSON.stringify({ amount: 1000, currency_code: 'PEN', email: 'buyer@example.com', source_id: token, metadata: { marker } }),
    signal,
  });
}

/** How many charges carrying `marker` the gateway really holds, read through its own list endpoint. */
async function culqiChargesWith(marker: string): Promise<number> {
  const res = await fetch(`${culqi.base_url}/charges?limit=100`, { headers: { Authorization: `Bearer ${culqi.secret_key}` } });
  const body = (await res.json()) as { data: { metadata: { marker?: string } }[] };
  return body.data.filter((c) => c.metadata.marker === marker).length;
}

/** The network error code under fetch's "fetch failed" TypeError. */
async function networkError(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  const cause = (err as { cause?: { code?: string; name?: string } }).cause;
  return cause?.code ?? cause?.name ?? (err as Error).name;
}

describe('down', () => {
  it('closes the port (ECONNREFUSED, nothing processed) and reopens the same port when cleared', async () => {
    const token = await culqiToken();
    const port = sandbox.culqi.server.port;
    expect((await setFault('culqi', { mode: 'down' })).status).toBe(200);
    expect(await networkError(culqiCharge(token, 'down-1'))).toBe('ECONNREFUSED');
    expect(await networkError(fetch(`${culqi.base_url}/charges`))).toBe('ECONNREFUSED');
    // Control endpoints are not the gateway: they still answer.
    expect(await (await fetch(`${control}/culqi/_faults`)).json()).toMatchObject({ mode: 'down' });
    expect((await fetch(`${control}/culqi/_charges`)).status).toBe(200);
    // The other simulator is unaffected.
    expect((await fetch(`${mp.base_url}/v1/payments/search`, { headers: { Authorization: `Bearer ${mp.access_token}` } })).status).toBe(200);

    expect((await fetch(`${control}/culqi/_faults`, { method: 'DELETE' })).status).toBe(200);
    expect(sandbox.culqi.server.port).toBe(port);
    expect(await culqiChargesWith('down-1')).toBe(0);
    // Nothing was processed, so the token is still good.
    expect((await culqiCharge(token, 'down-1')).status).toBe(201);
  });

  it('refuses count with down, explaining why', async () => {
    const res = await setFault('culqi', { mode: 'down', count: 2 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/count/);
    expect(await (await fetch(`${control}/culqi/_faults`)).json()).toEqual({ mode: null });
  });
});

describe('http_500', () => {
  it('answers 500 and processes nothing, token endpoints included', async () => {
    const token = await culqiToken();
    await setFault('culqi', { mode: 'http_500' });
    const res = await culqiCharge(token, 'h500');
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ object: 'error', type: 'api_error' });
    const tokenRes = await fetch(`${culqi.base_url}/tokens`, { method: 'POST', headers: { Authorization: `Bearer ${culqi.public_key}` }, body: '{}' });
    expect(tokenRes.status).toBe(500);
    await fetch(`${control}/culqi/_faults`, { method: 'DELETE' });
    expect(await culqiChargesWith('h500')).toBe(0);
    expect((await culqiCharge(token, 'h500')).status).toBe(201);
  });

  it('uses Mercado Pago\'s own 500 body on its simulator', async () => {
    await setFault('mercadopago', { mode: 'http_500', count: 1 });
    const res = await fetch(`${mp.base_url}/v1/payments/search`, { headers: { Authorization: `Bearer ${mp.access_token}` } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: 'internal_error', error: null, status: 500, cause: [] });
  });
});

describe('timeout', () => {
  it('processes the charge but answers too late for the client', async () => {
    const token = await culqiToken();
    // Margins wide enough for a loaded 2-core machine: the client gives up at 100 ms, the answer comes at 600.
    await setFault('culqi', { mode: 'timeout', latency_ms: 600 });
    const started = Date.now();
    expect(await networkError(culqiCharge(token, 'timeout-1', AbortSignal.timeout(100)))).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(590);
    await fetch(`${control}/culqi/_faults`, { method: 'DELETE' });
    // The ambiguous case: the client saw nothing, yet the gateway charged.
    expect(await culqiChargesWith('timeout-1')).toBe(1);
    const retry = await culqiCharge(token, 'timeout-1');
    expect(retry.status).toBe(422);
  });

  it('lets a Mercado Pago retry with the same X-Idempotency-Key find the one payment', async () => {
    const tokenRes = await fetch(`${mp.base_url}/v1/card_tokens?public_key=${mp.public_key}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ card_number: '5031755734530604', expiration_month: 11, expiration_year: 2030, security_code: '123', cardholder: { name: 'APRO' } }),
    });
    const token = ((await tokenRes.json()) as { id: string }).id;
    const reference = `ord_timeout_${randomUUID()}`;
    const key = randomUUID();
    const pay = (signal?: AbortSignal) =>
      fetch(`${mp.base_url}/v1/payments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${mp.access_token}`, 'X-Idempotency-Key': key },
        body: JSON.stringify({ transaction_amount: 118, token, installments: 1, payment_method_id: 'master', payer: { email: 'a@b.pe' }, external_reference: reference }),
        signal,
      });
    await setFault('mercadopago', { mode: 'timeout', latency_ms: 600, count: 1 });
    expect(await networkError(pay(AbortSignal.timeout(100)))).toBe('TimeoutError');
    const retry = await pay();
    expect(retry.status).toBe(201);
    expect(((await retry.json()) as { status: string }).status).toBe('approved');
    const search = await fetch(`${mp.base_url}/v1/payments/search?external_reference=${reference}`, { headers: { Authorization: `Bearer ${mp.access_token}` } });
    expect(((await search.json()) as { paging: { total: number } }).paging.total).toBe(1);
  });
});

describe('reset', () => {
  it('processes, then drops the connection without an answer', async () => {
    const token = await culqiToken();
    await setFault('culqi', { mode: 'reset', count: 1 });
    const code = await networkError(culqiCharge(token, 'reset-1'));
    expect(['UND_ERR_SOCKET', 'ECONNRESET']).toContain(code);
    expect(await culqiChargesWith('reset-1')).toBe(1);
    expect((await culqiCharge(token, 'reset-1')).status).toBe(422);
  });
});

describe('latency and count', () => {
  it('answers after latency_ms, processed', async () => {
    const token = await culqiToken();
    await setFault('culqi', { mode: 'latency', latency_ms: 200 });
    const started = Date.now();
    const res = await culqiCharge(token, 'latency-1');
    expect(res.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(await culqiChargesWith('latency-1')).toBe(1);
  });

  it('limits a fault to the next N calls, then clears it', async () => {
    expect(await (await setFault('culqi', { mode: 'http_500', count: 2 })).json()).toEqual({ mode: 'http_500', latency_ms: null, count: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${culqi.base_url}/charges`, { headers: { Authorization: `Bearer ${culqi.secret_key}` } })).status);
    expect(statuses).toEqual([500, 500, 200]);
    expect(await (await fetch(`${control}/culqi/_faults`)).json()).toEqual({ mode: null });
  });

  it('validates fault requests', async () => {
    expect((await setFault('culqi', { mode: 'explode' })).status).toBe(400);
    expect((await setFault('culqi', { mode: 'latency', latency_ms: -1 })).status).toBe(400);
    expect((await setFault('culqi', { mode: 'http_500', count: 0 })).status).toBe(400);
    expect((await setFault('paypal', { mode: 'down' })).status).toBe(404);
    const bad = await fetch(`${control}/culqi/_faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{nope' });
    expect(bad.status).toBe(400);
  });
});

describe('control root and shutdown', () => {
  it('describes the sandbox as GET /v1/sandbox does', async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- gateway JSON is read untyped, as the other suites read supertest bodies
    const body = (await (await fetch(`${control}/`)).json()) as Record<string, any>;
    expect(body.culqi.base_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2$/);
    expect(body.culqi.secure_url).toBe(body.culqi.base_url);
    expect(body.culqi.public_key).toMatch(/^pk_test_/);
    expect(body.culqi.secret_key).toMatch(/^sk_test_/);
    expect(body.mercadopago.base_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(body.mercadopago.public_key).toMatch(/^TEST-/);
    expect(body.mercadopago.access_token).toMatch(/^TEST-/);
    expect(body.mercadopago.webhook_secret).toMatch(/^[0-9a-f]{64}$/);
    expect(body.culqi.base_url).not.toContain(String(new URL(body.mercadopago.base_url).port));
  });

  it('closes at once even with an answer held back by a 30 s timeout', async () => {
    const own = await new Sandbox().start();
    const d = own.describe().culqi;
    await own.culqi.server.setFault({ mode: 'timeout', latencyMs: 30_000 });
    const pending = fetch(`${d.base_url}/charges`, { headers: { Authorization: `Bearer ${d.secret_key}` } });
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await networkError(pending)).toMatch(/UND_ERR_SOCKET|ECONNRESET/);
    expect(await networkError(fetch(`${d.base_url}/charges`))).toBe('ECONNREFUSED');
  });
});
