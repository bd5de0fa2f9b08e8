/**
 * Issue 9, item 7 — refunds that settle themselves: a refund left `pending` by a gateway timeout, a 5xx
 * or a crash is looked up at its gateway (reconciliation, gateway webhooks) and settled exactly once
 * through one path: succeeded (the order partially_refunded / refunded) or, when the gateway never had
 * it, failed with its reserved amount released. Each settlement records one `refund.*` event.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MikroORM } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../src/common/secrets';
import { DomainEvent } from '../../src/events/domain-event.entity';
import { GatewayWebhook } from '../../src/gateway-webhooks/gateway-webhook.entity';
import { GatewayCall } from '../../src/gateways/http/gateway-call.entity';
import { RefundSyncService, type RefundSyncResult } from '../../src/refunds/refund-sync.service';
import { clientOf, createOrder, getOrder, payWithCulqi, payWithMercadoPago, type Client } from '../support/charge-fixtures';
import { clearFault, injectFault, type SandboxInfo } from '../support/sandbox-client';
import { bearer, type TestApp } from '../support/test-app';
import { recordSecret } from '../support/test-env';
import { until } from '../support/wait';
import { startSandboxApp } from '../support/sandbox-app';

type Json = Record<string, unknown>;

async function refund(c: Client, body: Json) {
  const res = await c.t.http.post('/v1/refunds').set(bearer(c.key)).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Json;
}

const getRefund = async (c: Client, id: string): Promise<Json> => (await c.t.http.get(`/v1/refunds/${id}`).set(bearer(c.key))).body as Json;

/** The `refund.*` events recorded for one refund (read from the table: the events API is not part of this work). */
const refundEvents = (t: TestApp, refundId: string) =>
  t.app.get(MikroORM).em.fork().find(DomainEvent, { resourceType: 'refund', resourceId: refundId }, { orderBy: { createdAt: 'asc' } });

/** The gateway calls logged for one refund. */
const refundCalls = (t: TestApp, refundId: string) => t.app.get(MikroORM).em.fork().find(GatewayCall, { refundId }, { orderBy: { createdAt: 'asc' } });

/** What the Culqi simulator really holds for one of our refunds (its own API: metadata.smartpay_refund_id). */
async function culqiRefundsFor(info: SandboxInfo, refundId: string): Promise<Json[]> {
  const res = await fetch(`${info.culqi.base_url}/refunds?limit=100`, { headers: { Authorization: `Bearer ${info.culqi.secret_key}` } });
  const data = ((await res.json()) as { data: Json[] }).data;
  return data.filter((r) => (r.metadata as Json | undefined)?.smartpay_refund_id === refundId);
}

async function mercadoPagoRefunds(info: SandboxInfo, paymentId: string): Promise<Json[]> {
  const res = await fetch(`${info.mercadopago.base_url}/v1/payments/${paymentId}/refunds`, { headers: { Authorization: `Bearer ${info.mercadopago.access_token}` } });
  return (await res.json()) as Json[];
}

async function setCulqiWebhook(info: SandboxInfo, target: Json): Promise<void> {
  const res = await fetch(`${info.control_url}/culqi/_webhook`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(target) });
  expect(res.status).toBe(200);
}

async function reconciliationRun(c: Client): Promise<Json> {
  const res = await c.t.http.post('/v1/reconciliation/runs').set(bearer(c.key)).send({});
  expect(res.status).toBe(202);
  return res.body as Json;
}

async function finishedRun(c: Client, runId: string): Promise<Json> {
  const run = await until(
    async () => (await c.t.http.get(`/v1/reconciliation/runs/${runId}`).set(bearer(c.key))).body as Json,
    (r) => r.status === 'completed' || r.status === 'failed',
  );
  expect(run.status).toBe('completed');
  return run;
}

/**
 * Stands between the Culqi simulator and SmartPay like a slow network: forwards the simulator's webhook
 * deliveries, but holds `refund.*` events until released, so a test decides when Culqi's refund event
 * reaches SmartPay (the simulator sends it while it processes the refund, before its answer to us).
 */
interface Relay {
  url: string;
  held(): number;
  /** Forwards every held delivery to SmartPay and waits for its answers; later ones pass straight through until hold(). */
  release(): Promise<void>;
  hold(): void;
  /** Answers the held deliveries 200 without forwarding them (an event that never reached SmartPay). */
  discard(): void;
  close(): Promise<void>;
}

