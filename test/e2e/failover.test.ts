/**
 * Issue 4 acceptance, failover (design.md invariant 3) through the in-process sandbox: with the Culqi
 * simulator `down`, the circuit breaker opens after CIRCUIT_BREAKER_THRESHOLD refused calls; routing
 * (GET /v1/routing, orders' suggested_gateway) then says Mercado Pago with reason `health`; a card saved
 * at both gateways goes to Mercado Pago automatically; a one-time Culqi token fails with
 * gateway_unavailable + retry_with_gateway; nothing is charged twice (both simulators are counted).
 * Once the fault clears and the open period passes, Culqi is used again. Timeouts and declines never
 * fail over.
 *
 * The `it`s of each describe run in order and share one app (the breaker's state is the subject).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { charge, clientOf, createOrder, CULQI_VISA, expectCharge, getCharge, getOrder, mpToken, type Client } from '../support/charge-fixtures';
import { clearFault, culqiCardToken, culqiChargesFor, injectFault, mercadoPagoPaymentsFor, sandboxInfo, type SandboxInfo } from '../support/sandbox-client';
import { bearer, startTestApp, type TestApp } from '../support/test-app';
import { sleep } from '../support/wait';

// Long enough that a loaded CI machine cannot spend it between keepOpen() and the charge that relies on
// the open circuit (1 s was seen to run out under a parallel suite); the last test waits it out once.
const HALF_OPEN_AFTER_MS = 3000;
const ENV = { CIRCUIT_BREAKER_THRESHOLD: '2', CIRCUIT_BREAKER_HALF_OPEN_AFTER: `${HALF_OPEN_AFTER_MS / 1000}s`, GATEWAY_TIMEOUT_MS: '500' };


/** One app with a customer whose card is saved at both gateways. */
async function setUp(): Promise<{ t: TestApp; c: Client; info: SandboxInfo; customerId: string; pmId: string }> {
  const t = await startTestApp(ENV);
  const c = clientOf(t);
  const info = await sandboxInfo(t);
  const email = `failover-${randomUUID().slice(0, 8)}@example.com`;
  const customer = await t.http.post('/v1/customers').set(bearer(t.apiKey)).send({ email, name: 'Ana Quispe' });
  expect(customer.status, JSON.stringify(customer.body)).toBe(201);
  const pm = await t.http
    .post(`/v1/customers/${customer.body.id}/payment-methods`)
    .set(bearer(t.apiKey))
    .send({ tokens: { culqi: await culqiCardToken(info, CULQI_VISA), mercadopago: await mpToken(info, 'APRO', CULQI_VISA) } });
  expect(pm.status, JSON.stringify(pm.body)).toBe(201);
  expect(pm.body.gateways).toEqual(['culqi', 'mercadopago']);
  return { t, c, info, customerId: customer.body.id as string, pmId: pm.body.id as string };
}

