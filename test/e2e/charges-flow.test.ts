import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type TestApp } from '../support/test-app';
import { culqiCardToken, culqiChargesFor, mercadoPagoCardToken, mercadoPagoPaymentsFor, type SandboxInfo } from '../support/sandbox-client';
import { startSandboxApp } from '../support/sandbox-app';

describe('charges through the sandboxes', () => {
  let t: TestApp;
  let info: SandboxInfo;
  beforeAll(async () => {
    ({ t, info } = await startSandboxApp());
  });
  afterAll(async () => t.close());

  const newOrder = async (amount = 11800, currency = 'PEN') => {
    const res = await t.http.post('/v1/orders').set(bearer(t.apiKey)).send({ amount, currency, customer: { email: 'ana@example.com' } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  it('pays an order with a Culqi test card', async () => {
    const orderId = await newOrder();
    const token = await culqiCardToken(info, '4111111111111111');
    const res = await t.http.post(`/v1/orders/${orderId}/charges`).set(bearer(t.apiKey)).send({ gateway: 'culqi', source: { type: 'card_token', token } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'succeeded', gateway: 'culqi', amount: 11800, payment_method: { type: 'card', brand: 'visa', last4: '1111' }, failure: null });
    const order = await t.http.get(`/v1/orders/${orderId}`).set(bearer(t.apiKey));
    expect(order.body).toMatchObject({ status: 'paid', gateway: 'culqi' });
    expect(await culqiChargesFor(info, res.body.id)).toHaveLength(1);
    const detail = await t.http.get(`/v1/charges/${res.body.id}`).set(bearer(t.apiKey));
    expect(detail.body.gateway_calls).toHaveLength(1);
    expect(detail.body.gateway_calls[0]).toMatchObject({ operation: 'create_charge', method: 'POST', status: 201 });
    expect(JSON.stringify(detail.body.gateway_calls)).not.toContain(token);
  });

  it('pays an order with a Mercado Pago APRO card', async () => {
    const orderId = await newOrder(1050);
    const token = await mercadoPagoCardToken(info, 'APRO');
    const res = await t.http.post(`/v1/orders/${orderId}/charges`).set(bearer(t.apiKey)).send({ gateway: 'mercadopago', source: { type: 'card_token', token } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'succeeded', gateway: 'mercadopago' });
    expect(await mercadoPagoPaymentsFor(info, res.body.id)).toHaveLength(1);
  });
});
