/**
 * Issue 4, item 2 — the gateway webhook inbox: deliveries are authenticated (Mercado Pago x-signature,
 * Culqi Basic auth), stored once per gateway event, acknowledged at once, and a job re-fetches the
 * resource from the gateway. Duplicates, concurrent and out-of-order deliveries cause one state
 * change and one job; forged or stale signatures are refused and stored nowhere.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { MikroORM } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../src/common/secrets';
import { GatewayWebhook } from '../../src/gateway-webhooks/gateway-webhook.entity';
import { Job } from '../../src/jobs/job.entity';
import { charge, createOrder, CULQI_VISA, expectCharge, expectProblem, getCharge, getOrder, mercadoPagoPayment, mpToken, payWithCulqi, type Client } from '../support/charge-fixtures';
import { clearFault, culqiCardToken, culqiChargesFor, injectFault, mercadoPagoPaymentsFor, type SandboxInfo } from '../support/sandbox-client';
import type { TestApp } from '../support/test-app';
import { recordSecret } from '../support/test-env';
import { startSandboxApp } from '../support/sandbox-app';

const CULQI_USER = 'culqi-hooks';
const CULQI_PASSWORD = randomBase62(24);
recordSecret(CULQI_PASSWORD);
const WEBHOOK_ENV = { CULQI_WEBHOOK_USER: CULQI_USER, CULQI_WEBHOOK_PASSWORD: CULQI_PASSWORD, JOBS_POLL_INTERVAL: '50ms' };
const COPIES = 10;

interface SimDelivery {
  url: string;
  event: string;
  body: string;
  delivered: boolean;
  attempts: { status: number | null }[];
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Mercado Pago's signature (mercadopago.md §6), made here independently of SmartPay's verifier. */
function mpSigned(secret: string, dataId: string, ts = String(Math.floor(Date.now() / 1000))): Record<string, string> {
  const requestId = randomUUID();
  const v1 = createHmac('sha256', secret).update(`id:${dataId};request-id:${requestId};ts:${ts};`).digest('hex');
  return { 'x-request-id': requestId, 'x-signature': `ts=${ts},v1=${v1}` };
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

async function mpSimDeliveries(info: SandboxInfo, paymentId: string): Promise<SimDelivery[]> {
  const res = await fetch(`${info.control_url}/mercadopago/_webhooks`);
  const all = ((await res.json()) as { data: SimDelivery[] }).data;
  return all.filter((d) => new URL(d.url).searchParams.get('data.id') === paymentId);
}

async function culqiSimDeliveries(info: SandboxInfo): Promise<SimDelivery[]> {
  return ((await (await fetch(`${info.control_url}/culqi/_webhooks`)).json()) as { data: SimDelivery[] }).data;
}

async function waitUntil<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const rows = (t: TestApp, where: Partial<Pick<GatewayWebhook, 'gateway' | 'resourceId' | 'eventKey' | 'eventType' | 'chargeId'>>) =>
  t.app.get(MikroORM).em.fork().find(GatewayWebhook, where, { orderBy: { receivedAt: 'asc', id: 'asc' } });
const jobsWithKey = (t: TestApp, dedupeKey: string) => t.app.get(MikroORM).em.fork().find(Job, { dedupeKey });

/** A charge left pending at Mercado Pago (cardholder CONT → in_process), and its payment id. */
async function pendingMercadoPagoCharge(c: Client, info: SandboxInfo): Promise<{ orderId: string; chargeId: string; paymentId: string }> {
  const orderId = await createOrder(c);
  const body = expectCharge(await charge(c, orderId, { gateway: 'mercadopago', source: { type: 'card_token', token: await mpToken(info, 'CONT') } }), 'pending');
  return { orderId, chargeId: body.id as string, paymentId: body.gateway_charge_id as string };
}

async function approveAtMercadoPago(info: SandboxInfo, paymentId: string): Promise<void> {
  const res = await post(`${info.control_url}/mercadopago/_payments/${paymentId}`, JSON.stringify({ status: 'approved', status_detail: 'accredited' }), {});
  expect(res.status).toBe(200);
}

describe('gateway webhooks', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  let secret: string;
  beforeAll(async () => {
    // No SMARTPAY_PUBLIC_URL: the notification URL is derived from the address the app listens on.
    ({ t, c, info } = await startSandboxApp({ ...WEBHOOK_ENV, GATEWAY_TIMEOUT_MS: '500', JOBS_RETRY_BASE: '200ms' }));
    secret = info.mercadopago.webhook_secret;
    recordSecret(secret);
    // Culqi's panel setting: where its events go, with Basic auth.
    const res = await fetch(`${info.control_url}/culqi/_webhook`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${t.url}/webhooks/culqi`, user: CULQI_USER, password: CULQI_PASSWORD }),
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => t?.close());

  describe('Mercado Pago', () => {
    let paid: { orderId: string; chargeId: string; paymentId: string };

    it('an approval the gateway notifies makes the pending charge succeeded and the order paid', async () => {
      paid = await pendingMercadoPagoCharge(c, info);
      // SmartPay told Mercado Pago where to notify.
      expect((await mercadoPagoPayment(info, paid.paymentId)).notification_url).toBe(`${t.url}/webhooks/mercadopago?source_news=webhooks`);
      expect((await getOrder(c, paid.orderId)).status).toBe('processing');
      // payment.created is handled first (the charge stays pending), so the approval is what moves it.
      const created = await waitUntil('the payment.created delivery to be handled', async () => {
        const found = (await rows(t, { gateway: 'mercadopago', resourceId: paid.paymentId })).find((r) => r.eventType === 'payment.created');
        return found && found.status !== 'received' ? found : null;
      });
      expect(created.status === 'unmatched' || created.result === `${paid.chargeId} unchanged (pending): still pending at the gateway`).toBe(true);

      await approveAtMercadoPago(info, paid.paymentId);
      await waitUntil('the order to be paid', async () => (await getOrder(c, paid.orderId)).status === 'paid');
      expect((await getCharge(c, paid.chargeId)).status).toBe('succeeded');

      const updated = await waitUntil('the payment.updated delivery to be processed', async () => {
        const found = (await rows(t, { gateway: 'mercadopago', resourceId: paid.paymentId })).find((r) => r.eventType === 'payment.updated');
        return found?.status === 'processed' ? found : null;
      });
      expect(updated).toMatchObject({ verified: true, chargeId: paid.chargeId, appId: t.appId, resourceType: 'payment' });
      expect(updated.result).toBe(`${paid.chargeId} pending → succeeded`);
      expect(updated.eventKey).toMatch(/^mp:\d+$/);
      expect(updated.headers).toMatchObject({ 'x-signature': expect.stringMatching(/^ts=\d+,v1=[0-9a-f]{64}$/) });
      // The simulator's deliveries were all acknowledged with 200 at the first attempt.
      const sent = await mpSimDeliveries(info, paid.paymentId);
      expect(sent.length).toBeGreaterThanOrEqual(2);
      expect(sent.map((d) => d.attempts.map((a) => a.status))).toEqual(sent.map(() => [200]));
    });

    it('a redelivery after processing is acknowledged and changes nothing', async () => {
      const before = await rows(t, { gateway: 'mercadopago', resourceId: paid.paymentId });
      const paidAt = (await getOrder(c, paid.orderId)).paid_at;
      const sent = await mpSimDeliveries(info, paid.paymentId);
      for (const d of sent) {
        const res = await post(d.url, d.body, mpSigned(secret, paid.paymentId));
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ received: true });
      }
      const after = await rows(t, { gateway: 'mercadopago', resourceId: paid.paymentId });
      expect(after.map((r) => [r.id, r.status, r.result])).toEqual(before.map((r) => [r.id, r.status, r.result]));
      for (const r of after) expect(await jobsWithKey(t, `webhook:mercadopago:${r.eventKey}`)).toHaveLength(1);
      expect((await getOrder(c, paid.orderId)).paid_at).toBe(paidAt);
    });

    it('a forged signature is refused with 401 invalid_signature and nothing is stored', async () => {
      const notificationId = Date.now();
      const body = JSON.stringify({ id: notificationId, type: 'payment', action: 'payment.updated', date_created: new Date().toISOString(), data: { id: paid.paymentId } });
      const url = `${t.url}/webhooks/mercadopago?data.id=${paid.paymentId}&type=payment`;
      const attempts: Record<string, string>[] = [
        mpSigned('not-the-secret', paid.paymentId),
        // Signed for another payment id than the one in the query string.
        mpSigned(secret, '999999'),
        { 'x-request-id': randomUUID() },
        { 'x-signature': 'v1=abc', 'x-request-id': randomUUID() },
      ];
      for (const headers of attempts) {
        const res = await t.http.post(url.slice(t.url.length)).set(headers).send(JSON.parse(body) as object);
        expectProblem(res, 401, 'invalid_signature');
      }
      expect(await rows(t, { gateway: 'mercadopago', eventKey: `mp:${notificationId}` })).toEqual([]);
    });

    it('a stale ts is refused; a fresh one in seconds or milliseconds is accepted', async () => {
      const paymentId = String(900_000_000 + Math.floor(Math.random() * 1_000_000));
      const notification = (id: number) => JSON.stringify({ id, type: 'payment', action: 'payment.updated', data: { id: paymentId } });
      const url = `${t.url}/webhooks/mercadopago?data.id=${paymentId}&type=payment`;
      const tenMinutesAgo = Date.now() - 10 * 60_000;
      const stale = await post(url, notification(1), mpSigned(secret, paymentId, String(Math.floor(tenMinutesAgo / 1000))));
      expect(stale.status).toBe(401);
      expect(stale.body.code).toBe('invalid_signature');
      const staleMs = await post(url, notification(2), mpSigned(secret, paymentId, String(tenMinutesAgo)));
      expect(staleMs.status).toBe(401);
      const future = await post(url, notification(3), mpSigned(secret, paymentId, String(Math.floor(Date.now() / 1000) + 600)));
      expect(future.status).toBe(401);
      expect(await rows(t, { gateway: 'mercadopago', resourceId: paymentId })).toEqual([]);

      const fresh = await post(url, notification(4), mpSigned(secret, paymentId, String(Date.now())));
      expect(fresh.status).toBe(200);
      // An unknown payment is kept for matching (reconciliation), not dropped.
      const kept = await waitUntil('the unknown payment to be marked unmatched', async () => {
        const [row] = await rows(t, { gateway: 'mercadopago', resourceId: paymentId });
        return row?.status === 'unmatched' ? row : null;
      });
      expect(kept).toMatchObject({ verified: true, eventKey: 'mp:4', chargeId: null });
      expect(kept.result).toContain(paymentId);
    });
  });

  describe('Culqi', () => {
    it('events Culqi sends are stored verified; one announcing the outcome we already hold needs no re-fetch', async () => {
      const orderId = await createOrder(c);
      const paid = await payWithCulqi(c, info, orderId);
      const chr = paid.gateway_charge_id as string;
      const row = await waitUntil('the charge.creation.succeeded delivery to be processed', async () => {
        const [found] = await rows(t, { gateway: 'culqi', resourceId: chr });
        return found?.status === 'processed' ? found : null;
      });
      expect(row).toMatchObject({ verified: true, eventType: 'charge.creation.succeeded', resourceType: 'charge', chargeId: paid.id });
      expect(row.eventKey).toMatch(/^evt_/);
      expect(row.result).toBe(`${paid.id as string} already succeeded: nothing to look up`);
      // Culqi was asked once (the charge itself), not a second time because of its own event.
      expect((await getCharge(c, paid.id as string)).gateway_calls.map((g) => g.operation)).toEqual(['create_charge']);
      // The Basic credentials are not kept; the body is redacted (e-mail masked, no token ids).
      expect(JSON.stringify(row.headers).toLowerCase()).not.toContain('authorization');
      expect(row.rawBody).not.toContain('ana@example.com');
      expect(row.rawBody).not.toMatch(/tkn_test_[A-Za-z0-9]/);
      const delivered = (await culqiSimDeliveries(info)).filter((d) => d.body.includes(chr));
      expect(delivered.every((d) => d.attempts[0]?.status === 200)).toBe(true);
    });

    it('an event that arrives while our own request still waits for Culqi settles the charge; the late answer does not undo it', async () => {
      const orderId = await createOrder(c);
      const token = await culqiCardToken(info, CULQI_VISA);
      // Culqi processes the charge and sends its event at once; its answer to us comes too late (timeout).
      await injectFault(info, 'culqi', { mode: 'timeout', latency_ms: 1_500, count: 1 });
      const res = await charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token } });
      expect(res.status).toBe(201);
      // Either our timeout committed `pending` first, or the event settled it first and our stale
      // answer was not written over it (the charges service commits only over `pending`).
      expect(['pending', 'succeeded']).toContain(res.body.status);
      await clearFault(info, 'culqi');
      const chargeId = res.body.id as string;
      await waitUntil('the charge to succeed', async () => (await getCharge(c, chargeId)).status === 'succeeded');
      expect((await getOrder(c, orderId)).status).toBe('paid');
      const [row] = await rows(t, { gateway: 'culqi', eventType: 'charge.creation.succeeded', chargeId });
      expect(row).toMatchObject({ status: 'processed', result: `${chargeId} pending → succeeded` });
      // Still succeeded once Culqi's late answer has come and gone.
      await new Promise((r) => setTimeout(r, 1_500));
      expect((await getCharge(c, chargeId)).status).toBe('succeeded');
      expect((await getOrder(c, orderId)).status).toBe('paid');
    });

    const culqiEvent = (type: string, data: Record<string, unknown>) =>
      JSON.stringify({ object: 'event', id: `evt_test_${randomBase62(16)}`, type, creation_date: Date.now(), data: JSON.stringify(data) });

    it('wrong or missing Basic credentials → 401 invalid_signature, nothing stored', async () => {
      const chr = `chr_test_${randomBase62(16)}`;
      const body = culqiEvent('charge.creation.succeeded', { object: 'charge', id: chr });
      const attempts: Record<string, string>[] = [{ authorization: basic(CULQI_USER, 'wrong') }, { authorization: basic('other', CULQI_PASSWORD) }, {}];
      for (const headers of attempts) {
        const res = await post(`${t.url}/webhooks/culqi`, body, headers);
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('invalid_signature');
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
      }
      expect(await rows(t, { gateway: 'culqi', resourceId: chr })).toEqual([]);
    });

    it('an unknown charge is kept as unmatched; other event kinds are ignored; a non-event is 400', async () => {
      const auth = { authorization: basic(CULQI_USER, CULQI_PASSWORD) };
      const chr = `chr_test_${randomBase62(16)}`;
      expect((await post(`${t.url}/webhooks/culqi`, culqiEvent('charge.creation.succeeded', { object: 'charge', id: chr, metadata: {} }), auth)).status).toBe(200);
      const unmatched = await waitUntil('the unknown charge to be marked unmatched', async () => {
        const [row] = await rows(t, { gateway: 'culqi', resourceId: chr });
        return row?.status === 'unmatched' ? row : null;
      });
      expect(unmatched.result).toContain(chr);

      const customer = `cus_test_${randomBase62(16)}`;
      expect((await post(`${t.url}/webhooks/culqi`, culqiEvent('customer.creation.succeeded', { object: 'customer', id: customer }), auth)).status).toBe(200);
      const [ignored] = await rows(t, { gateway: 'culqi', resourceId: customer });
      expect(ignored).toMatchObject({ status: 'ignored', resourceType: 'unknown' });
      expect(await jobsWithKey(t, `webhook:culqi:${ignored!.eventKey}`)).toEqual([]);

      const res = await t.http.post('/webhooks/culqi').set(auth).send({ hello: 'world' });
      expectProblem(res, 400, 'validation_error');
    });
  });
});

/** A loopback port nothing listens on: the simulators' own deliveries are refused there. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe(`gateway webhooks delivered ${COPIES}× concurrently, shuffled and out of order`, () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  let secret: string;
  let mp: { orderId: string; chargeId: string; paymentId: string };
  let mpEvents: SimDelivery[];
  let culqi: { orderId: string; chargeId: string; chr: string; event: string };
  let answers: number[];

  beforeAll(async () => {
    // The gateways notify an address nobody answers, so the copies sent below are the first to arrive
    // and really race for the INSERT; the GATEWAY_TIMEOUT_MS is short so a Culqi timeout costs little.
    ({ t, c, info } = await startSandboxApp({ ...WEBHOOK_ENV, GATEWAY_TIMEOUT_MS: '500', SMARTPAY_PUBLIC_URL: `http://127.0.0.1:${await closedPort()}` }));
    secret = info.mercadopago.webhook_secret;
    recordSecret(secret);

    // Mercado Pago: in_process, then approved; both notifications captured from the simulator.
    mp = await pendingMercadoPagoCharge(c, info);
    await approveAtMercadoPago(info, mp.paymentId);
    mpEvents = await waitUntil('both Mercado Pago notifications to be sent', async () => {
      const sent = await mpSimDeliveries(info, mp.paymentId);
      return sent.length === 2 && sent.every((d) => d.attempts.length > 0) ? sent : null;
    });
    expect(mpEvents.map((d) => (JSON.parse(d.body) as { action: string }).action).sort()).toEqual(['payment.created', 'payment.updated']);

    // Culqi: the answer to the charge POST is lost (timeout) after Culqi processed it → pending.
    const orderId = await createOrder(c);
    const token = await culqiCardToken(info, CULQI_VISA);
    await injectFault(info, 'culqi', { mode: 'timeout', latency_ms: 2_000, count: 1 });
    const pending = expectCharge(await charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token } }), 'pending');
    await clearFault(info, 'culqi');
    expect(pending.gateway_charge_id).toBeNull();
    const [held] = await waitUntil('Culqi to hold the charge', async () => {
      const found = await culqiChargesFor(info, pending.id as string);
      return found.length === 1 ? found : null;
    });
    const chr = held!.id as string;
    // Culqi sends no webhook here (no URL configured in its panel); its event log has the event it would send.
    const events = await fetch(`${info.culqi.base_url}/events?type=charge.creation.succeeded&limit=100`, { headers: { Authorization: `Bearer ${info.culqi.secret_key}` } });
    const event = ((await events.json()) as { data: { data: string }[] }).data.find((e) => (JSON.parse(e.data) as { id: string }).id === chr);
    expect(event).toBeDefined();
    culqi = { orderId, chargeId: pending.id as string, chr, event: JSON.stringify(event) };
    expect((await getOrder(c, orderId)).status).toBe('processing');

    // Every copy at once, in random order: each Mercado Pago retry is signed afresh, as Mercado Pago does.
    const local = (url: string) => `${t.url}${new URL(url).pathname}${new URL(url).search}`;
    const copies = shuffled([
      ...mpEvents.flatMap((d) => Array.from({ length: COPIES }, () => () => post(local(d.url), d.body, mpSigned(secret, mp.paymentId)))),
      ...Array.from({ length: COPIES }, () => () => post(`${t.url}/webhooks/culqi`, culqi.event, { authorization: basic(CULQI_USER, CULQI_PASSWORD) })),
    ]);
    answers = (await Promise.all(copies.map((send) => send()))).map((r) => r.status);
  });
  afterAll(async () => t?.close());

  it('every copy is acknowledged with 200', () => {
    expect(answers).toHaveLength(3 * COPIES);
    expect(answers.every((s) => s === 200)).toBe(true);
  });

  it('one delivery row and one job per distinct event', async () => {
    const mpRows = await rows(t, { gateway: 'mercadopago', resourceId: mp.paymentId });
    expect(mpRows.map((r) => r.eventKey).sort()).toEqual(mpEvents.map((d) => `mp:${(JSON.parse(d.body) as { id: number }).id}`).sort());
    const culqiRows = await rows(t, { gateway: 'culqi', resourceId: culqi.chr });
    expect(culqiRows).toHaveLength(1);
    expect(culqiRows[0]!.eventKey).toBe((JSON.parse(culqi.event) as { id: string }).id);
    for (const row of [...mpRows, ...culqiRows]) {
      expect(row.verified).toBe(true);
      expect(await jobsWithKey(t, `webhook:${row.gateway}:${row.eventKey}`)).toHaveLength(1);
    }
  });

  it('each job runs once and the state changes once: charges succeeded, orders paid', async () => {
    const settled = await waitUntil('every delivery to be processed', async () => {
      const all = [...(await rows(t, { gateway: 'mercadopago', resourceId: mp.paymentId })), ...(await rows(t, { gateway: 'culqi', resourceId: culqi.chr }))];
      return all.every((r) => r.status === 'processed') ? all : null;
    });
    for (const row of settled) {
      const [job] = await jobsWithKey(t, `webhook:${row.gateway}:${row.eventKey}`);
      expect(job).toMatchObject({ status: 'succeeded', attempts: 1 });
    }
    // Exactly one delivery moved each charge; the others found it already succeeded.
    const mpResults = settled.filter((r) => r.gateway === 'mercadopago').map((r) => r.result);
    expect(mpResults.filter((r) => r === `${mp.chargeId} pending → succeeded`)).toHaveLength(1);
    // The other one either found it succeeded or lost the conditional update to the first.
    expect(mpResults.filter((r) => r?.startsWith(`${mp.chargeId} unchanged (`))).toHaveLength(1);
    expect(settled.find((r) => r.gateway === 'culqi')!.result).toBe(`${culqi.chargeId} pending → succeeded`);

    expect(await getCharge(c, mp.chargeId)).toMatchObject({ status: 'succeeded', gateway_charge_id: mp.paymentId });
    // Found at Culqi by our charge id (its metadata), since the lost answer never told us Culqi's id.
    expect(await getCharge(c, culqi.chargeId)).toMatchObject({ status: 'succeeded', gateway_charge_id: culqi.chr });
    for (const orderId of [mp.orderId, culqi.orderId]) expect((await getOrder(c, orderId)).status).toBe('paid');
    // Money taken once at each gateway.
    expect(await culqiChargesFor(info, culqi.chargeId)).toHaveLength(1);
    expect(await mercadoPagoPaymentsFor(info, mp.chargeId)).toHaveLength(1);
  });

  it('a second burst after processing changes nothing', async () => {
    const before = [...(await rows(t, { gateway: 'mercadopago', resourceId: mp.paymentId })), ...(await rows(t, { gateway: 'culqi', resourceId: culqi.chr }))];
    const paidAt = await Promise.all([mp.orderId, culqi.orderId].map(async (id) => (await getOrder(c, id)).paid_at));
    const local = (url: string) => `${t.url}${new URL(url).pathname}${new URL(url).search}`;
    const again = await Promise.all(
      shuffled([
        ...mpEvents.map((d) => () => post(local(d.url), d.body, mpSigned(secret, mp.paymentId))),
        () => post(`${t.url}/webhooks/culqi`, culqi.event, { authorization: basic(CULQI_USER, CULQI_PASSWORD) }),
      ]).map((send) => send()),
    );
    expect(again.map((r) => r.status)).toEqual([200, 200, 200]);
    const after = [...(await rows(t, { gateway: 'mercadopago', resourceId: mp.paymentId })), ...(await rows(t, { gateway: 'culqi', resourceId: culqi.chr }))];
    expect(after.map((r) => [r.id, r.status, r.result, r.processedAt?.getTime()])).toEqual(before.map((r) => [r.id, r.status, r.result, r.processedAt?.getTime()]));
    expect(await Promise.all([mp.orderId, culqi.orderId].map(async (id) => (await getOrder(c, id)).paid_at))).toEqual(paidAt);
  });
});