describe('failover with the Culqi sandbox down', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  let customerId: string;
  let pmId: string;
  /** One-time Culqi tokens, made before the fault (the token endpoint is down with it). */
  let culqiTokens: string[];
  /** Spare tokens for keepOpen(). */
  const spareTokens: string[] = [];
  let culqiChargesBefore: number;
  /** Every charge this suite made, to count what each simulator holds for it at the end. */
  const chargeIds: string[] = [];

  beforeAll(async () => {
    ({ t, c, info, customerId, pmId } = await setUp());
    culqiTokens = [await culqiCardToken(info, CULQI_VISA), await culqiCardToken(info, CULQI_VISA)];
    for (let i = 0; i < 3; i++) spareTokens.push(await culqiCardToken(info, CULQI_VISA));
    culqiChargesBefore = (await culqiChargesFor(info)).length;
  });
  afterAll(async () => {
    await clearFault(info, 'culqi');
    await t.close();
  });

  const routing = (currency: string, sourceType: string) => t.http.get(`/v1/routing?currency=${currency}&source_type=${sourceType}`).set(bearer(c.key));
  const payWithSaved = async (orderId: string) => {
    const res = await charge(c, orderId, { source: { type: 'payment_method', payment_method_id: pmId } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    chargeIds.push(res.body.id as string);
    return res.body as Record<string, unknown>;
  };
  const payWithCulqiToken = async (orderId: string, token: string) => {
    const res = await charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token } });
    chargeIds.push(res.body.id as string);
    return expectCharge(res, 'failed');
  };
  const circuits = async () => {
    const res = await t.http.get('/health/ready');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.checks.gateways as Record<string, { circuit: string }>;
  };
  const gauge = async (gateway: string) => {
    const text = (await t.http.get('/metrics')).text;
    const line = text.split('\n').find((l) => l.startsWith(`smartpay_gateway_circuit_state{gateway="${gateway}"}`));
    return Number(line?.split(' ')[1]);
  };
  /**
   * The open period is short (3 s) and a busy machine may spend that between two tests: then the
   * circuit is half-open (a probe is due). A real Culqi attempt, refused while Culqi is down, is that
   * probe and opens the circuit for a fresh period, so each open-phase test starts with a full period.
   */
  const keepOpen = async () => {
    if ((await circuits()).culqi!.circuit === 'open') return;
    await payWithCulqiToken(await createOrder(c, { customerId }), spareTokens.pop()!);
    expect((await circuits()).culqi).toEqual({ circuit: 'open' });
  };
  /** Calls a charge made to Culqi (its API lives under /v2). */
  const culqiCalls = async (chargeId: string) => (await getCharge(c, chargeId)).gateway_calls.filter((g) => g.path.startsWith('/v2/'));

  it('before any failure: routing by priority, Culqi first, circuits closed', async () => {
    const res = await routing('PEN', 'card_token');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ gateway: 'culqi', public_key: info.culqi.public_key, fallbacks: ['mercadopago'], reason: 'priority' });
    expect(await circuits()).toEqual({ culqi: { circuit: 'closed' }, mercadopago: { circuit: 'closed' } });
    expect(await gauge('culqi')).toBe(0);
  });

  it('Culqi refuses connections: a saved card fails over (not_sent), a one-time token gets retry_with_gateway; the circuit opens', async () => {
    await injectFault(info, 'culqi', { mode: 'down' });
    const firstOrder = await createOrder(c, { customerId });
    const first = await payWithSaved(firstOrder);
    expect(first).toMatchObject({ status: 'succeeded', gateway: 'mercadopago' });
    expect(first.routing).toEqual([
      { gateway: 'culqi', reason: 'priority', result: 'not_sent' },
      { gateway: 'mercadopago', reason: 'failover', result: 'succeeded' },
    ]);
    expect(await getOrder(c, firstOrder)).toMatchObject({ status: 'paid', gateway: 'mercadopago' });
    expect((await culqiCalls(first.id as string)).map((g) => g.error_class)).toEqual(['connection_refused']);
    expect(await circuits()).toMatchObject({ culqi: { circuit: 'closed' } }); // one failure of two

    const orderId = await createOrder(c, { customerId });
    const failed = await payWithCulqiToken(orderId, culqiTokens[0]!);
    expect(failed.failure).toMatchObject({ code: 'gateway_unavailable' });
    expect(failed.next_action).toEqual({ type: 'retry_with_gateway', gateway: 'mercadopago' });
    expect((await getOrder(c, orderId)).status).toBe('pending');
    expect(await circuits()).toEqual({ culqi: { circuit: 'open' }, mercadopago: { circuit: 'closed' } });
    expect(await gauge('culqi')).toBe(2);
    expect(await gauge('mercadopago')).toBe(0);
  });

  it('circuit open: GET /v1/routing and new orders say mercadopago, reason health; readiness stays 200', async () => {
    await keepOpen();
    expect((await routing('PEN', 'card_token')).body).toEqual({ gateway: 'mercadopago', public_key: info.mercadopago.public_key, fallbacks: [], reason: 'health' });
    expect((await routing('PEN', 'payment_method')).body).toMatchObject({ gateway: 'mercadopago', reason: 'health' });
    // Culqi is the only gateway for USD cards and for Yape: every candidate is open, so the priority
    // list stands and the attempt fails clearly (gateway_unavailable) rather than finding no gateway.
    expect((await routing('USD', 'card_token')).body).toEqual({ gateway: 'culqi', public_key: info.culqi.public_key, fallbacks: [], reason: 'priority' });
    expect((await routing('PEN', 'yape_token')).body).toMatchObject({ gateway: 'culqi', reason: 'priority' });

    const pen = await t.http.post('/v1/orders').set(bearer(c.key)).send({ amount: 5000, currency: 'PEN' });
    expect(pen.status, JSON.stringify(pen.body)).toBe(201);
    expect(pen.body.suggested_gateway).toBe('mercadopago');
    expect((await getOrder(c, pen.body.id as string)).suggested_gateway).toBe('mercadopago');
    const usd = await t.http.post('/v1/orders').set(bearer(c.key)).send({ amount: 5000, currency: 'USD' });
    expect(usd.body.suggested_gateway).toBe('culqi');
  });

  it('a saved card charged by routing goes straight to Mercado Pago; Culqi is not called', async () => {
    await keepOpen();
    const orderId = await createOrder(c, { customerId });
    const body = await payWithSaved(orderId);
    expect(body).toMatchObject({ status: 'succeeded', gateway: 'mercadopago' });
    expect(body.routing).toEqual([{ gateway: 'mercadopago', reason: 'health', result: 'succeeded' }]);
    expect(await getOrder(c, orderId)).toMatchObject({ status: 'paid', gateway: 'mercadopago' });
    expect(await culqiCalls(body.id as string)).toEqual([]);
  });

  it('a one-time Culqi token while open: gateway_unavailable + retry_with_gateway, nothing sent (circuit_open in the call log)', async () => {
    await keepOpen();
    const orderId = await createOrder(c, { customerId });
    const failed = await payWithCulqiToken(orderId, culqiTokens[1]!);
    expect(failed.failure).toMatchObject({ code: 'gateway_unavailable' });
    expect(failed.next_action).toEqual({ type: 'retry_with_gateway', gateway: 'mercadopago' });
    const calls = (await getCharge(c, failed.id as string)).gateway_calls;
    expect(calls.map((g) => [g.operation, g.error_class, g.status])).toEqual([['create_charge', 'circuit_open', null]]);
    // The client re-tokenizes at Mercado Pago, as next_action says, and pays.
    const retried = await charge(c, orderId, { gateway: 'mercadopago', source: { type: 'card_token', token: await mpToken(info) } });
    chargeIds.push(retried.body.id as string);
    expectCharge(retried, 'succeeded');
    expect((await getOrder(c, orderId)).status).toBe('paid');
  });

  it('no double charge: Culqi processed nothing while down; no charge has more than one Mercado Pago payment', async () => {
    expect((await culqiChargesFor(info)).length).toBe(culqiChargesBefore);
    let paid = 0;
    for (const id of chargeIds) {
      expect(await culqiChargesFor(info, id)).toEqual([]);
      const payments = await mercadoPagoPaymentsFor(info, id);
      // A charge that succeeded is backed by exactly one payment; a failed one by none.
      const status = String((await getCharge(c, id)).status);
      expect(payments, `${id} ${status}`).toHaveLength(status === 'succeeded' ? 1 : 0);
      if (status === 'succeeded') paid++;
    }
    // Two saved-card charges (failover, then health routing) and the re-tokenized one.
    expect(paid).toBe(3);
  });

  it('after the fault clears and the open period passes, Culqi is used again and the circuit closes', async () => {
    await clearFault(info, 'culqi');
    await sleep(HALF_OPEN_AFTER_MS + 100);
    expect((await circuits()).culqi).toEqual({ circuit: 'half_open' });
    expect(await gauge('culqi')).toBe(1);
    expect((await routing('PEN', 'card_token')).body).toMatchObject({ gateway: 'culqi', fallbacks: ['mercadopago'], reason: 'priority' });
    const body = await payWithSaved(await createOrder(c, { customerId }));
    expect(body).toMatchObject({ status: 'succeeded', gateway: 'culqi', routing: [{ gateway: 'culqi', reason: 'priority', result: 'succeeded' }] });
    expect(await culqiChargesFor(info, body.id as string)).toHaveLength(1);
    expect(await mercadoPagoPaymentsFor(info, body.id as string)).toEqual([]);
    expect(await circuits()).toEqual({ culqi: { circuit: 'closed' }, mercadopago: { circuit: 'closed' } });
    expect(await gauge('culqi')).toBe(0);
  });
});

