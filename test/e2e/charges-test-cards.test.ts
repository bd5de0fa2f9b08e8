/**
 * Issue 3 acceptance: every Culqi test card and every Mercado Pago test cardholder name produces the
 * documented outcome through POST /v1/orders/{id}/charges, with the normalised decline_code of
 * api.md's table; success marks the order paid; a decline leaves it payable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CULQI_DECLINE_CARDS } from '../../src/sandbox/culqi/culqi-test-cards';
import { MP_CARDHOLDER_OUTCOMES } from '../../src/sandbox/mercadopago/mp-test-cards';
import { charge, createOrder, CULQI_AMEX, CULQI_DINERS, CULQI_MASTERCARD, CULQI_VISA, expectCharge, expectProblem, getCharge, getOrder, payWithCulqi, payWithMercadoPago, mpToken, type Client } from '../support/charge-fixtures';
import { culqiCardToken, culqiChargesFor, mercadoPagoPaymentsFor, type SandboxInfo } from '../support/sandbox-client';
import { bearer, type TestApp } from '../support/test-app';
import { startSandboxApp } from '../support/sandbox-app';

/** Culqi decline cards (culqi.md §10.2) → Culqi's raw decline_code → SmartPay's normalised one (api.md). */
const CULQI_DECLINES: [card: string, culqiCode: string, declineCode: string][] = [
  ['4000020000000000', 'stolen_card', 'stolen_card'],
  ['4000030000000009', 'lost_card', 'lost_card'],
  ['4000040000000008', 'insufficient_funds', 'insufficient_funds'],
  ['5400000000000005', 'contact_issuer', 'contact_issuer'],
  ['5400020000000003', 'incorrect_cvv', 'incorrect_cvc'],
  ['370001000000000', 'issuer_not_available', 'issuer_unavailable'],
  ['370002000000008', 'issuer_decline_operation', 'generic_decline'],
  ['36000000000008', 'invalid_card', 'card_not_supported'],
  ['36000100000007', 'processing_error', 'processing_error'],
  ['36000200000006', 'fraudulent', 'fraudulent'],
];

const CULQI_SUCCESS: [card: string, brand: string][] = [
  [CULQI_VISA, 'visa'],
  [CULQI_MASTERCARD, 'mastercard'],
  [CULQI_AMEX, 'amex'],
  [CULQI_DINERS, 'diners'],
];

/** Mercado Pago cardholder names (mercadopago.md §8) → raw status_detail → normalised decline_code. */
const MP_DECLINES: [name: string, statusDetail: string, declineCode: string][] = [
  ['OTHE', 'cc_rejected_other_reason', 'generic_decline'],
  ['CALL', 'cc_rejected_call_for_authorize', 'contact_issuer'],
  ['FUND', 'cc_rejected_insufficient_amount', 'insufficient_funds'],
  ['SECU', 'cc_rejected_bad_filled_security_code', 'incorrect_cvc'],
  ['EXPI', 'cc_rejected_bad_filled_date', 'expired_card'],
  ['FORM', 'cc_rejected_bad_filled_other', 'generic_decline'],
  ['CARD', 'cc_rejected_bad_filled_card_number', 'generic_decline'],
  ['INST', 'cc_rejected_invalid_installments', 'invalid_installments'],
  ['DUPL', 'cc_rejected_duplicated_payment', 'duplicate_transaction'],
  ['LOCK', 'cc_rejected_card_disabled', 'card_not_supported'],
  ['CTNA', 'cc_rejected_card_type_not_allowed', 'card_not_supported'],
  ['ATTE', 'cc_rejected_max_attempts', 'generic_decline'],
  ['BLAC', 'cc_rejected_blacklist', 'fraudulent'],
];

