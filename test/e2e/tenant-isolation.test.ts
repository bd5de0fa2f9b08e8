import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app';

/**
 * Two tenants on one deployment: nothing of App B is visible or usable with App A's key, and
 * per-app uniqueness (reference, customer e-mail, Idempotency-Key) does not leak across apps.
 */
describe('tenant isolation', () => {
  let t: TestApp;
  let a: Record<string, string>;
  let b: Record<string, string>;
  let bCustomer: { id: string; email: string };
  let bOrder: { id: string };
  let bCustomerOrder: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    a = bearer((await t.newTenant('App A')).apiKey);
    b = bearer((await t.newTenant('App B')).apiKey);
    bCustomer = (await t.http.post('/v1/customers').set(b).send({ email: 'shared@example.com', name: 'B customer' })).body;
    bOrder = (await t.http.post('/v1/orders').set(b).send({ amount: 500, currency: 'PEN', reference: 'shared-ref' })).body;
    bCustomerOrder = (await t.http.post('/v1/orders').set(b).send({ amount: 700, currency: 'PEN', customer_id: bCustomer.id })).body;
    expect(bCustomer.id).toMatch(/^cus_/);
    expect(bOrder.id).toMatch(/^ord_/);
    expect(bCustomerOrder.id).toMatch(/^ord_/);
  });
  afterAll(async () => t.close());

  const expectNotFound = (res: { status: number; body: { code?: string } }) => {
    expect(res.status, JSON.stringify(res.body)).toBe(404);
    expect(res.body.code).toBe('resource_not_found');
  };

  it("A cannot read B's order or customer", async () => {
    expectNotFound(await t.http.get(`/v1/orders/${bOrder.id}`).set(a));
    expectNotFound(await t.http.get(`/v1/customers/${bCustomer.id}`).set(a));
    // B itself can: the 404 is about ownership, not existence.
    expect((await t.http.get(`/v1/orders/${bOrder.id}`).set(b)).status).toBe(200);
    expect((await t.http.get(`/v1/customers/${bCustomer.id}`).set(b)).status).toBe(200);
  });

  it("A's lists never show B's orders or customers, whatever the filter", async () => {
    const ids = async (path: string) => {
      const res = await t.http.get(path).set(a);
      expect(res.status).toBe(200);
      return res.body.data.map((x: { id: string }) => x.id);
    };
    const aOrder = (await t.http.post('/v1/orders').set(a).send({ amount: 100, currency: 'PEN' })).body;
    expect(await ids('/v1/orders')).toEqual([aOrder.id]);
    expect(await ids(`/v1/orders?customer_id=${bCustomer.id}`)).toEqual([]);
    expect(await ids('/v1/orders?reference=shared-ref')).toEqual([]);
    expect(await ids('/v1/orders?status=pending')).toEqual([aOrder.id]);
    expect(await ids('/v1/customers')).toEqual([]);
    expect(await ids('/v1/customers?email=shared@example.com')).toEqual([]);
    // A cursor made from B's newest id pages A's own orders only.
    const cursor = Buffer.from(bCustomerOrder.id).toString('base64url');
    expect(await ids(`/v1/orders?cursor=${cursor}`)).toEqual([]);
  });

  it("A cannot list B's customer's orders, cancel B's order, or update B's customer", async () => {
    expectNotFound(await t.http.get(`/v1/customers/${bCustomer.id}/orders`).set(a));
    expectNotFound(await t.http.post(`/v1/orders/${bOrder.id}/cancel`).set(a));
    expectNotFound(await t.http.patch(`/v1/customers/${bCustomer.id}`).set(a).send({ name: 'hijacked' }));
    // Nothing changed at B.
    expect((await t.http.get(`/v1/orders/${bOrder.id}`).set(b)).body).toMatchObject({ status: 'pending', canceled_at: null });
    expect((await t.http.get(`/v1/customers/${bCustomer.id}`).set(b)).body.name).toBe('B customer');
    const history = await t.http.get(`/v1/customers/${bCustomer.id}/orders`).set(b);
    expect(history.body.data.map((o: { id: string }) => o.id)).toEqual([bCustomerOrder.id]);
  });

  it("A cannot attach B's customer to an order", async () => {
    expectNotFound(await t.http.post('/v1/orders').set(a).send({ amount: 100, currency: 'PEN', customer_id: bCustomer.id }));
  });

  it('the same reference and the same customer e-mail exist independently in both apps', async () => {
    const aOrder = await t.http.post('/v1/orders').set(a).send({ amount: 900, currency: 'PEN', reference: 'shared-ref' });
    expect(aOrder.status).toBe(201);
    expect(aOrder.body.id).not.toBe(bOrder.id);
    const aCustomer = await t.http.post('/v1/customers').set(a).send({ email: 'SHARED@example.com' });
    expect(aCustomer.status).toBe(201);
    expect(aCustomer.body.id).not.toBe(bCustomer.id);

    // An inline customer in A resolves to A's customer, never B's.
    const inline = await t.http.post('/v1/orders').set(a).send({ amount: 100, currency: 'PEN', customer: { email: 'shared@example.com' } });
    expect(inline.body.customer_id).toBe(aCustomer.body.id);

    // Reference lookups stay per app.
    const byRefA = await t.http.get('/v1/orders?reference=shared-ref').set(a);
    expect(byRefA.body.data.map((o: { id: string }) => o.id)).toEqual([aOrder.body.id]);
    const byRefB = await t.http.get('/v1/orders?reference=shared-ref').set(b);
    expect(byRefB.body.data.map((o: { id: string }) => o.id)).toEqual([bOrder.id]);
  });

  it('the same Idempotency-Key executes independently in each app', async () => {
    const key = { 'Idempotency-Key': 'tenant-shared-key-1' };
    const ra = await t.http.post('/v1/orders').set(a).set(key).send({ amount: 1234, currency: 'PEN' });
    const rb = await t.http.post('/v1/orders').set(b).set(key).send({ amount: 1234, currency: 'PEN' });
    expect(ra.status).toBe(201);
    expect(rb.status).toBe(201);
    expect(ra.headers['idempotent-replayed']).toBeUndefined();
    expect(rb.headers['idempotent-replayed']).toBeUndefined();
    expect(rb.body.id).not.toBe(ra.body.id);
    expect((await t.http.get(`/v1/orders/${ra.body.id}`).set(b)).status).toBe(404);

    // A different body under the same key in B is B's own conflict, unaffected by A's record.
    const rb2 = await t.http.post('/v1/orders').set(b).set({ 'Idempotency-Key': 'tenant-shared-key-2' }).send({ amount: 1, currency: 'USD' });
    const ra2 = await t.http.post('/v1/orders').set(a).set({ 'Idempotency-Key': 'tenant-shared-key-2' }).send({ amount: 2, currency: 'PEN' });
    expect([rb2.status, ra2.status]).toEqual([201, 201]);

    // Each app replays its own stored response.
    const replayA = await t.http.post('/v1/orders').set(a).set(key).send({ amount: 1234, currency: 'PEN' });
    expect(replayA.headers['idempotent-replayed']).toBe('true');
    expect(replayA.body.id).toBe(ra.body.id);
    const replayB = await t.http.post('/v1/orders').set(b).set(key).send({ amount: 1234, currency: 'PEN' });
    expect(replayB.body.id).toBe(rb.body.id);
  });
});
