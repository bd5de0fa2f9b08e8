import express from 'express';
import { createServer, type Server } from 'node:http';
import { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateVapidKeys } from '../../src/alerts/push/vapid-keys';
import { WebPushSender, type PushSubscriptionKeys, type VapidKeys } from '../../src/alerts/push/web-push.sender';
import { createSandboxControlRouter } from '../../src/sandbox/control-router';
import { Sandbox } from '../../src/sandbox/sandbox';

/**
 * The sandbox's Web Push service, driven through its control endpoints (api.md "Sandbox") and reached by
 * SmartPay's real WebPushSender over HTTPS, trusting only the certificate the description hands out.
 */

interface Subscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

let sandbox: Sandbox;
let control: string;
let controlServer: Server;
let push: { base_url: string; ca: string };
let agent: Agent;
let sender: WebPushSender;
const vapid: VapidKeys = { subject: 'mailto:alerts@smartpay.test', ...generateVapidKeys() };

beforeAll(async () => {
  sandbox = await new Sandbox().start();
  const app = express();
  app.use('/sandbox', createSandboxControlRouter(sandbox));
  controlServer = createServer(app);
  await new Promise<void>((resolve) => controlServer.listen(0, '127.0.0.1', resolve));
  control = `http://127.0.0.1:${(controlServer.address() as AddressInfo).port}/sandbox`;
  const description = sandbox.describe().push;
  if (!description) throw new Error('the sandbox describes no push service');
  push = description;
  agent = new Agent({ ca: push.ca });
  sender = new WebPushSender(agent);
});

afterAll(async () => {
  agent.destroy();
  await sandbox.close();
  await new Promise<void>((resolve) => controlServer.close(() => resolve()));
});

beforeEach(async () => {
  await fetch(`${control}/push/_faults`, { method: 'DELETE' });
  await fetch(`${control}/push/_respond`, { method: 'DELETE' });
});

const post = (path: string, body: unknown) =>
  fetch(`${control}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

async function subscribe(body: unknown = {}): Promise<Subscription> {
  const res = await post('/push/_subscriptions', body);
  expect(res.status).toBe(201);
  return (await res.json()) as Subscription;
}

const keysOf = (sub: Subscription): PushSubscriptionKeys => ({ endpoint: sub.endpoint, ...sub.keys });
const idOf = (sub: Subscription) => sub.endpoint.slice(sub.endpoint.lastIndexOf('/') + 1);

async function messagesFor(sub: Subscription) {
  const res = await fetch(`${control}/push/_messages?endpoint=${encodeURIComponent(sub.endpoint)}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: any[] }).data; // eslint-disable-line @typescript-eslint/no-explicit-any -- control JSON read untyped
}

async function rejectedFor(sub: Subscription) {
  const res = await fetch(`${control}/push/_rejected?endpoint=${encodeURIComponent(sub.endpoint)}`);
  return ((await res.json()) as { data: { endpoint: string; received_at: string; status: number; reason: string }[] }).data;
}

describe('description', () => {
  it('gives an HTTPS loopback base URL and the PEM certificate to trust, also on the control root', async () => {
    expect(push.base_url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(push.base_url).toBe(`https://127.0.0.1:${sandbox.push.server.port}`);
    expect(push.ca).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----\n$/);
    const root = (await (await fetch(`${control}/`)).json()) as { push: unknown };
    expect(root.push).toEqual({ base_url: push.base_url, ca: push.ca });
  });

  it('is refused by a client that does not trust the certificate', async () => {
    const sub = await subscribe();
    const untrusting = new WebPushSender(new Agent());
    const outcome = await untrusting.send(keysOf(sub), { n: 1 }, vapid);
    expect(outcome).toMatchObject({ status: 'failed', httpStatus: null, retryable: true });
    expect(await messagesFor(sub)).toEqual([]);
  });
});

