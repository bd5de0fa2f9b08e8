/**
 * Issue 3 acceptance: partial and full refunds on both gateways; concurrent refunds never exceed the
 * paid amount (locally or at the gateway); refunds are per tenant.
 */
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, culqiCharge, expectProblem, getOrder, mercadoPagoPayment, payWithCulqi, payWithMercadoPago, type Client } from '../support/charge-fixtures';
import { clearFault, injectFault, type SandboxInfo } from '../support/sandbox-client';
import { bearer, type TestApp } from '../support/test-app';
import { startSandboxApp } from '../support/sandbox-app';

type Gateway = 'culqi' | 'mercadopago';

describe('refunds', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  beforeAll(async () => {
    // The "gateway down" cases must not open the circuit for the tests after them: the refund's own
    // attempts and the webhook lookups running in the background during the outage can add up to the
    // default threshold (5), and an open circuit would fail the next Mercado Pago payments for 30 s.
    // The circuit itself is tested in failover.test.ts.
    ({ t, c, info } = await startSandboxApp({ CIRCUIT_BREAKER_THRESHOLD: '1000' }));
  });
  afterAll(async () => t.close());

  const refund = (body: Record<string, unknown>, key = c.key): Promise<Response> => t.http.post('/v1/refunds').set(bearer(key)).send(body);

  /** A paid order of `amount` at `gateway`, with its gateway charge id. */
  async function paidOrder(gateway: Gateway, amount = 11800): Promise<{ orderId: string; gatewayChargeId: string }> {
    const orderId = await createOrder(c, { amount });
    const paid = gateway === 'culqi' ? await payWithCulqi(c, info, orderId) : await payWithMercadoPago(c, info, orderId);
    return { orderId, gatewayChargeId: paid.gateway_charge_id as string };
  }

  /** What the gateway itself says was refunded on the charge, in minor units. */
  async function refundedAtGateway(gateway: Gateway, gatewayChargeId: string): Promise<number> {
    if (gateway === 'culqi') return (await culqiCharge(info, gatewayChargeId)).amount_refunded as number;
    const payment = await mercadoPagoPayment(info, gatewayChargeId);
    return Math.round((payment.transaction_amount_refunded as number) * 100);
  }

  describe.each<Gateway>(['culqi', 'mercadopago'])('%s', (gateway) => {
    it('a partial refund, then the remainder: partially_refunded → refunded', async () => {
      const { orderId, gatewayChargeId } = await paidOrder(gateway);
      const first = await refund({ order_id: orderId, amount: 5000 });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.body).toMatchObject({ object: 'refund', order_id: orderId, amount: 5000, currency: 'PEN', status: 'succeeded', gateway, reason: 'requested_by_customer', failure: null });
      expect(first.body.id).toMatch(/^re_/);
      expect(first.body.gateway_refund_id).toBeTruthy();
      expect(await getOrder(c, orderId)).toMatchObject({ status: 'partially_refunded', amount_refunded: 5000, amount_refundable: 6800 });
      expect(await refundedAtGateway(gateway, gatewayChargeId)).toBe(5000);

      // No amount: the whole refundable remainder.
      const rest = await refund({ order_id: orderId });
      expect(rest.status, JSON.stringify(rest.body)).toBe(201);
      expect(rest.body).toMatchObject({ amount: 6800, status: 'succeeded', charge_id: first.body.charge_id });
      expect(await getOrder(c, orderId)).toMatchObject({ status: 'refunded', amount_refunded: 11800, amount_refundable: 0 });
      expect(await refundedAtGateway(gateway, gatewayChargeId)).toBe(11800);
      if (gateway === 'mercadopago') expect((await mercadoPagoPayment(info, gatewayChargeId)).status).toBe('refunded');

      // Nothing is left.
      expectProblem(await refund({ order_id: orderId, amount: 1 }), 409, 'order_not_refundable');
    });

    it('a full refund in one go', async () => {
      const { orderId, gatewayChargeId } = await paidOrder(gateway, 1050);
      const res = await refund({ order_id: orderId, reason: 'duplicate' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ amount: 1050, status: 'succeeded', reason: 'duplicate' });
      expect(await getOrder(c, orderId)).toMatchObject({ status: 'refunded', amount_refunded: 1050, amount_refundable: 0 });
      expect(await refundedAtGateway(gateway, gatewayChargeId)).toBe(1050);
      if (gateway === 'culqi') {
        // The reason travels in Culqi's own enum (duplicado), which the API echoes as text.
        const listed = await fetch(`${info.culqi.base_url}/refunds?charge_id=${gatewayChargeId}`, { headers: { Authorization: `Bearer ${info.culqi.secret_key}` } });
        const data = ((await listed.json()) as { data: { amount: number; reason: string }[] }).data;
        expect(data).toHaveLength(1);
        expect(data[0]!.amount).toBe(1050);
        expect(data[0]!.reason).toMatch(/duplicado/i);
      }
    });

    it('the gateway down → the refund fails and its amount is refundable again', async () => {
      const { orderId, gatewayChargeId } = await paidOrder(gateway);
      await injectFault(info, gateway, { mode: 'down' });
      try {
        const res = await refund({ order_id: orderId, amount: 3000 });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        expect(res.body).toMatchObject({ status: 'failed', amount: 3000, gateway_refund_id: null });
        expect(res.body.failure.message.length).toBeGreaterThan(0);
      } finally {
        await clearFault(info, gateway);
      }
      expect(await getOrder(c, orderId)).toMatchObject({ status: 'paid', amount_refunded: 0, amount_refundable: 11800 });
      expect(await refundedAtGateway(gateway, gatewayChargeId)).toBe(0);
      // The whole amount can still be refunded.
      const full = await refund({ order_id: orderId });
      expect(full.body).toMatchObject({ status: 'succeeded', amount: 11800 });
      expect(await getOrder(c, orderId)).toMatchObject({ status: 'refunded', amount_refunded: 11800 });
    });

    it('more than refundable → 422 amount_exceeds_refundable, nothing refunded', async () => {
      const { orderId, gatewayChargeId } = await paidOrder(gateway);
      const res = await refund({ order_id: orderId, amount: 11801 });
      expectProblem(res, 422, 'amount_exceeds_refundable');
      expect(res.body.param).toBe('amount');
      expect(await getOrder(c, orderId)).toMatchObject({ status: 'paid', amount_refunded: 0, amount_refundable: 11800 });
      expect(await refundedAtGateway(gateway, gatewayChargeId)).toBe(0);
      expect((await refund({ order_id: orderId, amount: 11000 })).status).toBe(201);
      expectProblem(await refund({ order_id: orderId, amount: 801 }), 422, 'amount_exceeds_refundable');
    });

    it('20 concurrent refunds of 1000 on an 11800 order: 11 succeed, 9 get 422, the gateway agrees', async () => {
      const { orderId, gatewayChargeId } = await paidOrder(gateway);
      const responses = await Promise.all(Array.from({ length: 20 }, () => refund({ order_id: orderId, amount: 1000 })));
      const succeeded = responses.filter((r) => r.status === 201 && r.body.status === 'succeeded');
      const refused = responses.filter((r) => r.status === 422 && r.body.code === 'amount_exceeds_refundable');
      expect(succeeded.length + refused.length, JSON.stringify(responses.map((r) => [r.status, r.body.code ?? r.body.status]))).toBe(20);
      const total = succeeded.reduce((sum, r) => sum + (r.body.amount as number), 0);
      expect(total).toBeLessThanOrEqual(11800);
      // Every refund that fits gets through: the reservation never refuses one that would fit.
      expect(succeeded).toHaveLength(11);
      expect(await getOrder(c, orderId)).toMatchObject({ status: 'partially_refunded', amount_refunded: total, amount_refundable: 11800 - total });
      expect(await refundedAtGateway(gateway, gatewayChargeId)).toBe(total);
      const listed = await t.http.get(`/v1/refunds?order_id=${orderId}&limit=100`).set(bearer(c.key));
      expect(listed.body.data).toHaveLength(11);
    });
  });

  it('an unpaid order → 409 order_not_refundable', async () => {
    const orderId = await createOrder(c);
    expectProblem(await refund({ order_id: orderId, amount: 100 }), 409, 'order_not_refundable');
    expectProblem(await refund({ order_id: orderId }), 409, 'order_not_refundable');
  });

  it('validation: unknown order → 404, bad amount or reason → 400', async () => {
    expectProblem(await refund({ order_id: 'ord_01M8G0000000000000000000000', amount: 100 }), 404, 'resource_not_found');
    const { orderId } = await paidOrder('culqi');
    expectProblem(await refund({ order_id: orderId, amount: 0 }), 400, 'validation_error');
    expectProblem(await refund({ order_id: orderId, amount: 10.5 }), 400, 'validation_error');
    expectProblem(await refund({ order_id: orderId, reason: 'changed_my_mind' }), 400, 'validation_error');
    expect((await getOrder(c, orderId)).amount_refunded).toBe(0);
  });

  it('GET /v1/refunds/{id} and GET /v1/refunds?order_id=, newest first', async () => {
    const { orderId } = await paidOrder('mercadopago');
    const a = (await refund({ order_id: orderId, amount: 1000 })).body;
    const b = (await refund({ order_id: orderId, amount: 2000, reason: 'fraudulent' })).body;
    const got = await t.http.get(`/v1/refunds/${a.id}`).set(bearer(c.key));
    expect(got.status).toBe(200);
    expect(got.body).toEqual(a);
    const list = await t.http.get(`/v1/refunds?order_id=${orderId}`).set(bearer(c.key));
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ object: 'list', has_more: false });
    expect(list.body.data.map((r: { id: string }) => r.id)).toEqual([b.id, a.id]);
    const page = await t.http.get(`/v1/refunds?order_id=${orderId}&limit=1`).set(bearer(c.key));
    expect(page.body).toMatchObject({ has_more: true });
    expect(page.body.data.map((r: { id: string }) => r.id)).toEqual([b.id]);
    const next = await t.http.get(`/v1/refunds?order_id=${orderId}&limit=1&cursor=${page.body.next_cursor}`).set(bearer(c.key));
    expect(next.body.data.map((r: { id: string }) => r.id)).toEqual([a.id]);
    expectProblem(await t.http.get('/v1/refunds/re_doesnotexist').set(bearer(c.key)), 404, 'resource_not_found');
  });

  it("tenant isolation: another app's refunds and orders are invisible", async () => {
    const { orderId } = await paidOrder('culqi');
    const mine = (await refund({ order_id: orderId, amount: 1000 })).body;
    const other = await t.newTenant('Other app');
    expectProblem(await t.http.get(`/v1/refunds/${mine.id}`).set(bearer(other.apiKey)), 404, 'resource_not_found');
    const list = await t.http.get(`/v1/refunds?order_id=${orderId}`).set(bearer(other.apiKey));
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
    const all = await t.http.get('/v1/refunds').set(bearer(other.apiKey));
    expect(all.body.data).toEqual([]);
    // Refunding someone else's order is a 404, and moves no money.
    expectProblem(await refund({ order_id: orderId, amount: 1000 }, other.apiKey), 404, 'resource_not_found');
    expect((await getOrder(c, orderId)).amount_refunded).toBe(1000);
  });
});
