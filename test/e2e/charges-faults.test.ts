/**
 * Issue 3 acceptance / design.md invariants 1–3 under injected gateway faults: a Mercado Pago call that
 * times out is retried with the same X-Idempotency-Key and the gateway holds one payment; a Culqi call
 * that times out leaves the charge pending and no second POST is sent; only a request that certainly
 * never left (connection refused) may be reported as not processed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { charge, createOrder, CULQI_VISA, expectCharge, expectProblem, getCharge, getOrder, mpToken, payWithCulqi, payWithMercadoPago, type Client } from '../support/charge-fixtures';
import { clearFault, culqiCardToken, culqiChargesFor, injectFault, mercadoPagoPaymentsFor, type SandboxInfo } from '../support/sandbox-client';
import type { TestApp } from '../support/test-app';
import { startSandboxApp } from '../support/sandbox-app';

/** Short, so a timed-out call costs little; the config schema's minimum is 100 ms. */
const GATEWAY_TIMEOUT_MS = 500;
/** Well past the gateway timeout: the answer never arrives in time. */
const LATE_MS = GATEWAY_TIMEOUT_MS * 4;

describe('charges under gateway faults', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  beforeAll(async () => {
    // Gateway notifications go to a closed port: a webhook-triggered lookup would otherwise race the
    // attempt under test for the injected faults (this file is about the charge call itself).
    ({ t, c, info } = await startSandboxApp({ GATEWAY_TIMEOUT_MS: String(GATEWAY_TIMEOUT_MS), SMARTPAY_PUBLIC_URL: 'http://127.0.0.1:9' }));
  });
  afterEach(async () => {
    await clearFault(info, 'culqi');
    await clearFault(info, 'mercadopago');
  });
  afterAll(async () => t.close());

  /**
   * A Mercado Pago card-token charge that names its payment method, as MercadoPago.js returns it, so the
   * first call to Mercado Pago is the payment POST itself (no token or BIN lookup before it). Faults hit
   * the token endpoints too, so every token is made before a fault is injected.
   */
  const mpCharge = (orderId: string, token: string) =>
    charge(c, orderId, { gateway: 'mercadopago', source: { type: 'card_token', token, payment_method_id: 'visa', issuer_id: 310 } });
  const culqiCharge = (orderId: string, token: string) => charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token } });
  const culqiToken = () => culqiCardToken(info, CULQI_VISA);
  /** The fault still armed at a simulator: its remaining count tells how many calls really reached it. */
  const faultNow = async (gateway: 'culqi' | 'mercadopago') => (await fetch(`${info.control_url}/${gateway}/_faults`)).json();

  describe('Mercado Pago', () => {
    it('a timed-out payment POST is retried with the same key: one payment, charge succeeded', async () => {
      const orderId = await createOrder(c);
      const token = await mpToken(info);
      await injectFault(info, 'mercadopago', { mode: 'timeout', latency_ms: LATE_MS, count: 1 });
      const body = expectCharge(await mpCharge(orderId, token), 'succeeded');
      expect((await getOrder(c, orderId)).status).toBe('paid');
      // The first attempt was processed (timeout = processed, answer lost); the retry was answered from
      // the stored idempotent result instead of creating a second payment.
      const payments = await mercadoPagoPaymentsFor(info, body.id as string);
      expect(payments).toHaveLength(1);
      expect(String(payments[0]!.id)).toBe(body.gateway_charge_id);
      const calls = (await getCharge(c, body.id as string)).gateway_calls.filter((g) => g.operation === 'create_payment');
      expect(calls.map((g) => [g.error_class, g.status])).toEqual([
        ['timeout', null],
        [null, 201],
      ]);
      expect(calls[0]!.request_body).toBe(calls[1]!.request_body);
    });

    it('every attempt timing out → pending (never failed), still one payment, order processing', async () => {
      const orderId = await createOrder(c);
      const [token, other] = [await mpToken(info), await culqiToken()];
      // The first attempt and both retries (maxRetries 2) time out; the fourth fault stays unused.
      await injectFault(info, 'mercadopago', { mode: 'timeout', latency_ms: LATE_MS, count: 4 });
      const body = expectCharge(await mpCharge(orderId, token), 'pending');
      expect(await faultNow('mercadopago')).toMatchObject({ mode: 'timeout', count: 1 });
      await clearFault(info, 'mercadopago');
      expect(body.failure).toBeNull();
      expect((await getOrder(c, orderId)).status).toBe('processing');
      expect(await mercadoPagoPaymentsFor(info, body.id as string)).toHaveLength(1);
      const calls = (await getCharge(c, body.id as string)).gateway_calls.filter((g) => g.operation === 'create_payment');
      expect(calls.map((g) => g.error_class)).toEqual(['timeout', 'timeout', 'timeout']);
      expectProblem(await culqiCharge(orderId, other), 409, 'order_processing');
    });

    it('an HTTP 500 is retried at Mercado Pago (never moved to Culqi): one payment', async () => {
      const orderId = await createOrder(c);
      const token = await mpToken(info);
      await injectFault(info, 'mercadopago', { mode: 'http_500', count: 1 });
      const body = expectCharge(await mpCharge(orderId, token), 'succeeded');
      expect(body.gateway).toBe('mercadopago');
      expect(await mercadoPagoPaymentsFor(info, body.id as string)).toHaveLength(1);
      expect(await culqiChargesFor(info, body.id as string)).toHaveLength(0);
    });

    it('down → failed gateway_unavailable, re-tokenize at Culqi; nothing processed, order payable', async () => {
      const orderId = await createOrder(c);
      const token = await mpToken(info);
      await injectFault(info, 'mercadopago', { mode: 'down' });
      const body = expectCharge(
        await charge(c, orderId, { gateway: 'mercadopago', source: { type: 'card_token', token, payment_method_id: 'visa' } }),
        'failed',
      );
      expect(body.failure).toMatchObject({ code: 'gateway_unavailable' });
      expect(body.next_action).toEqual({ type: 'retry_with_gateway', gateway: 'culqi' });
      expect((await getOrder(c, orderId)).status).toBe('pending');
      await clearFault(info, 'mercadopago');
      expect(await mercadoPagoPaymentsFor(info, body.id as string)).toHaveLength(0);
      await payWithMercadoPago(c, info, orderId);
    });
  });

  describe('Culqi', () => {
    it('a timed-out charge POST is never resent: pending, order processing, one charge at Culqi', async () => {
      const orderId = await createOrder(c);
      const [token, retryToken, mpRetryToken] = [await culqiToken(), await culqiToken(), await mpToken(info)];
      // count 2: if the adapter sent a second POST it would use up the second fault; one must remain.
      await injectFault(info, 'culqi', { mode: 'timeout', latency_ms: LATE_MS, count: 2 });
      const body = expectCharge(await culqiCharge(orderId, token), 'pending');
      expect(await faultNow('culqi')).toEqual({ mode: 'timeout', latency_ms: LATE_MS, count: 1 });
      await clearFault(info, 'culqi');
      expect(body.failure).toBeNull();
      expect(body.gateway_charge_id).toBeNull();
      expect((await getOrder(c, orderId)).status).toBe('processing');
      // Culqi processed it (the answer was lost) — exactly once.
      const held = await culqiChargesFor(info, body.id as string);
      expect(held).toHaveLength(1);
      expect(held[0]).toMatchObject({ amount: 11800 });
      // One POST, and only one: the call log holds a single create_charge that timed out.
      const detail = await getCharge(c, body.id as string);
      expect(detail.gateway_calls.map((g) => [g.operation, g.method, g.error_class, g.status])).toEqual([['create_charge', 'POST', 'timeout', null]]);
      // The order is still in flight: a new attempt could charge twice, so it is refused.
      expectProblem(await culqiCharge(orderId, retryToken), 409, 'order_processing');
      expectProblem(await mpCharge(orderId, mpRetryToken), 409, 'order_processing');
      expect(await culqiChargesFor(info, body.id as string)).toHaveLength(1);
    });

    it('down → failed gateway_unavailable with retry_with_gateway mercadopago; nothing processed, order payable', async () => {
      const orderId = await createOrder(c);
      const token = await culqiToken();
      const before = (await culqiChargesFor(info)).length;
      await injectFault(info, 'culqi', { mode: 'down' });
      const body = expectCharge(await charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token } }), 'failed');
      expect(body.failure).toMatchObject({ code: 'gateway_unavailable', decline_code: null });
      expect(body.next_action).toEqual({ type: 'retry_with_gateway', gateway: 'mercadopago' });
      expect((await getOrder(c, orderId)).status).toBe('pending');
      const detail = await getCharge(c, body.id as string);
      expect(detail.gateway_calls.map((g) => g.error_class)).toEqual(['connection_refused']);
      await clearFault(info, 'culqi');
      expect((await culqiChargesFor(info)).length).toBe(before);
      // As next_action says: tokenize again at Mercado Pago and pay there.
      await payWithMercadoPago(c, info, orderId);
    });

    it('http_500 → pending (Culqi may have charged: ambiguous), order processing', async () => {
      const orderId = await createOrder(c);
      const [token, retryToken] = [await culqiToken(), await culqiToken()];
      await injectFault(info, 'culqi', { mode: 'http_500', count: 1 });
      const body = expectCharge(await culqiCharge(orderId, token), 'pending');
      expect((await getOrder(c, orderId)).status).toBe('processing');
      const detail = await getCharge(c, body.id as string);
      expect(detail.gateway_calls.map((g) => [g.operation, g.status, g.error_class])).toEqual([['create_charge', 500, 'http_5xx']]);
      // The simulator's 500 processed nothing; SmartPay cannot know that, so it waits for reconciliation.
      expect(await culqiChargesFor(info, body.id as string)).toHaveLength(0);
      expectProblem(await culqiCharge(orderId, retryToken), 409, 'order_processing');
    });

    it('reset → pending, and Culqi did process the charge', async () => {
      const orderId = await createOrder(c);
      const token = await culqiToken();
      await injectFault(info, 'culqi', { mode: 'reset', count: 1 });
      const body = expectCharge(await culqiCharge(orderId, token), 'pending');
      expect((await getOrder(c, orderId)).status).toBe('processing');
      expect(await culqiChargesFor(info, body.id as string)).toHaveLength(1);
      const detail = await getCharge(c, body.id as string);
      expect(detail.gateway_calls.map((g) => [g.operation, g.error_class])).toEqual([['create_charge', 'reset']]);
    });

    it('after a fault clears, Culqi charges normally again', async () => {
      await injectFault(info, 'culqi', { mode: 'http_500', count: 1 });
      await clearFault(info, 'culqi');
      await payWithCulqi(c, info, await createOrder(c));
    });
  });
});
