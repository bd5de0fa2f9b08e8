import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/common/ids';
import { OrderExpiryJob } from '../../src/orders/order-expiry.job';
import { bearer, startTestApp, type TestApp } from '../support/test-app';
import { sleep } from '../support/wait';

const HOUR_MS = 3_600_000;
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('orders', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    auth = bearer(t.apiKey);
  });
  afterAll(async () => t.close());

  /** A fresh tenant, so list assertions see only the orders of one test. */
  const tenant = async () => bearer((await t.newTenant()).apiKey);
  const createOrder = async (body: object, key: Record<string, string> = auth) => {
    const res = await t.http.post('/v1/orders').set(key).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; created_at: string; [k: string]: unknown };
  };
  const expectProblem = (res: { status: number; body: Record<string, unknown>; headers: Record<string, string> }, status: number, code: string, param?: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe(code);
    if (param !== undefined) expect(res.body.param).toBe(param);
  };

  describe('POST /v1/orders', () => {
    it('creates a PEN order with the documented defaults', async () => {
      const res = await t.http.post('/v1/orders').set(auth).send({ amount: 11800, currency: 'PEN', description: 'Plan Professional' });
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const o = res.body;
      expect(o.id).toMatch(/^ord_[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(o).toMatchObject({
        object: 'order',
        status: 'pending',
        amount: 11800,
        currency: 'PEN',
        amount_refunded: 0,
        amount_refundable: 0,
        description: 'Plan Professional',
        reference: null,
        customer_id: null,
        items: [],
        metadata: {},
        credit_package: null,
        gateway: null,
        latest_charge: null,
        invoice_id: null,
        paid_at: null,
        canceled_at: null,
      });
      expect(o.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(o.updated_at).toBe(o.created_at);
      // Default expiry is ORDER_TTL (24 h) after creation, to the millisecond.
      expect(Date.parse(o.expires_at) - Date.parse(o.created_at)).toBe(24 * HOUR_MS);
      expect(Math.abs(Date.parse(o.created_at) - Date.now())).toBeLessThan(60_000);
    });

    it('creates a USD order', async () => {
      const o = await createOrder({ amount: 5400, currency: 'USD' });
      expect(o).toMatchObject({ amount: 5400, currency: 'USD', status: 'pending' });
    });

    it('rejects a currency other than PEN/USD and non-integer or non-positive amounts', async () => {
      expectProblem(await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'EUR' }), 400, 'validation_error', 'currency');
      expectProblem(await t.http.post('/v1/orders').set(auth).send({ amount: 10.5, currency: 'PEN' }), 400, 'validation_error', 'amount');
      expectProblem(await t.http.post('/v1/orders').set(auth).send({ amount: 0, currency: 'PEN' }), 400, 'validation_error', 'amount');
      expectProblem(await t.http.post('/v1/orders').set(auth).send({ currency: 'PEN' }), 400, 'validation_error', 'amount');
    });

    it('accepts items adding up to the amount and rejects a mismatch on `items`', async () => {
      const items = [
        { description: 'Seat', quantity: 3, unit_amount: 2500 },
        { description: 'Setup', quantity: 1, unit_amount: 500 },
      ];
      const ok = await createOrder({ amount: 8000, currency: 'PEN', items });
      expect(ok.items).toEqual(items);

      const res = await t.http.post('/v1/orders').set(auth).send({ amount: 7999, currency: 'PEN', items });
      expectProblem(res, 400, 'validation_error', 'items');
      expect(res.body.errors).toEqual([expect.objectContaining({ param: 'items' })]);
    });

    /** Credits belong to a customer: a credit_package order needs one. */
    let buyers = 0;
    const buyer = async () => {
      const res = await t.http.post('/v1/customers').set(auth).send({ email: `package-buyer-${++buyers}@example.com` });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };

    it('prices a credit_package order from the catalogue in either currency', async () => {
      const customer_id = await buyer();
      const pen = await createOrder({ currency: 'PEN', credit_package: 'professional', customer_id });
      expect(pen).toMatchObject({ amount: 19900, currency: 'PEN', credit_package: 'professional', customer_id });
      expect(pen.items).toEqual([expect.objectContaining({ quantity: 1, unit_amount: 19900 })]);

      const usd = await createOrder({ currency: 'USD', credit_package: 'enterprise', customer_id });
      expect(usd).toMatchObject({ amount: 18900, currency: 'USD', credit_package: 'enterprise' });
      expect(usd.items).toEqual([expect.objectContaining({ quantity: 1, unit_amount: 18900 })]);
    });

    it('rejects an unknown credit_package, a contradicting amount, explicit items and a missing customer_id', async () => {
      const customer_id = await buyer();
      expectProblem(
        await t.http.post('/v1/orders').set(auth).send({ currency: 'PEN', credit_package: 'platinum', customer_id }),
        400,
        'unknown_credit_package',
        'credit_package',
      );
      expectProblem(
        await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN', credit_package: 'basic', customer_id }),
        400,
        'validation_error',
        'amount',
      );
      expectProblem(
        await t.http
          .post('/v1/orders')
          .set(auth)
          .send({ currency: 'PEN', credit_package: 'basic', customer_id, items: [{ description: 'x', quantity: 1, unit_amount: 4900 }] }),
        400,
        'validation_error',
        'items',
      );
      // Credits belong to a customer: an existing one (customer_id) or one found or created from `customer`.
      const res = await t.http.post('/v1/orders').set(auth).send({ currency: 'PEN', credit_package: 'basic' });
      expectProblem(res, 400, 'validation_error', 'customer_id');
      expect(res.body.errors).toEqual([{ param: 'customer_id', message: 'required with credit_package (or `customer`): credits belong to a customer' }]);
      const inline = await t.http.post('/v1/orders').set(auth).send({ currency: 'PEN', credit_package: 'basic', customer: { email: 'inline@example.com' } });
      expect(inline.status, JSON.stringify(inline.body)).toBe(201);
      expect(inline.body.customer_id).toMatch(/^cus_/);
    });

    it('answers 404 for a customer_id that is not a customer of the app (well-formed or not)', async () => {
      expectProblem(await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN', customer_id: newId('customer') }), 404, 'resource_not_found');
      expectProblem(await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN', customer_id: 'cus_nope' }), 404, 'resource_not_found');
    });

    it('links an existing customer by customer_id', async () => {
      const key = await tenant();
      const cus = await t.http.post('/v1/customers').set(key).send({ email: 'linked@example.com' });
      expect(cus.status).toBe(201);
      const o = await createOrder({ amount: 100, currency: 'PEN', customer_id: cus.body.id }, key);
      expect(o.customer_id).toBe(cus.body.id);
    });

    it('inline `customer` reuses the customer with the same e-mail (any case) and creates one otherwise', async () => {
      const key = await tenant();
      const existing = await t.http.post('/v1/customers').set(key).send({ email: 'Ana.Quispe@Example.com', name: 'Ana' });
      expect(existing.status).toBe(201);

      const reused = await createOrder({ amount: 100, currency: 'PEN', customer: { email: 'ana.quispe@EXAMPLE.COM' } }, key);
      expect(reused.customer_id).toBe(existing.body.id);

      const fresh = await createOrder(
        { amount: 100, currency: 'PEN', customer: { email: 'luis@example.com', name: 'Luis', document: { type: 'DNI', number: '45678912' } } },
        key,
      );
      expect(fresh.customer_id).toMatch(/^cus_/);
      expect(fresh.customer_id).not.toBe(existing.body.id);
      const created = await t.http.get(`/v1/customers/${fresh.customer_id as string}`).set(key);
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ email: 'luis@example.com', name: 'Luis', document: { type: 'DNI', number: '45678912' } });

      // A second order with the new e-mail reuses it too: the app still has exactly two customers.
      const again = await createOrder({ amount: 100, currency: 'PEN', customer: { email: 'LUIS@example.com' } }, key);
      expect(again.customer_id).toBe(fresh.customer_id);
      const all = await t.http.get('/v1/customers').set(key);
      expect(all.body.data).toHaveLength(2);
    });

    it('rejects customer_id together with customer, and an invalid inline document', async () => {
      expectProblem(
        await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN', customer_id: newId('customer'), customer: { email: 'a@example.com' } }),
        400,
        'validation_error',
        'customer',
      );
      expectProblem(
        await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN', customer: { email: 'a@example.com', document: { type: 'DNI', number: '123' } } }),
        400,
        'validation_error',
        'customer.document.number',
      );
    });

    it('enforces the metadata limits: 20 keys, 40-char keys, 500-char values', async () => {
      const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
      const ok = await createOrder({ amount: 100, currency: 'PEN', metadata: { ...keys(19), ['k'.repeat(40)]: 'x'.repeat(500) } });
      expect(Object.keys(ok.metadata as object)).toHaveLength(20);
      expect((ok.metadata as Record<string, string>)['k'.repeat(40)]).toBe('x'.repeat(500));

      const tooMany = await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN', metadata: keys(21) });
      expectProblem(tooMany, 400, 'validation_error', 'metadata');

      const longKey = await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN', metadata: { ['k'.repeat(41)]: 'v' } });
      expect(longKey.status).toBe(400);
      expect(longKey.body.code).toBe('validation_error');
      expect(longKey.body.param).toMatch(/^metadata/);

      const longValue = await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN', metadata: { note: 'x'.repeat(501) } });
      expectProblem(longValue, 400, 'validation_error', 'metadata.note');

      const notString = await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN', metadata: { n: 5 } });
      expectProblem(notString, 400, 'validation_error', 'metadata.n');
    });

    it('accepts a future expires_at and rejects a past one or one beyond 90 days', async () => {
      const at = inMs(2 * HOUR_MS);
      const o = await createOrder({ amount: 100, currency: 'PEN', expires_at: at });
      expect(o.expires_at).toBe(at);
      expectProblem(await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN', expires_at: inMs(-60_000) }), 400, 'validation_error', 'expires_at');
      expectProblem(await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN', expires_at: inMs(91 * 24 * HOUR_MS) }), 400, 'validation_error', 'expires_at');
      expectProblem(await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN', expires_at: 'tomorrow' }), 400, 'validation_error', 'expires_at');
    });

    it('rejects unknown fields by name and card numbers anywhere in the body', async () => {
      const unknown = await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN', colour: 'red' });
      expectProblem(unknown, 400, 'validation_error', 'colour');
      const card = await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN', metadata: { note: 'pay with 4111 1111 1111 1111' } });
      expectProblem(card, 400, 'card_data_not_allowed', 'metadata.note');
      expect(JSON.stringify(card.body)).not.toContain('4111');
    });

    it('answers a duplicate reference with 409 naming the existing order', async () => {
      const first = await createOrder({ amount: 100, currency: 'PEN', reference: 'smartlite-inv-000123' });
      expect(first.reference).toBe('smartlite-inv-000123');
      const dup = await t.http.post('/v1/orders').set(auth).send({ amount: 999, currency: 'USD', reference: 'smartlite-inv-000123' });
      expectProblem(dup, 409, 'duplicate_reference', 'reference');
      expect(dup.body.detail).toContain(first.id);
    });
  });

  describe('GET /v1/orders/{id}', () => {
    it('returns the order as created', async () => {
      const o = await createOrder({ amount: 4200, currency: 'PEN', metadata: { plan: 'pro' } });
      const res = await t.http.get(`/v1/orders/${o.id}`).set(auth);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(o);
    });

    it('answers malformed and unknown ids with 404 resource_not_found', async () => {
      for (const id of ['nope', 'ord_123', `cus_${newId('order').slice(4)}`, newId('order'), 'ord_%27%20OR%201%3D1']) {
        expectProblem(await t.http.get(`/v1/orders/${id}`).set(auth), 404, 'resource_not_found');
      }
    });
  });

  describe('GET /v1/orders', () => {
    it('lists newest first with the list envelope', async () => {
      const key = await tenant();
      const made = [];
      for (let i = 0; i < 3; i++) made.push(await createOrder({ amount: 100 + i, currency: 'PEN' }, key));
      const res = await t.http.get('/v1/orders').set(key);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
      expect(res.body.data.map((o: { id: string }) => o.id)).toEqual(made.map((o) => o.id).reverse());
    });

    it('filters by status, customer_id, reference and creation time', async () => {
      const key = await tenant();
      const cus = await t.http.post('/v1/customers').set(key).send({ email: 'filter@example.com' });
      const a = await createOrder({ amount: 100, currency: 'PEN', reference: 'ref-a' }, key);
      await sleep(15);
      const b = await createOrder({ amount: 200, currency: 'PEN', reference: 'ref-b', customer_id: cus.body.id }, key);
      await sleep(15);
      const c = await createOrder({ amount: 300, currency: 'USD', customer_id: cus.body.id }, key);
      expect((await t.http.post(`/v1/orders/${c.id}/cancel`).set(key)).status).toBe(200);

      const ids = async (query: string) => {
        const res = await t.http.get(`/v1/orders?${query}`).set(key);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body.data.map((o: { id: string }) => o.id);
      };
      expect(await ids('status=canceled')).toEqual([c.id]);
      expect(await ids('status=pending')).toEqual([b.id, a.id]);
      expect(await ids('status=paid')).toEqual([]);
      expect(await ids(`customer_id=${cus.body.id}`)).toEqual([c.id, b.id]);
      expect(await ids('reference=ref-b')).toEqual([b.id]);
      expect(await ids('reference=ref-zzz')).toEqual([]);
      expect(await ids(`customer_id=${cus.body.id}&status=pending`)).toEqual([b.id]);
      // Both bounds are inclusive.
      const at = (o: { created_at: string }) => encodeURIComponent(o.created_at);
      expect(await ids(`created_from=${at(b)}`)).toEqual([c.id, b.id]);
      expect(await ids(`created_to=${at(b)}`)).toEqual([b.id, a.id]);
      expect(await ids(`created_from=${at(b)}&created_to=${at(b)}`)).toEqual([b.id]);
      expect(await ids(`created_from=${encodeURIComponent(inMs(HOUR_MS))}`)).toEqual([]);
    });

    it('pages with a cursor over more orders than the limit, without gaps or duplicates', async () => {
      const key = await tenant();
      const made: string[] = [];
      for (let i = 0; i < 23; i++) made.push((await createOrder({ amount: 100 + i, currency: 'PEN' }, key)).id);
      const expected = [...made].reverse();

      const seen: string[] = [];
      const pages: { n: number; has_more: boolean; cursor: string | null }[] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await t.http
          .get('/v1/orders')
          .query({ limit: 10, ...(cursor ? { cursor } : {}) })
          .set(key);
        expect(res.status).toBe(200);
        seen.push(...res.body.data.map((o: { id: string }) => o.id));
        cursor = res.body.next_cursor;
        pages.push({ n: res.body.data.length, has_more: res.body.has_more, cursor });
      } while (cursor !== null && pages.length < 10);

      expect(seen).toEqual(expected);
      expect(pages.map((p) => [p.n, p.has_more, p.cursor !== null])).toEqual([
        [10, true, true],
        [10, true, true],
        [3, false, false],
      ]);

      // Exactly `limit` rows left: has_more must be false, not a trailing empty page.
      const res = await t.http.get('/v1/orders').query({ limit: 23 }).set(key);
      expect(res.body).toMatchObject({ has_more: false, next_cursor: null });
      expect(res.body.data).toHaveLength(23);
      // Default limit is 20.
      expect((await t.http.get('/v1/orders').set(key)).body.data).toHaveLength(20);
    });

    it('rejects a garbage cursor, a cursor of another list, bad limits and unknown parameters', async () => {
      expectProblem(await t.http.get('/v1/orders?cursor=garbage!!').set(auth), 400, 'validation_error', 'cursor');
      const customerCursor = Buffer.from(newId('customer')).toString('base64url');
      expectProblem(await t.http.get(`/v1/orders?cursor=${customerCursor}`).set(auth), 400, 'validation_error', 'cursor');
      expectProblem(await t.http.get('/v1/orders?limit=0').set(auth), 400, 'validation_error', 'limit');
      expectProblem(await t.http.get('/v1/orders?limit=101').set(auth), 400, 'validation_error', 'limit');
      expectProblem(await t.http.get('/v1/orders?limit=abc').set(auth), 400, 'validation_error', 'limit');
      expect((await t.http.get('/v1/orders?limit=100').set(auth)).status).toBe(200);
      expect((await t.http.get('/v1/orders?limit=1').set(auth)).status).toBe(200);
      expectProblem(await t.http.get('/v1/orders?sort=asc').set(auth), 400, 'validation_error', 'sort');
      expectProblem(await t.http.get('/v1/orders?status=lost').set(auth), 400, 'validation_error', 'status');
      expectProblem(await t.http.get('/v1/orders?created_from=yesterday').set(auth), 400, 'validation_error', 'created_from');
      expectProblem(await t.http.get('/v1/orders?status=paid&status=pending').set(auth), 400, 'validation_error', 'status');
    });
  });

  describe('POST /v1/orders/{id}/cancel', () => {
    it('cancels a pending order once; a second cancel is 409 order_not_cancelable', async () => {
      const o = await createOrder({ amount: 100, currency: 'PEN' });
      const res = await t.http.post(`/v1/orders/${o.id}/cancel`).set(auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: o.id, status: 'canceled', suggested_gateway: null });
      expect(res.body.canceled_at).toMatch(/Z$/);
      expect(Date.parse(res.body.canceled_at)).toBeGreaterThanOrEqual(Date.parse(o.created_at));
      expect(res.body.updated_at).toBe(res.body.canceled_at);
      expect((await t.http.get(`/v1/orders/${o.id}`).set(auth)).body).toEqual(res.body);

      const again = await t.http.post(`/v1/orders/${o.id}/cancel`).set(auth);
      expectProblem(again, 409, 'order_not_cancelable');
      expect((await t.http.get(`/v1/orders/${o.id}`).set(auth)).body.canceled_at).toBe(res.body.canceled_at);
    });

    it('answers 404 for malformed and unknown ids', async () => {
      expectProblem(await t.http.post('/v1/orders/nope/cancel').set(auth), 404, 'resource_not_found');
      expectProblem(await t.http.post(`/v1/orders/${newId('order')}/cancel`).set(auth), 404, 'resource_not_found');
    });
  });

  describe('OrderExpiryJob.runOnce', () => {
    it('expires due pending orders only, once, and leaves canceled and not-yet-due orders alone', async () => {
      const job = t.app.get(OrderExpiryJob);
      const due = await createOrder({ amount: 100, currency: 'PEN', expires_at: inMs(250) });
      const canceled = await createOrder({ amount: 100, currency: 'PEN', expires_at: inMs(250) });
      const later = await createOrder({ amount: 100, currency: 'PEN', expires_at: inMs(HOUR_MS) });
      const cancel = await t.http.post(`/v1/orders/${canceled.id}/cancel`).set(auth);
      expect(cancel.status).toBe(200);
      await sleep(400);

      expect(await job.runOnce()).toBe(1);
      expect(await job.runOnce()).toBe(0);

      const expired = (await t.http.get(`/v1/orders/${due.id}`).set(auth)).body;
      expect(expired).toMatchObject({ status: 'expired', canceled_at: null, suggested_gateway: null });
      expect(Date.parse(expired.updated_at)).toBeGreaterThanOrEqual(Date.parse(due.expires_at as string));
      expect((await t.http.get(`/v1/orders/${canceled.id}`).set(auth)).body).toEqual(cancel.body);
      expect((await t.http.get(`/v1/orders/${later.id}`).set(auth)).body.status).toBe('pending');

      // An expired order can no longer be canceled.
      expectProblem(await t.http.post(`/v1/orders/${due.id}/cancel`).set(auth), 409, 'order_not_cancelable');
    });
  });
});

