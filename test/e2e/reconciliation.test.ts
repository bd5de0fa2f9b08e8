import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type TestApp } from '../support/test-app';
import { clearFault, culqiCardToken, culqiChargesFor, injectFault, mercadoPagoCardToken, mercadoPagoPaymentsFor, type SandboxInfo } from '../support/sandbox-client';
import { until } from '../support/wait';
import { startSandboxApp } from '../support/sandbox-app';

/**
 * Issue 4: a charge left `pending` by a gateway timeout is resolved by reconciliation from the
 * gateway's truth — succeeded or failed, never both — and its order ends paid exactly once.
 */
describe('reconciliation of pending charges', () => {
  let t: TestApp;
  let info: SandboxInfo;
  beforeAll(async () => {
    ({ t, info } = await startSandboxApp({
      GATEWAY_TIMEOUT_MS: '400',
      RECONCILE_SCHEDULE: '1s,1s,2s',
      RECONCILE_TICK: '1s',
      RECONCILE_NOT_FOUND_GRACE: '3s',
      JOBS_POLL_INTERVAL: '100ms',
      // Webhooks go nowhere here: only reconciliation may resolve these charges.
      SMARTPAY_PUBLIC_URL: 'http://127.0.0.1:9',
    }));
  });
  afterAll(async () => t.close());

  const order = async (amount = 2500) => {
    const res = await t.http.post('/v1/orders').set(bearer(t.apiKey)).send({ amount, currency: 'PEN', customer: { email: 'rec@example.com' } });
    return res.body.id as string;
  };
  const charge = async (orderId: string, gateway: 'culqi' | 'mercadopago', token: string) =>
    t.http.post(`/v1/orders/${orderId}/charges`).set(bearer(t.apiKey)).send({ gateway, source: { type: 'card_token', token } });
  const getOrder = async (id: string) => (await t.http.get(`/v1/orders/${id}`).set(bearer(t.apiKey))).body;
  const getCharge = async (id: string) => (await t.http.get(`/v1/charges/${id}`).set(bearer(t.apiKey))).body;

  it('a Culqi timeout that the gateway processed → pending, then succeeded; the order is paid once', async () => {
    const orderId = await order();
    const token = await culqiCardToken(info, '4111111111111111');
    await injectFault(info, 'culqi', { mode: 'timeout', latency_ms: 1500, count: 1 });
    const res = await charge(orderId, 'culqi', token);
    expect(res.body.status).toBe('pending');
    expect((await getOrder(orderId)).status).toBe('processing');
    const settled = await until(() => getCharge(res.body.id), (c) => c.status !== 'pending');
    expect(settled.status).toBe('succeeded');
    const o = await getOrder(orderId);
    expect(o).toMatchObject({ status: 'paid', latest_charge: { id: res.body.id } });
    expect(await culqiChargesFor(info, res.body.id)).toHaveLength(1);
    // One create_charge POST only: the rest of the call log is lookups.
    expect(settled.gateway_calls.filter((c: { operation: string }) => c.operation === 'create_charge')).toHaveLength(1);
    await clearFault(info, 'culqi');
  });

  it('a Culqi timeout on a declined card → pending, then failed; the order is payable again', async () => {
    const orderId = await order();
    const token = await culqiCardToken(info, '4000040000000008');
    await injectFault(info, 'culqi', { mode: 'timeout', latency_ms: 1500, count: 1 });
    const res = await charge(orderId, 'culqi', token);
    expect(res.body.status).toBe('pending');
    const settled = await until(() => getCharge(res.body.id), (c) => c.status !== 'pending');
    expect(settled).toMatchObject({ status: 'failed', failure: { code: 'card_declined', decline_code: 'insufficient_funds' } });
    expect((await getOrder(orderId)).status).toBe('pending');
    await clearFault(info, 'culqi');
    const again = await charge(orderId, 'culqi', await culqiCardToken(info, '4111111111111111'));
    expect(again.body.status).toBe('succeeded');
  });

  it('a Culqi 500 (nothing processed) stays pending until the not-found grace passes, then fails', async () => {
    const orderId = await order();
    const token = await culqiCardToken(info, '4111111111111111');
    await injectFault(info, 'culqi', { mode: 'http_500', count: 1 });
    const res = await charge(orderId, 'culqi', token);
    expect(res.body.status).toBe('pending');
    const settled = await until(() => getCharge(res.body.id), (c) => c.status !== 'pending');
    expect(settled.status).toBe('failed');
    expect(await culqiChargesFor(info, res.body.id)).toHaveLength(0);
    expect((await getOrder(orderId)).status).toBe('pending');
  });

  it('Mercado Pago timeouts on every retry → pending, then found by external_reference → succeeded', async () => {
    const orderId = await order(1050);
    const token = await mercadoPagoCardToken(info, 'APRO');
    // More timeouts than the adapter's attempts, so every retry of the POST certainly times out; the
    // fault is cleared once the charge is pending, so the lookups that follow get answers.
    await injectFault(info, 'mercadopago', { mode: 'timeout', latency_ms: 1500, count: 50 });
    // payment_method_id given, as MercadoPago.js returns it: the first call is the payment POST itself.
    const res = await t.http
      .post(`/v1/orders/${orderId}/charges`)
      .set(bearer(t.apiKey))
      .send({ gateway: 'mercadopago', source: { type: 'card_token', token, payment_method_id: 'visa' } });
    expect(res.body.status).toBe('pending');
    await clearFault(info, 'mercadopago');
    const settled = await until(() => getCharge(res.body.id), (c) => c.status !== 'pending');
    expect(settled.status).toBe('succeeded');
    expect(await mercadoPagoPaymentsFor(info, res.body.id)).toHaveLength(1);
    expect((await getOrder(orderId)).status).toBe('paid');
  });

  it('an abandoned Mercado Pago challenge is looked at again until the gateway cancels it; the order becomes payable', async () => {
    const orderId = await order(1050);
    // The simulator's challenge card (see src/sandbox/mercadopago/mp-test-cards.ts).
    const token = await mercadoPagoCardToken(info, 'APRO', '5483928164574623');
    const res = await t.http
      .post(`/v1/orders/${orderId}/charges`)
      .set(bearer(t.apiKey))
      .send({ gateway: 'mercadopago', source: { type: 'card_token', token }, three_ds: { mode: 'optional' } });
    expect(res.body.status).toBe('requires_action');
    // Several lookups happen while the challenge stays open; the charge keeps waiting.
    const looked = await until(() => getCharge(res.body.id), (c) => c.gateway_calls.filter((g: { operation: string }) => g.operation === 'get_payment').length >= 2);
    expect(looked.status).toBe('requires_action');
    // The gateway gives up on the challenge (as Mercado Pago does after about 5 minutes).
    const cancel = await fetch(`${info.control_url}/mercadopago/_payments/${res.body.gateway_charge_id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'cancelled', status_detail: 'expired' }),
    });
    expect(cancel.status).toBe(200);
    const settled = await until(() => getCharge(res.body.id), (c) => c.status !== 'requires_action');
    expect(settled.status).toBe('failed');
    expect((await getOrder(orderId)).status).toBe('pending');
  });

  it('POST /v1/reconciliation/runs syncs the app now and reports what it did', async () => {
    const res = await t.http.post('/v1/reconciliation/runs').set(bearer(t.apiKey)).send({});
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ object: 'reconciliation_run', status: 'queued' });
    const run = await until(
      async () => (await t.http.get(`/v1/reconciliation/runs/${res.body.id}`).set(bearer(t.apiKey))).body,
      (r) => r.status === 'completed' || r.status === 'failed',
    );
    expect(run.status).toBe('completed');
    const other = await t.newTenant('Other');
    expect((await t.http.get(`/v1/reconciliation/runs/${res.body.id}`).set(bearer(other.apiKey))).status).toBe(404);
  });
});