describe('timeouts and declines never fail over', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  let customerId: string;
  let pmId: string;
  beforeAll(async () => {
    ({ t, c, info, customerId, pmId } = await setUp());
  });
  afterAll(async () => {
    await clearFault(info, 'culqi');
    await t.close();
  });

  it('a Culqi timeout on a saved card: not retried at Mercado Pago, exactly one Culqi charge', async () => {
    const orderId = await createOrder(c, { customerId });
    await injectFault(info, 'culqi', { mode: 'timeout', latency_ms: 2000, count: 1 });
    const res = await charge(c, orderId, { source: { type: 'payment_method', payment_method_id: pmId } });
    await clearFault(info, 'culqi');
    expect(res.status).toBe(201);
    const body = res.body as Record<string, unknown>;
    // Culqi processed it: either our timeout committed `pending` first, or Culqi's own event (its
    // webhook, re-fetched) settled it while our request still waited — never a second attempt.
    expect(['pending', 'succeeded']).toContain(body.status);
    expect(body.gateway).toBe('culqi');
    expect(body.routing).toEqual([expect.objectContaining({ gateway: 'culqi', reason: 'priority' })]);
    expect(body.failure).toBeNull();
    expect((await getOrder(c, orderId)).status).toBe(body.status === 'pending' ? 'processing' : 'paid');
    expect(await culqiChargesFor(info, body.id as string)).toHaveLength(1);
    expect(await mercadoPagoPaymentsFor(info, body.id as string)).toEqual([]);
    const calls = (await getCharge(c, body.id as string)).gateway_calls;
    expect(calls.filter((g) => g.operation === 'create_charge').map((g) => g.error_class)).toEqual(['timeout']);
    expect(calls.every((g) => g.path.startsWith('/v2/'))).toBe(true);
  });

  it('declines never fail over and never open the circuit, however many in a row', async () => {
    // Three declines with threshold 2: were declines counted, the circuit would be open afterwards.
    for (let i = 0; i < 3; i++) {
      const orderId = await createOrder(c, { customerId });
      const token = await culqiCardToken(info, '4000040000000008');
      const body = expectCharge(await charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token } }), 'failed');
      expect(body.failure).toMatchObject({ code: 'card_declined', decline_code: 'insufficient_funds' });
      expect(body.next_action).toBeNull();
      expect(body.routing).toEqual([{ gateway: 'culqi', reason: 'requested', result: 'failed' }]);
      expect(await mercadoPagoPaymentsFor(info, body.id as string)).toEqual([]);
      expect((await getOrder(c, orderId)).status).toBe('pending');
    }
    const ready = await t.http.get('/health/ready');
    expect(ready.body.checks.gateways).toEqual({ culqi: { circuit: 'closed' }, mercadopago: { circuit: 'closed' } });
    const res = await t.http.get('/v1/routing?currency=PEN&source_type=card_token').set(bearer(c.key));
    expect(res.body).toMatchObject({ gateway: 'culqi', reason: 'priority' });
  });
});

describe('GET /v1/routing validation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(ENV);
  });
  afterAll(async () => t.close());
  const get = (query: string, key: string | null = t.apiKey) => {
    const req = t.http.get(`/v1/routing${query}`);
    return key ? req.set(bearer(key)) : req;
  };

  it('needs an API key', async () => {
    expect((await get('?currency=PEN', null)).status).toBe(401);
  });

  it('source_type defaults to card_token', async () => {
    const res = await get('?currency=PEN');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ gateway: 'culqi', fallbacks: ['mercadopago'], reason: 'priority' });
  });

  it.each([
    ['?currency=EUR&source_type=card_token', 'currency'],
    ['?source_type=card_token', 'currency'],
    ['?currency=PEN&source_type=cash', 'source_type'],
    ['?currency=PEN&gateway=culqi', 'gateway'],
  ])('%s → 400 validation_error on %s', async (query, param) => {
    const res = await get(query);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_error', param });
  });

  it('no gateway takes Yape in USD → 400 gateway_not_supported', async () => {
    const res = await get('?currency=USD&source_type=yape_token');
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body).toMatchObject({ code: 'gateway_not_supported', param: 'source_type' });
  });
});
