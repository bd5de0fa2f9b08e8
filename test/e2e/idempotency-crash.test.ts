import { randomUUID } from 'node:crypto';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChargesService } from '../../src/charges/charges.service';
import { createChargeSchema } from '../../src/charges/charge.schemas';
import { IdempotencyService } from '../../src/common/idempotency/idempotency.service';
import { requestFingerprint } from '../../src/common/idempotency/request-fingerprint';
import { createCustomerSchema } from '../../src/customers/customer.schemas';
import { CustomersService } from '../../src/customers/customers.service';
import { GatewayRegistry } from '../../src/gateways/gateway-registry';
import { createOrderSchema } from '../../src/orders/order.schemas';
import { OrdersService } from '../../src/orders/orders.service';
import { savePaymentMethodSchema } from '../../src/payment-methods/payment-method.schemas';
import { PaymentMethodsService } from '../../src/payment-methods/payment-methods.service';
import { createRefundSchema } from '../../src/refunds/refund.schemas';
import { RefundsService } from '../../src/refunds/refunds.service';
import { clientOf, culqiCharge, getOrder, payWithCulqi, payWithMercadoPago } from '../support/charge-fixtures';
import { culqiCardToken, culqiChargesFor, type SandboxInfo } from '../support/sandbox-client';
import { bearer, type TestApp } from '../support/test-app';
import { startSandboxApp } from '../support/sandbox-app';
import { sleep } from '../support/wait';

const caller = (t: TestApp) => ({ appId: t.appId, keyId: 'key_x' });

/**
 * A request that committed its effect and then died before its Idempotency-Key stored the answer:
 * after the key's lease, the client's retry must find that effect, not create a second one.
 * The "first attempt" runs the service exactly as IdempotencyGate lets it, and never completes the key.
 */