describe('order expiry on schedule (ORDER_EXPIRY_INTERVAL=1s)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ORDER_EXPIRY_INTERVAL: '1s' });
  });
  afterAll(async () => t.close());

  it('expires a pending order after expires_at without touching a canceled one', async () => {
    const auth = bearer(t.apiKey);
    const post = async (body: object) => (await t.http.post('/v1/orders').set(auth).send(body)).body as { id: string };
    const pending = await post({ amount: 100, currency: 'PEN', expires_at: inMs(1500) });
    const canceled = await post({ amount: 100, currency: 'PEN', expires_at: inMs(1500) });
    const untouched = await post({ amount: 100, currency: 'PEN' });
    const cancel = await t.http.post(`/v1/orders/${canceled.id}/cancel`).set(auth);
    expect(cancel.status).toBe(200);

    // Bounded wait: 1.5 s until due plus at most one 1 s tick, with slack for a busy machine.
    const deadline = Date.now() + 8_000;
    let status = 'pending';
    while (Date.now() < deadline) {
      status = (await t.http.get(`/v1/orders/${pending.id}`).set(auth)).body.status;
      if (status !== 'pending') break;
      await sleep(200);
    }
    expect(status).toBe('expired');
    expect((await t.http.get(`/v1/orders/${canceled.id}`).set(auth)).body).toEqual(cancel.body);
    expect((await t.http.get(`/v1/orders/${untouched.id}`).set(auth)).body.status).toBe('pending');
  });
});
