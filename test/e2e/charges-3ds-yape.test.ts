/**
 * Issue 3 acceptance: 3-D Secure completes on both gateways (Culqi: REVIEW → authenticate → succeeded;
 * Mercado Pago: pending_challenge → challenge at the ACS → sync → paid), a failed challenge leaves the
 * order payable, and Yape pays an order through Culqi.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { charge, createOrder, CULQI_VISA, expectCharge, expectProblem, getCharge, getOrder, listEvents, payWithCulqi, mpToken, type Client } from '../support/charge-fixtures';
import { culqiCardToken, culqiChargesFor, culqiYapeToken, mercadoPagoPaymentsFor, type SandboxInfo } from '../support/sandbox-client';
import { bearer, type TestApp } from '../support/test-app';
import { startSandboxApp } from '../support/sandbox-app';
import { ChargeSyncService } from '../../src/charges/charge-sync.service';

const REVIEW_EMAIL = 'review@culqi.com';
/** What Culqi3DS.initAuthentication hands the front end after a challenge (values are opaque to SmartPay). */
const AUTHENTICATION = {
  authentication_3ds: {
    eci: '05',
    xid: 'MDAwMDAwMDAwMDAwMDAwMzIyNzY=',
    cavv: 'AAABAWFlmQAAAABjRWWZEEFgFz+=',
    protocol_version: '2.1.0',
    directory_server_transaction_id: '88debec7-a798-46d1-bcfb-db3075fedb82',
  },
};
/** Mercado Pago 3-D Secure test cards (mercadopago.md §7). */
const MP_CHALLENGE_OK = '5483928164574623';
const MP_CHALLENGE_FAILS = '5361956806117557';

