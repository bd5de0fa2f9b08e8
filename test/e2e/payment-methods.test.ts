/**
 * Issue 3 acceptance: saved cards at Culqi, at Mercado Pago and at both; charging them on each gateway,
 * by routing, and with automatic failover when the first gateway certainly did not process the
 * attempt (design.md invariant 3); deleting one removes it at the gateways.
 */
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { charge, clientOf, createOrder, CULQI_MASTERCARD, CULQI_VISA, expectCharge, expectProblem, getCharge, getOrder, mpToken, type Client } from '../support/charge-fixtures';
import { clearFault, culqiCardToken, culqiChargesFor, injectFault, mercadoPagoPaymentsFor, sandboxInfo, type SandboxInfo } from '../support/sandbox-client';
import { bearer, startTestApp, type TestApp } from '../support/test-app';
import { startSandboxApp } from '../support/sandbox-app';

/** Background webhook lookups during a `down` fault must not open a circuit for the tests after it. */
const NO_CIRCUIT = { CIRCUIT_BREAKER_THRESHOLD: '1000' };

/**
 * Mercado Pago's Visa test card. A card saved at both gateways is one card tokenized twice, so those
 * tests tokenize Culqi's Visa 4111… at Mercado Pago too (its simulator takes any Luhn-valid Visa).
 */
const MP_VISA = '4009175332806176';

/** Saved-card charges at Mercado Pago (the payer is sent as the customer with its e-mail). */
const itMpSavedCharge = it;