async function startRelay(target: string): Promise<Relay> {
  let holding = true;
  const queue: { forward: () => Promise<void>; drop: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const forward = async () => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (req.headers.authorization) headers.authorization = req.headers.authorization;
        const answer = await fetch(target, { method: 'POST', headers, body });
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(await answer.text());
      };
      const drop = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      };
      if (holding && /"type":"refund\./.test(body)) queue.push({ forward, drop });
      else void forward();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    held: () => queue.length,
    release: async () => {
      holding = false;
      await Promise.all(queue.splice(0).map((held) => held.forward()));
    },
    hold: () => {
      holding = true;
    },
    discard: () => {
      for (const held of queue.splice(0)) held.drop();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

describe('pending refunds settled by reconciliation', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp({
      GATEWAY_TIMEOUT_MS: '400',
      RECONCILE_SCHEDULE: '1s,1s,2s',
      RECONCILE_TICK: '500ms',
      RECONCILE_NOT_FOUND_GRACE: '3s',
      JOBS_POLL_INTERVAL: '100ms',
      // Webhooks go nowhere here: only reconciliation may settle these refunds.
      SMARTPAY_PUBLIC_URL: 'http://127.0.0.1:9',
      // Faults must not open a circuit for the tests after them (the circuit is tested in failover.test.ts).
      CIRCUIT_BREAKER_THRESHOLD: '1000',
    }));
    await setCulqiWebhook(info, { url: null });
  });
  afterAll(async () => t?.close());

  it('a Culqi refund whose answer timed out (Culqi refunded) stays pending, then reconciliation finds it by our id → succeeded, once', async () => {
    const orderId = await createOrder(c, { amount: 11800 });
    await payWithCulqi(c, info, orderId);
    await injectFault(info, 'culqi', { mode: 'timeout', latency_ms: 1500, count: 1 });
    const created = await refund(c, { order_id: orderId, amount: 5000 });
    expect(created).toMatchObject({ status: 'pending', amount: 5000, gateway: 'culqi', gateway_refund_id: null, failure: null });
    const id = created.id as string;
    // The amount is reserved while the outcome is unknown; the order is not refunded yet.
    expect(await getOrder(c, orderId)).toMatchObject({ status: 'paid', amount_refunded: 5000, amount_refundable: 6800 });
    const atCulqi = await culqiRefundsFor(info, id);
    expect(atCulqi).toHaveLength(1);

    const settled = await until(() => getRefund(c, id), (r) => r.status !== 'pending');
    expect(settled).toMatchObject({ id, status: 'succeeded', gateway_refund_id: atCulqi[0]!.id, failure: null });
    expect(await getOrder(c, orderId)).toMatchObject({ status: 'partially_refunded', amount_refunded: 5000, amount_refundable: 6800 });
    const events = await refundEvents(t, id);
    expect(events.map((e) => e.type)).toEqual(['refund.succeeded']);
    expect(events[0]!.data).toEqual({ ...settled });
    expect(events[0]!.appId).toBe(t.appId);
    // One refund POST ever (Culqi has no idempotency key); the rest of the log is lookups.
    const calls = await refundCalls(t, id);
    expect(calls.filter((k) => k.operation === 'create_refund')).toHaveLength(1);
    expect(calls.filter((k) => k.operation === 'list_refunds').length).toBeGreaterThanOrEqual(1);
    expect(await culqiRefundsFor(info, id)).toHaveLength(1);
    await clearFault(info, 'culqi');
  });

  it('a Culqi 500 (nothing refunded) stays pending until the not-found grace passes, then fails and releases its amount', async () => {
    const orderId = await createOrder(c, { amount: 11800 });
    await payWithCulqi(c, info, orderId);
    await injectFault(info, 'culqi', { mode: 'http_500', count: 1 });
    const created = await refund(c, { order_id: orderId, amount: 4000 });
    expect(created).toMatchObject({ status: 'pending', amount: 4000 });
    const id = created.id as string;
    expect(await getOrder(c, orderId)).toMatchObject({ amount_refunded: 4000, amount_refundable: 7800 });

    const settled = await until(() => getRefund(c, id), (r) => r.status !== 'pending');
    expect(settled).toMatchObject({ id, status: 'failed', gateway_refund_id: null, failure: { code: null, message: expect.stringContaining('no record') } });
    expect(await culqiRefundsFor(info, id)).toHaveLength(0);
    // Released: the whole amount is refundable again.
    expect(await getOrder(c, orderId)).toMatchObject({ status: 'paid', amount_refunded: 0, amount_refundable: 11800 });
    const events = await refundEvents(t, id);
    expect(events.map((e) => e.type)).toEqual(['refund.failed']);
    expect(events[0]!.data).toMatchObject({ id, status: 'failed' });
    // Several lookups happened before the grace ran out.
    expect((await refundCalls(t, id)).filter((k) => k.operation === 'list_refunds').length).toBeGreaterThanOrEqual(2);

    const full = await refund(c, { order_id: orderId });
    expect(full).toMatchObject({ status: 'succeeded', amount: 11800 });
    expect(await getOrder(c, orderId)).toMatchObject({ status: 'refunded', amount_refunded: 11800, amount_refundable: 0 });
  });

  it('an order marked refunded while a refund was still pending becomes refundable again when that refund fails', async () => {
    const orderId = await createOrder(c, { amount: 11800 });
    await payWithCulqi(c, info, orderId);
    await injectFault(info, 'culqi', { mode: 'http_500', count: 1 });
    const pending = await refund(c, { order_id: orderId, amount: 5000 });
    expect(pending.status).toBe('pending');
    // The rest succeeds: the reservations add up to the amount, so the order reads `refunded`.
    expect(await refund(c, { order_id: orderId })).toMatchObject({ status: 'succeeded', amount: 6800 });
    expect(await getOrder(c, orderId)).toMatchObject({ status: 'refunded', amount_refunded: 11800, amount_refundable: 0 });

    const failed = await until(() => getRefund(c, pending.id as string), (r) => r.status !== 'pending');
    expect(failed.status).toBe('failed');
    expect(await getOrder(c, orderId)).toMatchObject({ status: 'partially_refunded', amount_refunded: 6800, amount_refundable: 5000 });
    expect(await refund(c, { order_id: orderId })).toMatchObject({ status: 'succeeded', amount: 5000 });
    expect(await getOrder(c, orderId)).toMatchObject({ status: 'refunded', amount_refunded: 11800, amount_refundable: 0 });
  });

  it('Mercado Pago timeouts on every retry → pending, then matched by amount and time → succeeded', async () => {
    const orderId = await createOrder(c, { amount: 11800 });
    const paymentId = (await payWithMercadoPago(c, info, orderId)).gateway_charge_id as string;
    // More timeouts than the adapter's attempts: every retry of the refund POST (same idempotency key)
    // is processed but unanswered. Cleared once the refund is pending, so the lookups get answers.
    await injectFault(info, 'mercadopago', { mode: 'timeout', latency_ms: 1500, count: 50 });
    const created = await refund(c, { order_id: orderId, amount: 5025 });
    await clearFault(info, 'mercadopago');
    expect(created).toMatchObject({ status: 'pending', amount: 5025, gateway: 'mercadopago', gateway_refund_id: null });
    const id = created.id as string;
    const atGateway = await mercadoPagoRefunds(info, paymentId);
    expect(atGateway).toHaveLength(1);

    const settled = await until(() => getRefund(c, id), (r) => r.status !== 'pending');
    expect(settled).toMatchObject({ status: 'succeeded', gateway_refund_id: String(atGateway[0]!.id) });
    expect(await getOrder(c, orderId)).toMatchObject({ status: 'partially_refunded', amount_refunded: 5025, amount_refundable: 6775 });
    expect((await refundEvents(t, id)).map((e) => e.type)).toEqual(['refund.succeeded']);
    expect(await mercadoPagoRefunds(info, paymentId)).toHaveLength(1);
  });

  it('two pending Mercado Pago refunds of one amount are matched to two different gateway refunds', async () => {
    const orderId = await createOrder(c, { amount: 11800 });
    const paymentId = (await payWithMercadoPago(c, info, orderId)).gateway_charge_id as string;
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      await injectFault(info, 'mercadopago', { mode: 'timeout', latency_ms: 1500, count: 50 });
      const created = await refund(c, { order_id: orderId, amount: 1000 });
      await clearFault(info, 'mercadopago');
      expect(created.status).toBe('pending');
      ids.push(created.id as string);
    }
    const atGateway = await mercadoPagoRefunds(info, paymentId);
    expect(atGateway.map((r) => r.amount)).toEqual([10, 10]);

    const settled = await until(
      () => Promise.all(ids.map((id) => getRefund(c, id))),
      (rs) => rs.every((r) => r.status !== 'pending'),
    );
    expect(settled.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(new Set(settled.map((r) => r.gateway_refund_id))).toEqual(new Set(atGateway.map((r) => String(r.id))));
    expect(await getOrder(c, orderId)).toMatchObject({ status: 'partially_refunded', amount_refunded: 2000 });
  });
});