describe('charges: every gateway test card', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp());
  });
  afterAll(async () => t.close());

  it('covers every decline card and cardholder name the simulators know', () => {
    // If the sandbox learns a new test card, this table must learn it too.
    expect(CULQI_DECLINES.map(([card]) => card).sort()).toEqual(Object.keys(CULQI_DECLINE_CARDS).sort());
    expect([...MP_DECLINES.map(([name]) => name), 'APRO', 'CONT'].sort()).toEqual(Object.keys(MP_CARDHOLDER_OUTCOMES).sort());
  });

  describe('Culqi', () => {
    it.each(CULQI_SUCCESS)('%s (%s) succeeds and marks the order paid', async (card, brand) => {
      const orderId = await createOrder(c);
      const token = await culqiCardToken(info, card);
      const before = Date.now();
      const body = expectCharge(await charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token } }), 'succeeded');
      expect(body).toMatchObject({ gateway: 'culqi', amount: 11800, currency: 'PEN', failure: null, next_action: null, payment_method: { type: 'card', brand, last4: card.slice(-4) } });
      expect(body.gateway_charge_id).toMatch(/^chr_test_/);
      const order = await getOrder(c, orderId);
      expect(order).toMatchObject({ status: 'paid', gateway: 'culqi', amount_refundable: 11800 });
      expect(Date.parse(order.paid_at as string)).toBeGreaterThanOrEqual(before - 1000);
      expect((order.latest_charge as { id: string }).id).toBe(body.id);
      // The gateway really holds one captured charge for this attempt.
      const held = await culqiChargesFor(info, body.id as string);
      expect(held).toHaveLength(1);
      expect(held[0]).toMatchObject({ id: body.gateway_charge_id, amount: 11800, currency_code: 'PEN' });
    });

    it.each(CULQI_DECLINES)('%s → card_declined %s (%s); the order stays payable', async (card, culqiCode, declineCode) => {
      const orderId = await createOrder(c);
      const token = await culqiCardToken(info, card);
      const body = expectCharge(await charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token } }), 'failed');
      expect(body.failure).toMatchObject({ code: 'card_declined', decline_code: declineCode, gateway_code: culqiCode });
      expect((body.failure as { message: string }).message.length).toBeGreaterThan(0);
      expect(body.next_action).toBeNull();
      expect((await getOrder(c, orderId)).status).toBe('pending');
      // A declined charge is recorded at Culqi (as the recordings show), but took no money.
      const held = await culqiChargesFor(info, body.id as string);
      expect(held).toHaveLength(1);
      expect(held[0]!.outcome).toMatchObject({ type: 'card_error', decline_code: culqiCode });
      // Payable again: a second attempt with a good card pays it.
      await payWithCulqi(c, info, orderId);
      const list = await t.http.get(`/v1/orders/${orderId}/charges`).set(bearer(c.key));
      expect(list.body.data.map((ch: { status: string }) => ch.status)).toEqual(['failed', 'succeeded']);
    });

    it('a used token → failed invalid_source (nothing charged), order payable', async () => {
      const first = await createOrder(c);
      const token = await culqiCardToken(info, CULQI_VISA);
      expectCharge(await charge(c, first, { gateway: 'culqi', source: { type: 'card_token', token } }), 'succeeded');
      const second = await createOrder(c);
      const body = expectCharge(await charge(c, second, { gateway: 'culqi', source: { type: 'card_token', token } }), 'failed');
      expect(body.failure).toMatchObject({ code: 'invalid_source', decline_code: null });
      expect(await culqiChargesFor(info, body.id as string)).toHaveLength(0);
      expect((await getOrder(c, second)).status).toBe('pending');
      await payWithCulqi(c, info, second);
    });
  });

  describe('Mercado Pago', () => {
    it('APRO succeeds and marks the order paid', async () => {
      const orderId = await createOrder(c, { amount: 1050 });
      const body = await payWithMercadoPago(c, info, orderId);
      expect(body).toMatchObject({ gateway: 'mercadopago', amount: 1050, failure: null, payment_method: { type: 'card', brand: 'visa', last4: '6176' } });
      const order = await getOrder(c, orderId);
      expect(order).toMatchObject({ status: 'paid', gateway: 'mercadopago' });
      expect(order.paid_at).not.toBeNull();
      const payments = await mercadoPagoPaymentsFor(info, body.id as string);
      expect(payments).toHaveLength(1);
      expect(payments[0]).toMatchObject({ id: Number(body.gateway_charge_id), status: 'approved', transaction_amount: 10.5 });
    });

    it.each(MP_DECLINES)('%s → card_declined (%s → %s); the order stays payable', async (name, statusDetail, declineCode) => {
      const orderId = await createOrder(c);
      const token = await mpToken(info, name);
      const body = expectCharge(await charge(c, orderId, { gateway: 'mercadopago', source: { type: 'card_token', token } }), 'failed');
      expect(body.failure).toMatchObject({ code: 'card_declined', decline_code: declineCode, gateway_code: statusDetail });
      expect((await getOrder(c, orderId)).status).toBe('pending');
      const payments = await mercadoPagoPaymentsFor(info, body.id as string);
      expect(payments).toHaveLength(1);
      expect(payments[0]).toMatchObject({ status: 'rejected', status_detail: statusDetail });
      await payWithMercadoPago(c, info, orderId);
    });

    it('a used token → failed invalid_source (nothing charged), order payable', async () => {
      const token = await mpToken(info, 'APRO');
      expectCharge(await charge(c, await createOrder(c), { gateway: 'mercadopago', source: { type: 'card_token', token } }), 'succeeded');
      const orderId = await createOrder(c);
      const body = expectCharge(await charge(c, orderId, { gateway: 'mercadopago', source: { type: 'card_token', token } }), 'failed');
      expect(body.failure).toMatchObject({ code: 'invalid_source', decline_code: null });
      expect(await mercadoPagoPaymentsFor(info, body.id as string)).toHaveLength(0);
      expect((await getOrder(c, orderId)).status).toBe('pending');
      await payWithMercadoPago(c, info, orderId);
    });

    it('CONT → pending; the order is processing and takes no other charge', async () => {
      const orderId = await createOrder(c);
      const token = await mpToken(info, 'CONT');
      const body = expectCharge(await charge(c, orderId, { gateway: 'mercadopago', source: { type: 'card_token', token } }), 'pending');
      expect(body.failure).toBeNull();
      expect(body.gateway_charge_id).toMatch(/^\d+$/);
      expect((await getOrder(c, orderId)).status).toBe('processing');
      const again = await charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token: await culqiCardToken(info, CULQI_VISA) } });
      expectProblem(again, 409, 'order_processing');
    });
  });

  // Mercado Pago token ids are 32 hex characters; about 1 in 600 holds a Luhn-valid run of 13+ digits.
  // The card-data guard treats a hex identifier as an identifier, so such a token reaches the gateway.
  it('a Mercado Pago token id containing a Luhn-valid digit run is not taken for a card number', async () => {
    const orderId = await createOrder(c);
    const res = await charge(c, orderId, { gateway: 'mercadopago', source: { type: 'card_token', token: 'ab4111111111111111cdef0123456789' } });
    expect(res.status).toBe(201);
    expect(res.body.failure).toMatchObject({ code: 'invalid_source' });
  });

  describe('refusals before any gateway call', () => {
    it('a card_token without gateway → 400 gateway_required', async () => {
      const orderId = await createOrder(c);
      const token = await culqiCardToken(info, CULQI_VISA);
      const res = await charge(c, orderId, { source: { type: 'card_token', token } });
      expectProblem(res, 400, 'gateway_required');
      expect(res.body.param).toBe('gateway');
      expect((await getOrder(c, orderId)).status).toBe('pending');
    });

    it('a USD order at Mercado Pago → 400 gateway_not_supported', async () => {
      const orderId = await createOrder(c, { currency: 'USD', amount: 5400 });
      const token = await mpToken(info, 'APRO');
      const res = await charge(c, orderId, { gateway: 'mercadopago', source: { type: 'card_token', token } });
      expectProblem(res, 400, 'gateway_not_supported');
      expect((await getOrder(c, orderId)).status).toBe('pending');
      // USD goes to Culqi.
      await payWithCulqi(c, info, orderId);
    });

    it('a paid order → 409 order_already_paid, and nothing reaches the gateway', async () => {
      const orderId = await createOrder(c);
      await payWithCulqi(c, info, orderId);
      const before = (await culqiChargesFor(info)).length;
      const res = await charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token: await culqiCardToken(info, CULQI_VISA) } });
      expectProblem(res, 409, 'order_already_paid');
      expect((await culqiChargesFor(info)).length).toBe(before);
    });

    it('a canceled order → 409 order_not_payable', async () => {
      const orderId = await createOrder(c);
      const canceled = await t.http.post(`/v1/orders/${orderId}/cancel`).set(bearer(c.key));
      expect(canceled.status, JSON.stringify(canceled.body)).toBe(200);
      const res = await charge(c, orderId, { gateway: 'mercadopago', source: { type: 'card_token', token: await mpToken(info, 'APRO') } });
      expectProblem(res, 409, 'order_not_payable');
      expect((await getOrder(c, orderId)).status).toBe('canceled');
    });

    it('an expired order → 409 order_not_payable, even before the expiry job runs', async () => {
      const res = await t.http
        .post('/v1/orders')
        .set(bearer(c.key))
        .send({ amount: 1000, currency: 'PEN', customer: { email: 'ana@example.com' }, expires_at: new Date(Date.now() + 1000).toISOString() });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const token = await culqiCardToken(info, CULQI_VISA);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expectProblem(await charge(c, res.body.id as string, { gateway: 'culqi', source: { type: 'card_token', token } }), 409, 'order_not_payable');
    });

    it('every attempt leaves its gateway call in the charge detail', async () => {
      const orderId = await createOrder(c);
      const token = await culqiCardToken(info, '4000040000000008');
      const body = expectCharge(await charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token } }), 'failed');
      const detail = await getCharge(c, body.id as string);
      expect(detail.gateway_calls).toHaveLength(1);
      expect(detail.gateway_calls[0]).toMatchObject({ operation: 'create_charge', method: 'POST', status: 402, error_class: 'http_4xx' });
    });
  });
});