describe('Idempotency-Key retries after the first attempt died', () => {
  let t: TestApp;
  let info: SandboxInfo;
  beforeAll(async () => {
    ({ t, info } = await startSandboxApp({ IDEMPOTENCY_LEASE: '1s' }));
  });
  afterAll(async () => t.close());

  const diedAfterCommit = async <T>(key: string, path: string, body: unknown, effect: (scope: { recordId: string; createdAt: Date }) => Promise<T>) => {
    const outcome = await t.app.get(IdempotencyService).begin(t.appId, key, requestFingerprint('POST', path, body));
    if (outcome.kind !== 'execute') throw new Error('expected to execute');
    return RequestContext.create(t.app.get(MikroORM).em, () => effect({ recordId: outcome.recordId, createdAt: outcome.createdAt }));
  };

  it('an order: the retry answers the order the first attempt created; there is one', async () => {
    const key = `crash-order-${Date.now()}`;
    const body = { amount: 4321, currency: 'PEN', description: 'died after commit' };
    const first = await diedAfterCommit(key, '/v1/orders', body, (scope) =>
      t.app.get(OrdersService).create({ appId: t.appId, keyId: 'key_x' }, createOrderSchema.parse(body), scope),
    );
    // While the lease holds, the retry is told to wait.
    expect((await t.http.post('/v1/orders').set(bearer(t.apiKey)).set('Idempotency-Key', key).send(body)).status).toBe(409);
    await sleep(1_200);
    const retry = await t.http.post('/v1/orders').set(bearer(t.apiKey)).set('Idempotency-Key', key).send(body);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.id);
    const listed = await t.http.get('/v1/orders?limit=100').set(bearer(t.apiKey));
    expect(listed.body.data.filter((o: { description: string }) => o.description === 'died after commit')).toHaveLength(1);
    const replay = await t.http.post('/v1/orders').set(bearer(t.apiKey)).set('Idempotency-Key', key).send(body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(first.id);
  });

  it('a charge: the retry answers the first attempt’s charge instead of 409 or a second gateway charge', async () => {
    const order = await t.http.post('/v1/orders').set(bearer(t.apiKey)).send({ amount: 1500, currency: 'PEN', customer: { email: 'crash@example.com' } });
    const token = await culqiCardToken(info, '4111111111111111');
    const path = `/v1/orders/${order.body.id}/charges`;
    const body = { gateway: 'culqi', source: { type: 'card_token', token } };
    const key = `crash-charge-${Date.now()}`;
    const first = await diedAfterCommit(key, path, body, (scope) =>
      t.app.get(ChargesService).create({ appId: t.appId, keyId: 'key_x' }, order.body.id, createChargeSchema.parse(body), scope),
    );
    expect(first.status).toBe('succeeded');
    await sleep(1_200);
    const retry = await t.http.post(path).set(bearer(t.apiKey)).set('Idempotency-Key', key).send(body);
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ id: first.id, status: 'succeeded' });
    expect(await culqiChargesFor(info, first.id)).toHaveLength(1);
    // Without the key, a second charge on the paid order is refused as before.
    const other = await t.http.post(path).set(bearer(t.apiKey)).send({ gateway: 'culqi', source: { type: 'card_token', token: await culqiCardToken(info, '4111111111111111') } });
    expect(other.status).toBe(409);
  });
  /** The refunds the gateway itself holds for a charge, read through its own API. */
  async function gatewayRefunds(gateway: 'culqi' | 'mercadopago', gatewayChargeId: string): Promise<{ amount: number }[]> {
    if (gateway === 'culqi') {
      const res = await fetch(`${info.culqi.base_url}/refunds?charge_id=${gatewayChargeId}`, { headers: { Authorization: `Bearer ${info.culqi.secret_key}` } });
      return ((await res.json()) as { data: { amount: number }[] }).data;
    }
    const res = await fetch(`${info.mercadopago.base_url}/v1/payments/${gatewayChargeId}/refunds`, { headers: { Authorization: `Bearer ${info.mercadopago.access_token}` } });
    return ((await res.json()) as { amount: number }[]).map((r) => ({ amount: Math.round(r.amount * 100) }));
  }

  it.each(['culqi', 'mercadopago'] as const)(
    'a refund at %s: the first attempt refunded at the gateway and died; the retry answers its pending refund, no second refund',
    async (gateway) => {
      const c = clientOf(t);
      const order = await t.http.post('/v1/orders').set(bearer(t.apiKey)).send({ amount: 3000, currency: 'PEN', customer: { email: 'crash-refund@example.com' } });
      const paid = gateway === 'culqi' ? await payWithCulqi(c, info, order.body.id) : await payWithMercadoPago(c, info, order.body.id);
      const gatewayChargeId = paid.gateway_charge_id as string;
      const body = { order_id: order.body.id, amount: 1000 };
      const key = `crash-refund-${gateway}-${Date.now()}`;

      // The first attempt reserved the amount, committed its pending refund and reached the gateway,
      // which refunded; the process then died before the outcome (and the key's answer) was stored.
      const adapter = t.app.get(GatewayRegistry).get(gateway);
      const realRefund = adapter.refund.bind(adapter);
      const died = vi.spyOn(adapter, 'refund').mockImplementationOnce(async (request, ctx) => {
        await realRefund(request, ctx);
        throw new Error('process killed before the refund outcome was committed');
      });
      try {
        await expect(
          diedAfterCommit(key, '/v1/refunds', body, (scope) => t.app.get(RefundsService).create(caller(t), createRefundSchema.parse(body), scope)),
        ).rejects.toThrow('process killed');
      } finally {
        died.mockRestore();
      }
      const stored = await t.http.get(`/v1/refunds?order_id=${order.body.id}`).set(bearer(t.apiKey));
      expect(stored.body.data).toHaveLength(1);
      const pending = stored.body.data[0] as { id: string; status: string };
      // Left pending by the death — unless the gateway's notification of that refund (the sandbox sends one at
      // once) was already applied by refund sync: both are the one refund the gateway made (seen under CI load).
      expect(['pending', 'succeeded']).toContain(pending.status);
      expect(await gatewayRefunds(gateway, gatewayChargeId)).toEqual([expect.objectContaining({ amount: 1000 })]);

      await sleep(1_200);
      const retry = await t.http.post('/v1/refunds').set(bearer(t.apiKey)).set('Idempotency-Key', key).send(body);
      expect(retry.status, JSON.stringify(retry.body)).toBe(201);
      // The first attempt's refund as it stands, never a second gateway call: still pending, or already
      // settled by the gateway's notification of that refund (refund sync) meanwhile.
      expect(retry.body).toMatchObject({ id: pending.id, amount: 1000, gateway });
      expect(['pending', 'succeeded']).toContain(retry.body.status);
      expect(await gatewayRefunds(gateway, gatewayChargeId)).toHaveLength(1);
      expect((await t.http.get(`/v1/refunds?order_id=${order.body.id}`).set(bearer(t.apiKey))).body.data).toHaveLength(1);
      // Reserved once: 1000 of 3000, so 2000 can still be refunded.
      expect(await getOrder(c, order.body.id)).toMatchObject({ amount_refunded: 1000, amount_refundable: 2000 });

      const replay = await t.http.post('/v1/refunds').set(bearer(t.apiKey)).set('Idempotency-Key', key).send(body);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(pending.id);

      // The rest is refundable exactly once more.
      const rest = await t.http.post('/v1/refunds').set(bearer(t.apiKey)).send({ order_id: order.body.id });
      expect(rest.status, JSON.stringify(rest.body)).toBe(201);
      expect(rest.body).toMatchObject({ amount: 2000, status: 'succeeded' });
      expect((await gatewayRefunds(gateway, gatewayChargeId)).map((r) => r.amount).sort()).toEqual([1000, 2000]);
      if (gateway === 'culqi') expect((await culqiCharge(info, gatewayChargeId)).amount_refunded).toBe(3000);
    },
  );

  it('a customer: the retry answers the customer the first attempt created, not customer_email_taken', async () => {
    const key = `crash-customer-${Date.now()}`;
    const body = { email: `crash-${randomUUID().slice(0, 8)}@example.com`, name: 'Rosa Mamani' };
    const first = await diedAfterCommit(key, '/v1/customers', body, (scope) => t.app.get(CustomersService).create(caller(t), createCustomerSchema.parse(body), scope));
    await sleep(1_200);
    const retry = await t.http.post('/v1/customers').set(bearer(t.apiKey)).set('Idempotency-Key', key).send(body);
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.body).toMatchObject({ id: first.id, email: body.email });
    // Without the key, the e-mail is still taken.
    expect((await t.http.post('/v1/customers').set(bearer(t.apiKey)).send(body)).body.code).toBe('customer_email_taken');
  });

  it('a saved card: the retry answers the card the first attempt saved; the customer has one', async () => {
    const customer = await t.http.post('/v1/customers').set(bearer(t.apiKey)).send({ email: `crash-pm-${randomUUID().slice(0, 8)}@example.com` });
    expect(customer.status, JSON.stringify(customer.body)).toBe(201);
    const path = `/v1/customers/${customer.body.id}/payment-methods`;
    const body = { gateway: 'culqi', token: await culqiCardToken(info, '4111111111111111') };
    const key = `crash-pm-${Date.now()}`;
    const first = await diedAfterCommit(key, path, body, (scope) =>
      t.app.get(PaymentMethodsService).save(caller(t), customer.body.id, savePaymentMethodSchema.parse(body), scope),
    );
    await sleep(1_200);
    const retry = await t.http.post(path).set(bearer(t.apiKey)).set('Idempotency-Key', key).send(body);
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.body.id).toBe(first.id);
    expect((await t.http.get(path).set(bearer(t.apiKey))).body.data).toHaveLength(1);
  });
});