const CULQI_USER = 'culqi-refund-hooks';
const CULQI_PASSWORD = randomBase62(24);
recordSecret(CULQI_PASSWORD);

describe('pending refunds settled by gateway webhooks', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  let relay: Relay;
  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp({
      CULQI_WEBHOOK_USER: CULQI_USER,
      CULQI_WEBHOOK_PASSWORD: CULQI_PASSWORD,
      GATEWAY_TIMEOUT_MS: '400',
      // No recurring lookups within a test: what settles these refunds is the webhook (or the test).
      RECONCILE_SCHEDULE: '1h',
      RECONCILE_NOT_FOUND_GRACE: '2s',
      JOBS_POLL_INTERVAL: '50ms',
      JOBS_RETRY_BASE: '200ms',
      CIRCUIT_BREAKER_THRESHOLD: '1000',
    }));
    relay = await startRelay(`${t.url}/webhooks/culqi`);
    await setCulqiWebhook(info, { url: relay.url, user: CULQI_USER, password: CULQI_PASSWORD });
  });
  afterAll(async () => {
    await relay?.close();
    await t?.close();
  });

  const webhookRows = (where: Partial<Pick<GatewayWebhook, 'gateway' | 'resourceId' | 'eventType'>>) =>
    t.app.get(MikroORM).em.fork().find(GatewayWebhook, where, { orderBy: { receivedAt: 'asc', id: 'asc' } });

  /**
   * Waits until Culqi's events about these resources were handled. Their handling looks the resource up
   * at Culqi in the background; a test about to inject a one-call fault waits for that first, so the
   * fault hits the call it is meant for and nothing else.
   */
  async function culqiEventsHandled(...resourceIds: string[]): Promise<void> {
    for (const resourceId of resourceIds) {
      const rows = await until(
        () => webhookRows({ gateway: 'culqi', resourceId }),
        (rs) => rs.length > 0 && rs.every((r) => r.status !== 'received'),
      );
      expect(rows.map((r) => r.status)).toEqual(['processed']);
    }
  }

  /** A Culqi refund left pending by a timeout, with Culqi's refund event held at the relay. */
  async function pendingCulqiRefund(client: Client, amount: number, refundAmount?: number): Promise<{ orderId: string; id: string; gatewayRefundId: string }> {
    const orderId = await createOrder(client, { amount });
    await culqiEventsHandled((await payWithCulqi(client, info, orderId)).gateway_charge_id as string);
    relay.discard();
    relay.hold();
    await injectFault(info, 'culqi', { mode: 'timeout', latency_ms: 1500, count: 1 });
    const created = await refund(client, { order_id: orderId, ...(refundAmount ? { amount: refundAmount } : {}) });
    expect(created).toMatchObject({ status: 'pending', gateway_refund_id: null });
    const id = created.id as string;
    const atCulqi = await culqiRefundsFor(info, id);
    expect(atCulqi).toHaveLength(1);
    expect(relay.held()).toBe(1);
    return { orderId, id, gatewayRefundId: atCulqi[0]!.id as string };
  }

  it("Culqi's refund.creation.succeeded settles a pending refund: found by our id in its metadata, re-fetched, succeeded", async () => {
    const { orderId, id, gatewayRefundId } = await pendingCulqiRefund(c, 2500);
    expect(await getOrder(c, orderId)).toMatchObject({ status: 'paid', amount_refunded: 2500 });
    await relay.release();

    const settled = await until(() => getRefund(c, id), (r) => r.status !== 'pending');
    expect(settled).toMatchObject({ status: 'succeeded', gateway_refund_id: gatewayRefundId });
    expect(await getOrder(c, orderId)).toMatchObject({ status: 'refunded', amount_refunded: 2500, amount_refundable: 0 });
    const rows = await until(
      () => webhookRows({ gateway: 'culqi', resourceId: gatewayRefundId }),
      (rs) => rs.length === 1 && rs[0]!.status !== 'received',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'processed', eventType: 'refund.creation.succeeded', resourceType: 'refund', verified: true, appId: t.appId, result: `${id} pending → succeeded` });
    expect((await refundEvents(t, id)).map((e) => e.type)).toEqual(['refund.succeeded']);
    // The webhook re-fetched the refund from Culqi (it never acts on the payload).
    expect((await refundCalls(t, id)).map((k) => k.operation)).toEqual(['create_refund', 'list_refunds']);
    await clearFault(info, 'culqi');
  });

  it('a redelivered refund event changes nothing', async () => {
    const delivered = ((await (await fetch(`${info.control_url}/culqi/_webhooks`)).json()) as { data: { event: string; body: string }[] }).data.find(
      (d) => d.event === 'refund.creation.succeeded',
    )!;
    const event = JSON.parse(delivered.body) as { data: string };
    const refundId = (JSON.parse(event.data) as { metadata: { smartpay_refund_id: string } }).metadata.smartpay_refund_id;
    const before = await getRefund(c, refundId);
    const res = await fetch(`${t.url}/webhooks/culqi`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${CULQI_USER}:${CULQI_PASSWORD}`).toString('base64')}` },
      body: delivered.body,
    });
    expect(res.status).toBe(200);
    expect(await getRefund(c, refundId)).toEqual(before);
    expect((await refundEvents(t, refundId)).map((e) => e.type)).toEqual(['refund.succeeded']);
  });

  it("Mercado Pago: the payment.updated a refund causes settles the charge's pending refund (after the charge sync)", async () => {
    const orderId = await createOrder(c, { amount: 11800 });
    const paymentId = (await payWithMercadoPago(c, info, orderId)).gateway_charge_id as string;
    // Every call times out while the refund is attempted: the refund POST (processed each time, one
    // refund thanks to the idempotency key) and the notification's lookups, which the job retries.
    await injectFault(info, 'mercadopago', { mode: 'timeout', latency_ms: 1500, count: 50 });
    const created = await refund(c, { order_id: orderId, amount: 3000 });
    expect(created).toMatchObject({ status: 'pending', gateway: 'mercadopago' });
    const id = created.id as string;
    await clearFault(info, 'mercadopago');
    const atGateway = await mercadoPagoRefunds(info, paymentId);
    expect(atGateway).toHaveLength(1);

    const settled = await until(() => getRefund(c, id), (r) => r.status !== 'pending');
    expect(settled).toMatchObject({ status: 'succeeded', gateway_refund_id: String(atGateway[0]!.id) });
    expect(await getOrder(c, orderId)).toMatchObject({ status: 'partially_refunded', amount_refunded: 3000, amount_refundable: 8800 });
    // Whichever of the payment's notifications was processed after the refund (payment.updated, or a
    // payment.created whose lookups the faults delayed) settled it; exactly one did.
    const rows = await until(
      () => webhookRows({ gateway: 'mercadopago', resourceId: paymentId }),
      (rs) => rs.some((r) => r.result?.includes(`${id} pending → succeeded`) ?? false),
    );
    expect(rows.map((r) => r.eventType)).toContain('payment.updated');
    const settling = rows.filter((r) => r.result?.includes(`${id} pending → succeeded`) ?? false);
    expect(settling).toHaveLength(1);
    expect(settling[0]).toMatchObject({ status: 'processed', verified: true, appId: t.appId });
    expect((await refundEvents(t, id)).map((e) => e.type)).toEqual(['refund.succeeded']);
  });

  it("POST /v1/reconciliation/runs settles the app's pending refunds now and counts them in checked / updated", async () => {
    const tenant = await t.newTenant('Refund run');
    recordSecret(tenant.apiKey);
    const other = clientOf(t, tenant.apiKey);
    const { orderId, id } = await pendingCulqiRefund(other, 3000);
    // Culqi's event is lost on the way: only the run can settle this refund.
    relay.discard();
    const run = await finishedRun(other, (await reconciliationRun(other)).id as string);
    expect(run).toMatchObject({ checked: 1, updated: 1, discrepancies: [] });
    expect(await getRefund(other, id)).toMatchObject({ status: 'succeeded' });
    expect(await getOrder(other, orderId)).toMatchObject({ status: 'refunded', amount_refunded: 3000 });
    expect((await refundEvents(t, id)).map((e) => e.type)).toEqual(['refund.succeeded']);
    // A second run finds nothing left to do.
    expect(await finishedRun(other, (await reconciliationRun(other)).id as string)).toMatchObject({ checked: 0, updated: 0 });
    await clearFault(info, 'culqi');
  });

  it('a webhook, a reconciliation run and direct syncs racing on one refund settle it once', async () => {
    const tenant = await t.newTenant('Refund race');
    recordSecret(tenant.apiKey);
    const other = clientOf(t, tenant.apiKey);
    const { orderId, id, gatewayRefundId } = await pendingCulqiRefund(other, 11800, 4000);
    const sync = t.app.get(RefundSyncService);

    const [, run, ...direct] = await Promise.all([relay.release(), reconciliationRun(other), ...Array.from({ length: 5 }, () => sync.sync(id))]);
    const finished = await finishedRun(other, run.id as string);
    const [row] = await until(
      () => webhookRows({ gateway: 'culqi', resourceId: gatewayRefundId }),
      (rs) => rs.length === 1 && rs[0]!.status !== 'received',
    );
    expect(row?.status).toBe('processed');

    const directUpdates = direct.filter((r) => r.outcome === 'updated').length;
    const webhookUpdates = row!.result === `${id} pending → succeeded` ? 1 : 0;
    // The tenant has nothing else: the run saw this refund or (settled before it started) nothing.
    expect(finished.checked as number).toBeLessThanOrEqual(1);
    expect(directUpdates + webhookUpdates + (finished.updated as number)).toBe(1);
    expect(await getRefund(other, id)).toMatchObject({ status: 'succeeded', gateway_refund_id: gatewayRefundId });
    expect(await getOrder(other, orderId)).toMatchObject({ status: 'partially_refunded', amount_refunded: 4000, amount_refundable: 7800 });
    expect((await refundEvents(t, id)).map((e) => e.type)).toEqual(['refund.succeeded']);
    expect(await culqiRefundsFor(info, id)).toHaveLength(1);
    await clearFault(info, 'culqi');
  });

  it('concurrent syncs failing a refund Culqi never had release its amount once', async () => {
    const tenant = await t.newTenant('Refund release race');
    recordSecret(tenant.apiKey);
    const other = clientOf(t, tenant.apiKey);
    const orderId = await createOrder(other, { amount: 11800 });
    const chr = (await payWithCulqi(other, info, orderId)).gateway_charge_id as string;
    relay.hold();
    const first = await refund(other, { order_id: orderId, amount: 8000 });
    expect(first).toMatchObject({ status: 'succeeded' });
    await culqiEventsHandled(chr);
    // The first refund's event (held) would only say what is already settled: it never arrives.
    relay.discard();
    await injectFault(info, 'culqi', { mode: 'http_500', count: 1 });
    const created = await refund(other, { order_id: orderId, amount: 3000 });
    expect(created.status).toBe('pending');
    const id = created.id as string;
    expect(await getOrder(other, orderId)).toMatchObject({ amount_refunded: 11000, amount_refundable: 800 });

    // Rounds of six concurrent syncs until the grace has passed and one of them fails the refund.
    const sync = t.app.get(RefundSyncService);
    const results: RefundSyncResult[] = [];
    await until(
      async () => {
        results.push(...(await Promise.all(Array.from({ length: 6 }, () => sync.sync(id)))));
        return results;
      },
      (rs) => rs.some((r) => r.outcome === 'updated'),
    );
    expect(results.filter((r) => r.outcome === 'updated')).toEqual([{ outcome: 'updated', from: 'pending', status: 'failed' }]);
    expect(await getRefund(other, id)).toMatchObject({ status: 'failed' });
    // Released once: 8000 stays refunded, 3800 refundable (twice would leave 5000 / 6800).
    expect(await getOrder(other, orderId)).toMatchObject({ status: 'partially_refunded', amount_refunded: 8000, amount_refundable: 3800 });
    expect((await refundEvents(t, id)).map((e) => e.type)).toEqual(['refund.failed']);
  });
});