describe('saved payment methods', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  beforeAll(async () => {
    // `down` faults here test failover routing, not the circuit breaker: keep the circuit out of it.
    ({ t, c, info } = await startSandboxApp(NO_CIRCUIT));
  });
  afterEach(async () => clearFault(info, 'culqi'));
  afterAll(async () => t.close());

  const auth = () => bearer(c.key);
  /** A customer with an e-mail of its own (each gateway keeps one customer per e-mail). */
  async function newCustomer(key = c.key): Promise<{ id: string; email: string }> {
    const email = `saved-${randomUUID().slice(0, 8)}@example.com`;
    const res = await t.http.post('/v1/customers').set(bearer(key)).send({ email, name: 'Ana Quispe' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { id: res.body.id as string, email };
  }
  const save = (customerId: string, body: Record<string, unknown>, key = c.key): Promise<Response> =>
    t.http.post(`/v1/customers/${customerId}/payment-methods`).set(bearer(key)).send(body);
  async function saved(customerId: string, body: Record<string, unknown>): Promise<{ id: string } & Record<string, unknown>> {
    const res = await save(customerId, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string } & Record<string, unknown>;
  }
  const culqiToken = (card = CULQI_VISA) => culqiCardToken(info, card);
  const payWithSaved = (orderId: string, pmId: string, gateway?: string) =>
    charge(c, orderId, { ...(gateway ? { gateway } : {}), source: { type: 'payment_method', payment_method_id: pmId } });

  /** The customer and its live cards as each simulator holds them (looked up by e-mail). */
  async function culqiCards(email: string): Promise<{ id: string }[]> {
    const res = await fetch(`${info.culqi.base_url}/customers?email=${encodeURIComponent(email)}`, { headers: { Authorization: `Bearer ${info.culqi.secret_key}` } });
    const customers = ((await res.json()) as { data: { cards: { id: string }[] }[] }).data;
    return customers.flatMap((cu) => cu.cards);
  }
  async function mercadoPagoCards(email: string): Promise<{ id: string; last_four_digits: string }[]> {
    const res = await fetch(`${info.mercadopago.base_url}/v1/customers/search?email=${encodeURIComponent(email)}`, {
      headers: { Authorization: `Bearer ${info.mercadopago.access_token}` },
    });
    const customers = ((await res.json()) as { results: { cards: { id: string; last_four_digits: string }[] }[] }).results;
    return customers.flatMap((cu) => cu.cards);
  }

  it('saves a card at Culqi and charges it there', async () => {
    const customer = await newCustomer();
    const pm = await saved(customer.id, { gateway: 'culqi', token: await culqiToken(CULQI_MASTERCARD) });
    expect(pm).toMatchObject({ object: 'payment_method', customer_id: customer.id, gateways: ['culqi'], brand: 'mastercard', last4: '1118', is_default: true });
    expect(pm.id).toMatch(/^pm_/);
    expect(await culqiCards(customer.email)).toHaveLength(1);

    const orderId = await createOrder(c, { customerId: customer.id });
    const body = expectCharge(await payWithSaved(orderId, pm.id, 'culqi'), 'succeeded');
    expect(body).toMatchObject({ gateway: 'culqi', payment_method: { type: 'card', last4: '1118' } });
    expect(body.routing).toEqual([{ gateway: 'culqi', reason: 'requested', result: 'succeeded' }]);
    expect((await getOrder(c, orderId)).status).toBe('paid');
    expect(await culqiChargesFor(info, body.id as string)).toHaveLength(1);
  });

  it('saves a card at Mercado Pago', async () => {
    const customer = await newCustomer();
    const pm = await saved(customer.id, { gateway: 'mercadopago', token: await mpToken(info, 'APRO', MP_VISA) });
    expect(pm).toMatchObject({ gateways: ['mercadopago'], brand: 'visa', last4: '6176' });
    expect((await mercadoPagoCards(customer.email)).map((card) => card.last_four_digits)).toEqual(['6176']);
    // A card held only at Mercado Pago cannot be charged at Culqi.
    const orderId = await createOrder(c, { customerId: customer.id });
    expectProblem(await payWithSaved(orderId, pm.id, 'culqi'), 409, 'payment_method_unusable');
  });

  itMpSavedCharge('saves a card at Mercado Pago and charges it there', async () => {
    const customer = await newCustomer();
    const pm = await saved(customer.id, { gateway: 'mercadopago', token: await mpToken(info, 'APRO', MP_VISA) });
    expect(pm).toMatchObject({ gateways: ['mercadopago'], brand: 'visa', last4: '6176' });
    expect((await mercadoPagoCards(customer.email)).map((card) => card.last_four_digits)).toEqual(['6176']);

    const orderId = await createOrder(c, { customerId: customer.id });
    // Routing (gateway omitted) picks the only gateway that holds it.
    const body = expectCharge(await payWithSaved(orderId, pm.id), 'succeeded');
    expect(body).toMatchObject({ gateway: 'mercadopago', payment_method: { type: 'card', last4: '6176' } });
    expect((await getOrder(c, orderId)).status).toBe('paid');
    expect(await mercadoPagoPaymentsFor(info, body.id as string)).toHaveLength(1);
    // A card held only at Mercado Pago cannot be charged at Culqi.
    const other = await createOrder(c, { customerId: customer.id });
    expectProblem(await payWithSaved(other, pm.id, 'culqi'), 409, 'payment_method_unusable');
  });

  describe('a card saved at both gateways', () => {
    let customer: { id: string; email: string };
    let pm: { id: string } & Record<string, unknown>;
    beforeAll(async () => {
      customer = await newCustomer();
      pm = await saved(customer.id, { tokens: { culqi: await culqiToken(), mercadopago: await mpToken(info, 'APRO', CULQI_VISA) } });
    });

    it('is listed with both gateways, and held at both', async () => {
      expect(pm).toMatchObject({ gateways: ['culqi', 'mercadopago'], brand: 'visa', is_default: true });
      expect(await culqiCards(customer.email)).toHaveLength(1);
      expect(await mercadoPagoCards(customer.email)).toHaveLength(1);
    });

    const chargesAt = (gateway: string) => async () => {
      const orderId = await createOrder(c, { customerId: customer.id });
      const body = expectCharge(await payWithSaved(orderId, pm.id, gateway), 'succeeded');
      expect(body.gateway).toBe(gateway);
      expect((await getOrder(c, orderId)).status).toBe('paid');
    };
    it('charges at culqi when asked', chargesAt('culqi'));
    itMpSavedCharge('charges at mercadopago when asked', chargesAt('mercadopago'));

    it('routing (gateway omitted) uses the first gateway of ROUTING_CARD_PEN: culqi', async () => {
      const orderId = await createOrder(c, { customerId: customer.id });
      const body = expectCharge(await payWithSaved(orderId, pm.id), 'succeeded');
      expect(body.routing).toEqual([{ gateway: 'culqi', reason: 'priority', result: 'succeeded' }]);
    });

    itMpSavedCharge('fails over to Mercado Pago when Culqi refuses connections; nothing is processed at Culqi', async () => {
      const orderId = await createOrder(c, { customerId: customer.id });
      const culqiBefore = (await culqiChargesFor(info)).length;
      await injectFault(info, 'culqi', { mode: 'down' });
      const body = expectCharge(await payWithSaved(orderId, pm.id), 'succeeded');
      await clearFault(info, 'culqi');
      expect(body.gateway).toBe('mercadopago');
      expect(body.routing).toEqual([
        { gateway: 'culqi', reason: 'priority', result: 'not_sent' },
        { gateway: 'mercadopago', reason: 'failover', result: 'succeeded' },
      ]);
      expect(await getOrder(c, orderId)).toMatchObject({ status: 'paid', gateway: 'mercadopago' });
      expect((await culqiChargesFor(info)).length).toBe(culqiBefore);
      expect(await mercadoPagoPaymentsFor(info, body.id as string)).toHaveLength(1);
      const calls = (await getCharge(c, body.id as string)).gateway_calls;
      expect(calls[0]).toMatchObject({ operation: 'create_charge', error_class: 'connection_refused' });
    });

    it('never fails over on an ambiguous failure (Culqi 500 → pending, no Mercado Pago payment)', async () => {
      const orderId = await createOrder(c, { customerId: customer.id });
      await injectFault(info, 'culqi', { mode: 'http_500', count: 1 });
      const body = expectCharge(await payWithSaved(orderId, pm.id), 'pending');
      expect(body.routing).toEqual([{ gateway: 'culqi', reason: 'priority', result: 'pending' }]);
      expect(await mercadoPagoPaymentsFor(info, body.id as string)).toHaveLength(0);
      expect((await getOrder(c, orderId)).status).toBe('processing');
    });

    it('a card saved only at Culqi, with Culqi down → failed gateway_unavailable, order payable', async () => {
      const only = await saved(customer.id, { gateway: 'culqi', token: await culqiToken(CULQI_MASTERCARD) });
      const orderId = await createOrder(c, { customerId: customer.id });
      await injectFault(info, 'culqi', { mode: 'down' });
      const body = expectCharge(await payWithSaved(orderId, only.id), 'failed');
      await clearFault(info, 'culqi');
      expect(body.failure).toMatchObject({ code: 'gateway_unavailable' });
      expect((await getOrder(c, orderId)).status).toBe('pending');
      expectCharge(await payWithSaved(orderId, only.id), 'succeeded');
    });
  });

  it('lists the customer’s cards, newest first, one default', async () => {
    const customer = await newCustomer();
    const first = await saved(customer.id, { gateway: 'culqi', token: await culqiToken() });
    const second = await saved(customer.id, { gateway: 'mercadopago', token: await mpToken(info), is_default: true });
    const res = await t.http.get(`/v1/customers/${customer.id}/payment-methods`).set(auth());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'list', has_more: false });
    expect(res.body.data.map((p: { id: string; is_default: boolean }) => [p.id, p.is_default])).toEqual([
      [second.id, true],
      [first.id, false],
    ]);
    // The list never shows gateway references.
    expect(JSON.stringify(res.body)).not.toMatch(/crd_|cus_test|"refs"/);
  });

  it('delete removes the card at every gateway; afterwards it is 404 everywhere', async () => {
    const customer = await newCustomer();
    const pm = await saved(customer.id, { tokens: { culqi: await culqiToken(), mercadopago: await mpToken(info, 'APRO', CULQI_VISA) } });
    const del = await t.http.delete(`/v1/customers/${customer.id}/payment-methods/${pm.id}`).set(auth());
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect(del.body).toEqual({ id: pm.id, object: 'payment_method', deleted: true });
    expect(await culqiCards(customer.email)).toEqual([]);
    expect(await mercadoPagoCards(customer.email)).toEqual([]);

    expectProblem(await t.http.delete(`/v1/customers/${customer.id}/payment-methods/${pm.id}`).set(auth()), 404, 'resource_not_found');
    const list = await t.http.get(`/v1/customers/${customer.id}/payment-methods`).set(auth());
    expect(list.body.data).toEqual([]);
    const orderId = await createOrder(c, { customerId: customer.id });
    expectProblem(await payWithSaved(orderId, pm.id), 404, 'resource_not_found');
    expect((await getOrder(c, orderId)).status).toBe('pending');
  });

  it('a customer who deleted their card can save one again at Culqi', async () => {
    const customer = await newCustomer();
    const pm = await saved(customer.id, { gateway: 'culqi', token: await culqiToken() });
    expect((await t.http.delete(`/v1/customers/${customer.id}/payment-methods/${pm.id}`).set(auth())).status).toBe(200);
    const again = await saved(customer.id, { gateway: 'culqi', token: await culqiToken(CULQI_MASTERCARD) });
    expect(again).toMatchObject({ gateways: ['culqi'], last4: '1118' });
    expect(await culqiCards(customer.email)).toHaveLength(1);
  });

  it('a declined card is not saved (402 card_declined), and nothing is left at either gateway', async () => {
    const customer = await newCustomer();
    const res = await save(customer.id, { gateway: 'culqi', token: await culqiToken('4000040000000008') });
    expectProblem(res, 402, 'card_declined');
    // Saved at Mercado Pago first, then declined at Culqi: the Mercado Pago card is removed again.
    const both = await save(customer.id, { tokens: { mercadopago: await mpToken(info, 'APRO', MP_VISA), culqi: await culqiToken('4000020000000000') } });
    expectProblem(both, 402, 'card_declined');
    expect(await culqiCards(customer.email)).toEqual([]);
    expect(await mercadoPagoCards(customer.email)).toEqual([]);
    const list = await t.http.get(`/v1/customers/${customer.id}/payment-methods`).set(auth());
    expect(list.body.data).toEqual([]);
  });

  it('validation: gateway + token, or tokens; not both, not neither', async () => {
    const customer = await newCustomer();
    const token = await culqiToken();
    expectProblem(await save(customer.id, { token }), 400, 'validation_error');
    expectProblem(await save(customer.id, { gateway: 'culqi', token, tokens: { culqi: token } }), 400, 'validation_error');
    expectProblem(await save(customer.id, { tokens: {} }), 400, 'validation_error');
    expectProblem(await save(customer.id, { gateway: 'culqi', token: '4111 1111 1111 1111' }), 400, 'card_data_not_allowed');
    expect(await culqiCards(customer.email)).toEqual([]);
  });

  it("another customer's card → 409 payment_method_unusable; another tenant's → 404", async () => {
    const owner = await newCustomer();
    const pm = await saved(owner.id, { gateway: 'culqi', token: await culqiToken() });
    const stranger = await newCustomer();
    const orderId = await createOrder(c, { customerId: stranger.id });
    expectProblem(await payWithSaved(orderId, pm.id), 409, 'payment_method_unusable');
    // An order without customer cannot use a saved card either.
    const anonymous = await t.http.post('/v1/orders').set(auth()).send({ amount: 1000, currency: 'PEN' });
    expectProblem(await payWithSaved(anonymous.body.id as string, pm.id), 409, 'payment_method_unusable');
    expect((await getOrder(c, orderId)).status).toBe('pending');

    const other = await t.newTenant('Other app');
    expectProblem(await t.http.get(`/v1/customers/${owner.id}/payment-methods`).set(bearer(other.apiKey)), 404, 'resource_not_found');
    expectProblem(await t.http.delete(`/v1/customers/${owner.id}/payment-methods/${pm.id}`).set(bearer(other.apiKey)), 404, 'resource_not_found');
    const theirCustomer = await newCustomer(other.apiKey);
    const theirOrder = await createOrder(clientOf(t, other.apiKey), { customerId: theirCustomer.id });
    expectProblem(await charge(clientOf(t, other.apiKey), theirOrder, { source: { type: 'payment_method', payment_method_id: pm.id } }), 404, 'resource_not_found');
    // Deleting through the wrong customer is a 404 too, and the card survives.
    expectProblem(await t.http.delete(`/v1/customers/${stranger.id}/payment-methods/${pm.id}`).set(auth()), 404, 'resource_not_found');
    expect(await culqiCards(owner.email)).toHaveLength(1);
  });

  describe('with ROUTING_CARD_PEN=mercadopago,culqi', () => {
    let t2: TestApp;
    let c2: Client;
    let info2: SandboxInfo;
    beforeAll(async () => {
      t2 = await startTestApp({ ...NO_CIRCUIT, ROUTING_CARD_PEN: 'mercadopago,culqi' });
      c2 = clientOf(t2);
      info2 = await sandboxInfo(t2);
    });
    afterAll(async () => t2.close());

    it('fails over to Culqi when Mercado Pago refuses connections; nothing reaches Mercado Pago', async () => {
      const email = `failover-${randomUUID().slice(0, 8)}@example.com`;
      const customerId = (await t2.http.post('/v1/customers').set(bearer(c2.key)).send({ email })).body.id as string;
      const pmRes = await t2.http
        .post(`/v1/customers/${customerId}/payment-methods`)
        .set(bearer(c2.key))
        .send({ tokens: { culqi: await culqiCardToken(info2, CULQI_VISA), mercadopago: await mpToken(info2, 'APRO', CULQI_VISA) } });
      expect(pmRes.status, JSON.stringify(pmRes.body)).toBe(201);
      const orderId = await createOrder(c2, { customerId });
      await injectFault(info2, 'mercadopago', { mode: 'down' });
      let body: Record<string, unknown>;
      try {
        body = expectCharge(await charge(c2, orderId, { source: { type: 'payment_method', payment_method_id: pmRes.body.id } }), 'succeeded');
      } finally {
        await clearFault(info2, 'mercadopago');
      }
      expect(body.gateway).toBe('culqi');
      expect(body.routing).toEqual([
        { gateway: 'mercadopago', reason: 'priority', result: 'not_sent' },
        { gateway: 'culqi', reason: 'failover', result: 'succeeded' },
      ]);
      expect(await getOrder(c2, orderId)).toMatchObject({ status: 'paid', gateway: 'culqi' });
      expect(await culqiChargesFor(info2, body.id as string)).toHaveLength(1);
      expect(await mercadoPagoPaymentsFor(info2, body.id as string)).toHaveLength(0);
    });
  });
});
