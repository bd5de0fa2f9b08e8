/**
 * Issue 9 acceptance (webhooks to client apps): one `order.paid` per payment and one delivery per
 * subscribed endpoint, verified with the `standardwebhooks` library; an endpoint that fails and
 * recovers gets the event under the same `webhook-id`; duplicated gateway webhooks and replayed
 * requests add no event; an exhausted schedule disables the endpoint; rotation signs with both secrets.
 */
import { MikroORM } from '@mikro-orm/core';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventDelivery } from '../../src/webhooks/event-delivery.entity';
import { createOrder, CULQI_VISA, expectCharge, expectProblem, payWithCulqi, type Client } from '../support/charge-fixtures';
import { culqiCardToken, type SandboxInfo } from '../support/sandbox-client';
import { startSandboxApp } from '../support/sandbox-app';
import { bearer, type TestApp } from '../support/test-app';
import { until } from '../support/wait';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver';

/** Short retries so a suite can watch a whole schedule: 4 retries of ~150 ms. */
const RETRY_SCHEDULE = '150ms,150ms,150ms,150ms';

describe('webhooks to client apps', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp({ SMARTPAY_WEBHOOK_RETRY_SCHEDULE: RETRY_SCHEDULE, EVENTS_DISPATCH_INTERVAL: '50ms', JOBS_POLL_INTERVAL: '50ms' }));
    receiver = await startWebhookReceiver();
    // Culqi has one webhook URL per account (its panel): SmartPay's inbox.
    const culqiTarget = await fetch(`${info.control_url}/culqi/_webhook`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: `${t.url}/webhooks/culqi` }) });
    expect(culqiTarget.status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });
  afterEach(async () => {
    // Each test starts with no endpoints, so deliveries of one cannot reach the next one's receiver.
    const list = await t.http.get('/v1/webhook-endpoints').set(bearer(c.key));
    for (const e of list.body.data as { id: string }[]) await t.http.delete(`/v1/webhook-endpoints/${e.id}`).set(bearer(c.key));
  });

  async function endpoint(events: string[] = ['order.paid'], url = receiver.url): Promise<{ id: string; secret: string }> {
    const res = await t.http.post('/v1/webhook-endpoints').set(bearer(c.key)).send({ url, events, description: 'test receiver' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { id: res.body.id as string, secret: res.body.secret as string };
  }

  async function eventsOf(type: string, orderId: string): Promise<Record<string, unknown>[]> {
    const res = await t.http.get(`/v1/events?type=${type}&limit=100`).set(bearer(c.key));
    expect(res.status).toBe(200);
    return (res.body.data as { data: { id: string } }[]).filter((e) => e.data.id === orderId);
  }

  const verify = (secret: string, w: ReceivedWebhook): Record<string, unknown> =>
    new Webhook(secret).verify(w.body, w.headers as Record<string, string>) as Record<string, unknown>;

  it('creates an endpoint with a whsec_ secret shown once; lists and reads it without', async () => {
    const res = await t.http.post('/v1/webhook-endpoints').set(bearer(c.key)).send({ url: receiver.url, events: ['order.paid', 'refund.succeeded'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ object: 'webhook_endpoint', url: receiver.url, events: ['order.paid', 'refund.succeeded'], status: 'enabled' });
    expect(res.body.id).toMatch(/^we_/);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const read = await t.http.get(`/v1/webhook-endpoints/${res.body.id}`).set(bearer(c.key));
    expect(read.status).toBe(200);
    expect(read.body.secret).toBeUndefined();
    const list = await t.http.get('/v1/webhook-endpoints').set(bearer(c.key));
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret);
    // The secret is stored encrypted, never as given.
    const rows = (await t.app.get(MikroORM).em.fork().getConnection().execute('select secret_ciphertext from webhook_endpoints')) as { secret_ciphertext: string }[];
    expect(rows.map((r) => r.secret_ciphertext).join()).not.toContain((res.body.secret as string).slice(6));
  });

  it('refuses malformed endpoints with validation_error', async () => {
    for (const body of [
      { url: 'ftp://example.com/hook', events: ['order.paid'] },
      { url: receiver.url, events: [] },
      { url: receiver.url, events: ['order.shipped'] },
      { url: receiver.url, events: ['*', 'order.paid'] },
      { url: receiver.url, events: ['order.paid', 'order.paid'] },
      { url: receiver.url, events: ['order.paid'], colour: 'red' },
    ]) {
      const res = await t.http.post('/v1/webhook-endpoints').set(bearer(c.key)).send(body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(['validation_error', 'webhook_url_not_allowed']).toContain(res.body.code);
    }
    const creds = await t.http.post('/v1/webhook-endpoints').set(bearer(c.key)).send({ url: 'https://user:pw@example.com/hook', events: ['order.paid'] });
    expectProblem(creds, 400, 'webhook_url_not_allowed');
  });

  it('a payment produces exactly one order.paid and one signed delivery per subscribed endpoint', async () => {
    const first = await endpoint(['order.paid']);
    const second = await endpoint(['*']);
    const unsubscribed = await endpoint(['refund.succeeded']);
    const orderId = await createOrder(c);
    await payWithCulqi(c, info, orderId);

    const [event] = await until(() => eventsOf('order.paid', orderId), (e) => e.length > 0, 10_000, 'the order.paid event');
    const eventId = (event as { id: string }).id;
    const deliveries = await until(() => Promise.resolve(receiver.deliveriesOf(eventId)), (d) => d.length >= 2, 10_000, 'two deliveries');
    expect(deliveries).toHaveLength(2);
    // Each delivery verifies with its own endpoint's secret (and only with it).
    const verified = deliveries.map((d) => {
      for (const secret of [first.secret, second.secret]) {
        try {
          return { secret, payload: verify(secret, d) };
        } catch {
          /* the other endpoint's delivery */
        }
      }
      throw new Error('a delivery verified with neither secret');
    });
    expect(new Set(verified.map((v) => v.secret)).size).toBe(2);
    expect(() => verify(unsubscribed.secret, deliveries[0]!)).toThrow();
    for (const { payload } of verified) {
      expect(payload).toMatchObject({ id: eventId, type: 'order.paid', data: { id: orderId, object: 'order', status: 'paid', amount: 11800, currency: 'PEN' } });
      expect((payload.data as { latest_charge: { status: string } }).latest_charge.status).toBe('succeeded');
    }
    expect(deliveries[0]!.headers['content-type']).toMatch(/^application\/json/);
    expect(Number(deliveries[0]!.headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -2);

    // Still exactly one event for the order after everything settled, and the event shows its deliveries.
    const detail = await until(
      async () => (await t.http.get(`/v1/events/${eventId}`).set(bearer(c.key))).body,
      (b) => (b.deliveries as { status: string }[]).filter((d) => d.status === 'succeeded').length === 2,
      10_000,
      'both deliveries succeeded',
    );
    expect(await eventsOf('order.paid', orderId)).toHaveLength(1);
    expect(detail.deliveries.map((d: { endpoint_id: string }) => d.endpoint_id).sort()).toEqual([first.id, second.id].sort());
    for (const d of detail.deliveries) expect(d.attempts).toMatchObject([{ attempt: 1, trigger: 'automatic', status_code: 200, succeeded: true, response_excerpt: 'ok' }]);
  });

  it('an endpoint that fails 3 times then recovers gets the event under the same webhook-id; every attempt is logged', async () => {
    const ep = await endpoint(['order.paid']);
    receiver.failNext(3, 503);
    const orderId = await createOrder(c);
    await payWithCulqi(c, info, orderId);
    const [event] = await until(() => eventsOf('order.paid', orderId), (e) => e.length > 0, 10_000, 'the event');
    const eventId = (event as { id: string }).id;
    const attempts = await until(() => Promise.resolve(receiver.deliveriesOf(eventId)), (d) => d.some((x) => x.status === 200), 15_000, 'a successful attempt');
    expect(attempts.map((a) => a.status)).toEqual([503, 503, 503, 200]);
    expect(new Set(attempts.map((a) => a.headers['webhook-id']))).toEqual(new Set([eventId]));
    for (const a of attempts) expect(verify(ep.secret, a)).toMatchObject({ id: eventId });
    // Retried on the schedule, not at once: each gap is at least the schedule's delay minus its jitter.
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]!.at - attempts[i - 1]!.at).toBeGreaterThanOrEqual(100);
    const detail = await until(
      async () => (await t.http.get(`/v1/events/${eventId}`).set(bearer(c.key))).body,
      (b) => b.deliveries[0]?.status === 'succeeded',
      10_000,
      'the delivery recorded as succeeded',
    );
    expect(detail.deliveries[0]).toMatchObject({ status: 'succeeded', attempt_count: 4, last_status_code: 200 });
    expect(detail.deliveries[0].attempts.map((a: { status_code: number; succeeded: boolean }) => [a.status_code, a.succeeded])).toEqual([
      [503, false],
      [503, false],
      [503, false],
      [200, true],
    ]);
    expect(detail.deliveries[0].attempts[0].response_excerpt).toBe('receiver failing on purpose (503)');
  });

  it('an exhausted schedule fails the delivery and disables the endpoint, with its other pending deliveries canceled; re-enabling works', async () => {
    const ep = await endpoint(['order.paid']);
    receiver.failNext(1000, 500);
    const orderId = await createOrder(c);
    await payWithCulqi(c, info, orderId);
    const disabled = await until(
      async () => (await t.http.get(`/v1/webhook-endpoints/${ep.id}`).set(bearer(c.key))).body,
      (b) => b.status === 'disabled',
      20_000,
      'the endpoint disabled',
    );
    expect(disabled.disabled_reason).toMatch(/disabled after 5 failed attempts/);
    const [event] = await eventsOf('order.paid', orderId);
    const detail = (await t.http.get(`/v1/events/${(event as { id: string }).id}`).set(bearer(c.key))).body;
    expect(detail.deliveries[0]).toMatchObject({ status: 'failed', attempt_count: 5 });
    expect(receiver.deliveriesOf((event as { id: string }).id)).toHaveLength(5);

    // While disabled, new events do not go to it; a redelivery to it is refused until it is re-enabled.
    const refused = await t.http.post(`/v1/events/${(event as { id: string }).id}/redeliver`).set(bearer(c.key)).send({ endpoint_id: ep.id });
    expectProblem(refused, 409, 'webhook_endpoint_disabled');
    receiver.failNext(0);
    const enabled = await t.http.patch(`/v1/webhook-endpoints/${ep.id}`).set(bearer(c.key)).send({ status: 'enabled' });
    expect(enabled.body).toMatchObject({ status: 'enabled', disabled_reason: null });
    const again = await t.http.post(`/v1/events/${(event as { id: string }).id}/redeliver`).set(bearer(c.key)).send({ endpoint_id: ep.id });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ object: 'event_redelivery', deliveries: [{ endpoint_id: ep.id }] });
    const redelivered = await until(() => Promise.resolve(receiver.deliveriesOf((event as { id: string }).id)), (d) => d.some((x) => x.status === 200), 10_000, 'the redelivery');
    expect(redelivered.filter((x) => x.status === 200)).toHaveLength(1);
    const after = await until(
      async () => (await t.http.get(`/v1/events/${(event as { id: string }).id}`).set(bearer(c.key))).body,
      (b) => b.deliveries[0].status === 'succeeded',
      10_000,
      'the delivery succeeded',
    );
    expect(after.deliveries[0].attempts.at(-1)).toMatchObject({ trigger: 'manual', status_code: 200, attempt: 6 });
  });

  it('duplicated gateway webhooks and replayed requests add no event', async () => {
    await endpoint(['*']);
    const orderId = await createOrder(c);
    const token = await culqiCardToken(info, CULQI_VISA);
    const send = () =>
      t.http.post(`/v1/orders/${orderId}/charges`).set(bearer(c.key)).set('Idempotency-Key', `pay-${orderId}`).send({ gateway: 'culqi', source: { type: 'card_token', token } });
    const paid = expectCharge(await send(), 'succeeded');
    const replay = await send();
    expect(replay.headers['idempotent-replayed']).toBe('true');
    // The Culqi simulator's own charge.creation.succeeded event, delivered three more times.
    const events = (await (await fetch(`${info.control_url}/culqi/_webhooks`)).json()) as { data: { body: string }[] };
    const culqiEvent = events.data.map((d) => JSON.parse(d.body) as { type: string; data: string }).find((e) => e.type === 'charge.creation.succeeded' && e.data.includes(paid.gateway_charge_id as string));
    expect(culqiEvent).toBeDefined();
    for (let i = 0; i < 3; i++) {
      const res = await t.http.post('/webhooks/culqi').send(culqiEvent);
      expect(res.status).toBe(200);
    }
    const [event] = await until(() => eventsOf('order.paid', orderId), (e) => e.length > 0, 10_000, 'the event');
    await until(() => Promise.resolve(receiver.deliveriesOf((event as { id: string }).id)), (d) => d.length > 0, 10_000, 'the delivery');
    // Give the duplicates time to be processed; still one event and one delivery.
    const rows = await until(
      async () => (await t.app.get(MikroORM).em.fork().getConnection().execute("select status from gateway_webhooks where gateway = 'culqi'")) as { status: string }[],
      (r) => r.every((x) => x.status !== 'received'),
      10_000,
      'the Culqi webhooks processed',
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(await eventsOf('order.paid', orderId)).toHaveLength(1);
    expect(receiver.deliveriesOf((event as { id: string }).id)).toHaveLength(1);
  });

  it('after a rotation deliveries carry two signatures: the old secret and the new one both verify', async () => {
    const ep = await endpoint(['order.paid']);
    const rotated = await t.http.post(`/v1/webhook-endpoints/${ep.id}/rotate-secret`).set(bearer(c.key)).send({});
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(ep.secret);
    expect(new Date(rotated.body.previous_secret_expires_at as string).getTime() - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const orderId = await createOrder(c);
    await payWithCulqi(c, info, orderId);
    const [event] = await until(() => eventsOf('order.paid', orderId), (e) => e.length > 0, 10_000, 'the event');
    const [delivery] = await until(() => Promise.resolve(receiver.deliveriesOf((event as { id: string }).id)), (d) => d.length > 0, 10_000, 'the delivery');
    expect(String(delivery!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(ep.secret, delivery!)).toMatchObject({ id: (event as { id: string }).id });
    expect(verify(rotated.body.secret as string, delivery!)).toMatchObject({ id: (event as { id: string }).id });
    // A tampered body fails.
    expect(() => verify(rotated.body.secret as string, { ...delivery!, body: delivery!.body.replace('11800', '11801') })).toThrow();
  });

  it('lists events newest first with cursors and a type filter; another app sees none of them', async () => {
    const orders = [await createOrder(c), await createOrder(c), await createOrder(c)];
    for (const id of orders) await t.http.post(`/v1/orders/${id}/cancel`).set(bearer(c.key)).send();
    const page1 = await t.http.get('/v1/events?type=order.canceled&limit=2').set(bearer(c.key));
    expect(page1.status).toBe(200);
    expect(page1.body).toMatchObject({ object: 'list', has_more: true });
    expect(page1.body.data.map((e: { data: { id: string } }) => e.data.id)).toEqual([orders[2], orders[1]]);
    const page2 = await t.http.get(`/v1/events?type=order.canceled&limit=2&cursor=${page1.body.next_cursor}`).set(bearer(c.key));
    expect(page2.body.data[0].data.id).toBe(orders[0]);
    expect(page2.body.data[0]).toMatchObject({ object: 'event', type: 'order.canceled', data: { status: 'canceled' } });

    const other = await t.newTenant('Other');
    const theirs = await t.http.get('/v1/events').set(bearer(other.apiKey));
    expect(theirs.body.data).toEqual([]);
    const peek = await t.http.get(`/v1/events/${page1.body.data[0].id}`).set(bearer(other.apiKey));
    expectProblem(peek, 404, 'resource_not_found');
    expectProblem(await t.http.get('/v1/events?type=order.shipped').set(bearer(c.key)), 400, 'validation_error');
    expectProblem(await t.http.get('/v1/events/evt_nope').set(bearer(c.key)), 404, 'resource_not_found');
  });

  it('an endpoint receives only the events created after it; a redelivery sends an older one to it', async () => {
    const orderId = await createOrder(c);
    await t.http.post(`/v1/orders/${orderId}/cancel`).set(bearer(c.key)).send();
    const [old] = await until(() => eventsOf('order.canceled', orderId), (e) => e.length > 0, 10_000, 'the event');
    const oldId = (old as { id: string }).id;
    // Let the dispatcher hand the event over before the endpoint exists.
    await until(
      async () => (await t.app.get(MikroORM).em.fork().getConnection().execute('select dispatched_at from events where id = ?', [oldId])) as { dispatched_at: unknown }[],
      (r) => r[0]?.dispatched_at !== null,
      10_000,
      'the event dispatched',
    );
    const ep = await endpoint(['order.canceled']);
    const res = await t.http.post(`/v1/events/${oldId}/redeliver`).set(bearer(c.key)).send({});
    expect(res.status).toBe(202);
    expect(res.body.deliveries).toEqual([expect.objectContaining({ endpoint_id: ep.id, status: 'pending' })]);
    const got = await until(() => Promise.resolve(receiver.deliveriesOf(oldId)), (d) => d.length > 0, 10_000, 'the redelivered event');
    expect(verify(ep.secret, got[0]!)).toMatchObject({ id: oldId, type: 'order.canceled' });
  });

  it('deleting an endpoint cancels its pending deliveries', async () => {
    const ep = await endpoint(['order.paid']);
    receiver.failNext(1000, 500);
    const orderId = await createOrder(c);
    await payWithCulqi(c, info, orderId);
    const [event] = await until(() => eventsOf('order.paid', orderId), (e) => e.length > 0, 10_000, 'the event');
    await until(() => Promise.resolve(receiver.deliveriesOf((event as { id: string }).id)), (d) => d.length >= 1, 10_000, 'a first attempt');
    await t.http.delete(`/v1/webhook-endpoints/${ep.id}`).set(bearer(c.key));
    const delivery = await until(
      () => t.app.get(MikroORM).em.fork().findOneOrFail(EventDelivery, { eventId: (event as { id: string }).id, endpointId: ep.id }),
      (d) => d.status === 'canceled',
      10_000,
      'the delivery canceled',
    );
    expect(delivery.status).toBe('canceled');
    receiver.failNext(0);
    expectProblem(await t.http.get(`/v1/webhook-endpoints/${ep.id}`).set(bearer(c.key)), 404, 'resource_not_found');
  });
});