describe('subscriptions and messages', () => {
  it('hands out a browser-like subscription and shows what WebPushSender sent, decrypted, newest first', async () => {
    const sub = await subscribe();
    expect(sub.endpoint).toMatch(new RegExp(`^${push.base_url.replace(/\./g, '\\.')}/push/[A-Za-z0-9_-]{22}$`));
    expect(Object.keys(sub.keys).sort()).toEqual(['auth', 'p256dh']);
    expect(Buffer.from(sub.keys.p256dh, 'base64url')).toHaveLength(65);
    expect(Buffer.from(sub.keys.auth, 'base64url')).toHaveLength(16);

    const payload = { type: 'alert.triggered', alert_id: 'alr_01J', title: 'Pagos rechazados ↑', count: 12 };
    const before = Math.floor(Date.now() / 1000);
    expect(await sender.send(keysOf(sub), payload, vapid, { ttlSeconds: 120, urgency: 'high' })).toEqual({ status: 'sent', httpStatus: 201 });
    expect(await sender.send(keysOf(sub), { n: 2 }, vapid)).toEqual({ status: 'sent', httpStatus: 201 });

    const [second, first, ...more] = await messagesFor(sub);
    expect(more).toEqual([]);
    expect(second).toMatchObject({ endpoint: sub.endpoint, payload: { n: 2 }, headers: { ttl: 86400, urgency: 'normal' }, status: 201 });
    expect(first).toEqual({
      endpoint: sub.endpoint,
      received_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      headers: { ttl: 120, urgency: 'high' },
      payload,
      vapid: { aud: push.base_url, exp: expect.any(Number), sub: 'mailto:alerts@smartpay.test' },
      status: 201,
    });
    expect(first.vapid.exp).toBeGreaterThan(before);
    expect(first.vapid.exp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 24 * 3600);

    // Without the filter every subscription's pushes are listed, this one's among them.
    const all = ((await (await fetch(`${control}/push/_messages`)).json()) as { data: { endpoint: string }[] }).data;
    expect(all.filter((m) => m.endpoint === sub.endpoint)).toHaveLength(2);
    expect(await rejectedFor(sub)).toEqual([]);
  });

  it('answers 410 Gone once the browser unsubscribed, so the sender learns the subscription is dead', async () => {
    const sub = await subscribe();
    const unsubscribe = await fetch(`${control}/push/_subscriptions/${idOf(sub)}`, { method: 'DELETE' });
    expect(unsubscribe.status).toBe(200);
    expect(await unsubscribe.json()).toEqual({ endpoint: sub.endpoint, unsubscribed: true });

    expect(await sender.send(keysOf(sub), { n: 1 }, vapid)).toEqual({ status: 'gone', httpStatus: 410 });
    expect(await messagesFor(sub)).toEqual([]);
    expect(await rejectedFor(sub)).toEqual([
      { endpoint: sub.endpoint, received_at: expect.any(String), status: 410, reason: 'subscription is gone (the browser unsubscribed)' },
    ]);
    expect((await fetch(`${control}/push/_subscriptions/never-handed-out`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses a push signed with another key than the subscription application_server_key (403)', async () => {
    const sub = await subscribe({ application_server_key: vapid.publicKey });
    const other: VapidKeys = { subject: vapid.subject, ...generateVapidKeys() };

    const refused = await sender.send(keysOf(sub), { n: 1 }, other);
    expect(refused).toMatchObject({ status: 'failed', httpStatus: 403, retryable: false });
    expect(await rejectedFor(sub)).toEqual([
      { endpoint: sub.endpoint, received_at: expect.any(String), status: 403, reason: 'VAPID key is not the applicationServerKey of the subscription' },
    ]);
    expect(await messagesFor(sub)).toEqual([]);

    // The key it was made for is accepted.
    expect(await sender.send(keysOf(sub), { n: 2 }, vapid)).toEqual({ status: 'sent', httpStatus: 201 });
    expect((await messagesFor(sub)).map((m) => m.payload)).toEqual([{ n: 2 }]);
  });

  it('validates subscription requests as a browser would', async () => {
    const invalidKey = await post('/push/_subscriptions', { application_server_key: vapid.privateKey });
    expect(invalidKey.status).toBe(400);
    expect(((await invalidKey.json()) as { error: string }).error).toMatch(/P-256/);
    expect((await post('/push/_subscriptions', { applicationServerKey: vapid.publicKey })).status).toBe(400);
    expect((await fetch(`${control}/push/_subscriptions`, { method: 'POST' })).status).toBe(201);
  });
});

describe('forced answers (_respond)', () => {
  it('answers the next push 429, a retryable failure, then 201 again', async () => {
    const sub = await subscribe();
    const queued = await post('/push/_respond', { status: 429 });
    expect(queued.status).toBe(200);
    expect(await queued.json()).toEqual({ queued: [429] });

    const outcome = await sender.send(keysOf(sub), { n: 1 }, vapid);
    expect(outcome).toEqual({ status: 'failed', httpStatus: 429, retryable: true, message: 'push service answered 429: push simulator answered 429' });
    expect(await sender.send(keysOf(sub), { n: 2 }, vapid)).toEqual({ status: 'sent', httpStatus: 201 });
    // Both passed every check; the first was answered as told.
    expect((await messagesFor(sub)).map((m) => [m.payload, m.status])).toEqual([
      [{ n: 2 }, 201],
      [{ n: 1 }, 429],
    ]);
  });

  it('honours count and refuses malformed requests', async () => {
    const sub = await subscribe();
    expect(await (await post('/push/_respond', { status: 410, count: 2 })).json()).toEqual({ queued: [410, 410] });
    expect(await sender.send(keysOf(sub), { n: 1 }, vapid)).toEqual({ status: 'gone', httpStatus: 410 });
    expect(await sender.send(keysOf(sub), { n: 2 }, vapid)).toEqual({ status: 'gone', httpStatus: 410 });
    expect(await sender.send(keysOf(sub), { n: 3 }, vapid)).toEqual({ status: 'sent', httpStatus: 201 });

    expect((await post('/push/_respond', { status: 99 })).status).toBe(400);
    expect((await post('/push/_respond', { status: 500, count: 0 })).status).toBe(400);
    expect((await post('/push/_respond', { status: '500' })).status).toBe(400);
    expect((await post('/push/_respond', { status: 500, times: 2 })).status).toBe(400);
  });
});

describe('faults', () => {
  it('down: the port refuses connections (retryable network failure, nothing processed), and comes back on the same port', async () => {
    const sub = await subscribe();
    const port = sandbox.push.server.port;
    expect((await post('/push/_faults', { mode: 'down' })).status).toBe(200);
    expect(await (await fetch(`${control}/push/_faults`)).json()).toMatchObject({ mode: 'down' });

    const outcome = await sender.send(keysOf(sub), { n: 1 }, vapid);
    expect(outcome).toMatchObject({ status: 'failed', httpStatus: null, retryable: true });
    expect(outcome.status === 'failed' && outcome.message).toBe(`push request failed: connect ECONNREFUSED 127.0.0.1:${port}`);
    // Control endpoints are not the push service: they still answer.
    expect(await messagesFor(sub)).toEqual([]);

    expect((await fetch(`${control}/push/_faults`, { method: 'DELETE' })).status).toBe(200);
    expect(sandbox.push.server.port).toBe(port);
    expect(await sender.send(keysOf(sub), { n: 2 }, vapid)).toEqual({ status: 'sent', httpStatus: 201 });
    expect((await messagesFor(sub)).map((m) => m.payload)).toEqual([{ n: 2 }]);
  });

  it('http_500: answers 500 without processing, for count pushes', async () => {
    const sub = await subscribe();
    expect(await (await post('/push/_faults', { mode: 'http_500', count: 1 })).json()).toEqual({ mode: 'http_500', latency_ms: null, count: 1 });
    expect(await sender.send(keysOf(sub), { n: 1 }, vapid)).toMatchObject({ status: 'failed', httpStatus: 500, retryable: true });
    expect(await sender.send(keysOf(sub), { n: 2 }, vapid)).toEqual({ status: 'sent', httpStatus: 201 });
    expect((await messagesFor(sub)).map((m) => m.payload)).toEqual([{ n: 2 }]);
  });

  it('reset: processes the push, then drops the connection unanswered', async () => {
    const sub = await subscribe();
    await post('/push/_faults', { mode: 'reset', count: 1 });
    const outcome = await sender.send(keysOf(sub), { n: 1 }, vapid);
    expect(outcome).toMatchObject({ status: 'failed', httpStatus: null, retryable: true });
    // The ambiguous case: the sender saw nothing, yet the push went out.
    expect((await messagesFor(sub)).map((m) => m.payload)).toEqual([{ n: 1 }]);
  });

  it('latency: processes and answers late', async () => {
    const sub = await subscribe();
    await post('/push/_faults', { mode: 'latency', latency_ms: 200, count: 1 });
    const started = Date.now();
    expect(await sender.send(keysOf(sub), { n: 1 }, vapid)).toEqual({ status: 'sent', httpStatus: 201 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});