describe('3-D Secure and Yape', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp());
  });
  afterAll(async () => t.close());

  const authenticate = (chargeId: string) => t.http.post(`/v1/charges/${chargeId}/authenticate`).set(bearer(c.key)).send(AUTHENTICATION);

  /** A Culqi 3-D Secure card charged with the review e-mail: REVIEW → requires_action. */
  async function culqiReview(card: string): Promise<{ orderId: string; chargeId: string; token: string }> {
    const orderId = await createOrder(c, { email: 'buyer3ds@example.com' });
    const token = await culqiCardToken(info, card, { email: REVIEW_EMAIL, cvv: '111' });
    const body = expectCharge(await charge(c, orderId, { gateway: 'culqi', email: REVIEW_EMAIL, source: { type: 'card_token', token } }), 'requires_action');
    expect(body.next_action).toEqual({
      type: 'three_ds_challenge',
      gateway: 'culqi',
      culqi: { public_key: info.culqi.public_key, token_id: token, amount: 11800, currency: 'PEN', email: REVIEW_EMAIL },
    });
    expect(body.failure).toBeNull();
    expect(body.gateway_charge_id).toBeNull();
    expect((await getOrder(c, orderId)).status).toBe('requires_action');
    // REVIEW creates no charge at Culqi.
    expect(await culqiChargesFor(info, body.id as string)).toHaveLength(0);
    return { orderId, chargeId: body.id as string, token };
  }

  describe('Culqi', () => {
    it.each(['4456530000001096', '4456530000001005'])('%s: REVIEW → authenticate → succeeded, order paid', async (card) => {
      const { orderId, chargeId } = await culqiReview(card);
      const res = await authenticate(chargeId);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ id: chargeId, status: 'succeeded', failure: null, next_action: null, payment_method: { type: 'card', last4: card.slice(-4) } });
      expect((await getOrder(c, orderId)).status).toBe('paid');
      const held = await culqiChargesFor(info, chargeId);
      expect(held).toHaveLength(1);
      expect(held[0]!.id).toBe(res.body.gateway_charge_id);
      // The call log shows the REVIEW and the retry carrying authentication_3DS (cavv redacted).
      const detail = await getCharge(c, chargeId);
      expect(detail.gateway_calls.map((g) => [g.operation, g.status])).toEqual([
        ['create_charge', 200],
        ['complete_3ds', 201],
      ]);
      expect(detail.gateway_calls[1]!.request_body).not.toContain(AUTHENTICATION.authentication_3ds.cavv);
      // Done: a second authentication changes nothing and answers with the settled charge (no second POST).
      const again = await authenticate(chargeId);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: chargeId, status: 'succeeded' });
      expect((await getCharge(c, chargeId)).gateway_calls).toHaveLength(2);
    });

    it.each(['4456530000001070', '4456530000001013'])('%s: the challenge fails → failed authentication_failed, order payable', async (card) => {
      const { orderId, chargeId } = await culqiReview(card);
      const res = await authenticate(chargeId);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.status).toBe('failed');
      expect(res.body.failure).toMatchObject({ code: 'authentication_failed' });
      expect((await getOrder(c, orderId)).status).toBe('pending');
      await payWithCulqi(c, info, orderId);
    });

    it('a new charge replaces a pending REVIEW (nothing was charged); the old charge becomes failed', async () => {
      const { orderId, chargeId } = await culqiReview('4456530000001096');
      const token = await culqiCardToken(info, CULQI_VISA);
      const fresh = expectCharge(await charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token } }), 'succeeded');
      expect(fresh.id).not.toBe(chargeId);
      expect((await getOrder(c, orderId)).status).toBe('paid');
      const old = await getCharge(c, chargeId);
      expect(old).toMatchObject({ status: 'failed', next_action: null });
      expect((old.failure as { code: string }).code).toBe('authentication_failed');
      // The replaced attempt can no longer be completed: authenticating it answers its failed state
      // and sends nothing to Culqi.
      const replaced = await authenticate(chargeId);
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ id: chargeId, status: 'failed' });
      expect(await culqiChargesFor(info, chargeId)).toHaveLength(0);
    });

    it('authentication values are validated', async () => {
      const { chargeId } = await culqiReview('4456530000001096');
      const res = await t.http.post(`/v1/charges/${chargeId}/authenticate`).set(bearer(c.key)).send({ authentication_3ds: { eci: '05' } });
      expectProblem(res, 400, 'validation_error');
      expect((await getCharge(c, chargeId)).status).toBe('requires_action');
    });
  });

  describe('Mercado Pago', () => {
    /** A challenge card with three_ds optional: pending_challenge → requires_action. */
    async function mpChallenge(card: string): Promise<{ orderId: string; chargeId: string; url: string; creq: string }> {
      const orderId = await createOrder(c);
      const token = await mpToken(info, 'APRO', card);
      const body = expectCharge(
        await charge(c, orderId, { gateway: 'mercadopago', three_ds: { mode: 'optional' }, source: { type: 'card_token', token } }),
        'requires_action',
      );
      const next = body.next_action as { type: string; gateway: string; mercadopago: { external_resource_url: string; creq: string } };
      expect(next).toMatchObject({ type: 'three_ds_challenge', gateway: 'mercadopago' });
      expect(next.mercadopago.external_resource_url).toMatch(/^https?:\/\//);
      expect(next.mercadopago.creq.length).toBeGreaterThan(10);
      expect((await getOrder(c, orderId)).status).toBe('requires_action');
      const payments = await mercadoPagoPaymentsFor(info, body.id as string);
      expect(payments).toHaveLength(1);
      expect(payments[0]).toMatchObject({ status: 'pending', status_detail: 'pending_challenge' });
      return { orderId, chargeId: body.id as string, url: next.mercadopago.external_resource_url, creq: next.mercadopago.creq };
    }

    /**
     * After the challenge the outcome reaches SmartPay by whichever comes first: the gateway's webhook
     * (processed in the background) or the client's POST /authenticate sync. Either way the charge
     * must end in `status`; a sync that arrives after the webhook finds nothing left to authenticate.
     */
    async function settleAfterChallenge(chargeId: string, status: string): Promise<Record<string, unknown>> {
      const res = await authenticate(chargeId);
      if (res.status === 200 && res.body.status !== 'requires_action' && res.body.status !== 'pending') {
        expect(res.body.status).toBe(status);
        return res.body as Record<string, unknown>;
      }
      if (res.status !== 200) expect([409, res.body.code]).toEqual([409, 'charge_not_authenticatable']);
      for (let i = 0; i < 100; i++) {
        const current = await getCharge(c, chargeId);
        if (current.status === status) return current;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`charge ${chargeId} did not reach ${status}`);
    }

    /** The buyer's browser posts the creq into the ACS iframe, as the front end does. */
    async function completeChallenge(url: string, creq: string): Promise<void> {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ creq }).toString() });
      expect(res.status).toBe(200);
      await res.text();
    }

    it('challenge succeeds → authenticate syncs → succeeded, order paid', async () => {
      const { orderId, chargeId, url, creq } = await mpChallenge(MP_CHALLENGE_OK);
      // While the challenge is open the order takes no other charge (the payment may still complete).
      const other = await charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token: await culqiCardToken(info, CULQI_VISA) } });
      expectProblem(other, 409, 'order_processing');
      // Syncing before the buyer finished changes nothing.
      const early = await authenticate(chargeId);
      expect(early.status, JSON.stringify(early.body)).toBe(200);
      expect(early.body.status).toBe('requires_action');
      expect((await getOrder(c, orderId)).status).toBe('requires_action');

      await completeChallenge(url, creq);
      const settled = await settleAfterChallenge(chargeId, 'succeeded');
      expect(settled).toMatchObject({ status: 'succeeded', failure: null, payment_method: { type: 'card', brand: 'mastercard', last4: '4623' } });
      expect((await getOrder(c, orderId)).status).toBe('paid');
      expect((await mercadoPagoPaymentsFor(info, chargeId))[0]).toMatchObject({ status: 'approved' });
    });

    it('challenge fails → failed authentication_failed, order payable', async () => {
      const { orderId, chargeId, url, creq } = await mpChallenge(MP_CHALLENGE_FAILS);
      await completeChallenge(url, creq);
      const settled = await settleAfterChallenge(chargeId, 'failed');
      expect(settled.failure).toMatchObject({ code: 'authentication_failed', gateway_code: 'cc_rejected_3ds_challenge' });
      expect((await getOrder(c, orderId)).status).toBe('pending');
      await payWithCulqi(c, info, orderId);
    });

    it('a sync racing the webhook and reconciliation settles the charge once; the client always gets the outcome', async () => {
      // authenticate claims the charge row, then the order; the sync commits the charge, then the order. In the
      // opposite lock order MariaDB deadlocked now and then and the client got a 500 (seen in CI).
      const sync = t.app.get(ChargeSyncService);
      for (let round = 0; round < 6; round++) {
        const { orderId, chargeId, url, creq } = await mpChallenge(MP_CHALLENGE_OK);
        await completeChallenge(url, creq);
        const [res] = await Promise.all([authenticate(chargeId), sync.sync(chargeId), sync.sync(chargeId)]);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body).toMatchObject({ id: chargeId, status: 'succeeded' });
        expect((await getOrder(c, orderId)).status).toBe('paid');
        expect(await mercadoPagoPaymentsFor(info, chargeId)).toHaveLength(1);
        expect((await listEvents(c, 'order.paid')).filter((e) => e.data.id === orderId)).toHaveLength(1);
      }
    });

    it('without three_ds the same card is decided frictionless', async () => {
      const orderId = await createOrder(c);
      const token = await mpToken(info, 'APRO', MP_CHALLENGE_OK);
      expectCharge(await charge(c, orderId, { gateway: 'mercadopago', source: { type: 'card_token', token } }), 'succeeded');
      expect((await getOrder(c, orderId)).status).toBe('paid');
    });
  });

  describe('Yape', () => {
    it('a Yape token pays a PEN order through Culqi', async () => {
      const orderId = await createOrder(c, { amount: 2500 });
      const token = await culqiYapeToken(info, 2500);
      const body = expectCharge(await charge(c, orderId, { source: { type: 'yape_token', token } }), 'succeeded');
      expect(body).toMatchObject({ gateway: 'culqi', amount: 2500, payment_method: { type: 'yape' }, failure: null });
      expect(body.routing).toEqual([{ gateway: 'culqi', reason: 'yape', result: 'succeeded' }]);
      const order = await getOrder(c, orderId);
      expect(order).toMatchObject({ status: 'paid', gateway: 'culqi' });
      const held = await culqiChargesFor(info, body.id as string);
      expect(held).toHaveLength(1);
      expect(held[0]).toMatchObject({ amount: 2500, currency_code: 'PEN' });
    });

    it('Yape with gateway culqi is fine; with mercadopago → 400, nothing spent', async () => {
      const orderId = await createOrder(c, { amount: 2500 });
      const token = await culqiYapeToken(info, 2500);
      const refused = await charge(c, orderId, { gateway: 'mercadopago', source: { type: 'yape_token', token } });
      expectProblem(refused, 400, 'gateway_not_supported');
      expect(refused.body.param).toBe('gateway');
      expect((await getOrder(c, orderId)).status).toBe('pending');
      // The token was not consumed by the refusal.
      expectCharge(await charge(c, orderId, { gateway: 'culqi', source: { type: 'yape_token', token } }), 'succeeded');
    });

    it('Yape on a USD order → 400 gateway_not_supported', async () => {
      const orderId = await createOrder(c, { amount: 2500, currency: 'USD' });
      const token = await culqiYapeToken(info, 2500);
      expectProblem(await charge(c, orderId, { source: { type: 'yape_token', token } }), 400, 'gateway_not_supported');
    });
  });
});
