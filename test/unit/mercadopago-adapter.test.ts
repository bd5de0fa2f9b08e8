import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayHttpClient } from '../../src/gateways/http/gateway-http.client';
import { MercadoPagoGateway } from '../../src/gateways/mercadopago/mercadopago.gateway';
import type { MercadoPagoSettings } from '../../src/gateways/mercadopago/mercadopago.settings';
import type { CallContext, ChargeRequest, RefundReference } from '../../src/gateways/payment-gateway.port';

// A tiny stand-in for api.mercadopago.com answering canned bodies shaped as in the reference.

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: unknown;
}
type Reply = { status: number; json?: unknown; close?: boolean } | 'hang';
type Handler = (req: Seen, index: number) => Reply;

interface FakeMp {
  url: string;
  seen: Seen[];
  handle: Handler;
  server: Server;
}

async function startFakeMp(): Promise<FakeMp> {
  const notFound: Handler = () => ({ status: 404, json: { message: 'not found' } });
  const fake = { seen: [] as Seen[], handle: notFound } as FakeMp;
  fake.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const seen: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw, body: raw ? JSON.parse(raw) : undefined };
      fake.seen.push(seen);
      const reply = fake.handle(seen, fake.seen.length - 1);
      if (reply === 'hang') return; // never answer: the client's timeout fires
      res.writeHead(reply.status, { 'Content-Type': 'application/json', ...(reply.close ? { Connection: 'close' } : {}) });
      res.end(reply.json === undefined ? '' : JSON.stringify(reply.json));
    });
  });
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  return fake;
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A loopback port nobody listens on: connection refused. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const ACCESS_TOKEN = 'TEST-8374628374-112233-accesstokensecretvalue';
const PUBLIC_KEY = 'TEST-pubkey-0a1b2c3d-4e5f';
const CARD_TOKEN = 'ff8080814c11e237014c1ff593b57b4d';
const SAVED_CARD_TOKEN = '9b2d63e00d66a8c721607214ceda233a';
const CUSTOMER_REF = '448870796-7ZjwhKGxILixxN';
const CHARGE_ID = 'ch_01JTESTCHARGE0000000000001';
const EMAIL = 'buyer.person@example.com';

let fake: FakeMp;
beforeAll(async () => {
  fake = await startFakeMp();
});
afterAll(async () => {
  await stop(fake.server);
});
afterEach(() => {
  fake.seen.length = 0;
});

function gateway(over: Partial<MercadoPagoSettings> = {}): MercadoPagoGateway {
  const settings: MercadoPagoSettings = {
    apiUrl: fake.url,
    accessToken: ACCESS_TOKEN,
    publicKey: PUBLIC_KEY,
    timeoutMs: 2000,
    maxRetries: 2,
    retryBaseDelayMs: 5,
    ...over,
  };
  return new MercadoPagoGateway(settings, new GatewayHttpClient());
}

const newCtx = (): CallContext => ({ appId: 'app_test', chargeId: CHARGE_ID, calls: [] });

function chargeRequest(over: Partial<ChargeRequest> = {}): ChargeRequest {
  return {
    chargeId: CHARGE_ID,
    amount: 11800,
    currency: 'PEN',
    email: EMAIL,
    description: 'Plan Professional',
    source: { type: 'card_token', token: CARD_TOKEN, paymentMethodId: 'visa', issuerId: '1039' },
    installments: 1,
    attemptedAt: new Date(),
    ...over,
  };
}

function payment(over: Record<string, unknown> = {}) {
  return {
    id: 17014025134,
    status: 'approved',
    status_detail: 'accredited',
    transaction_amount: 118,
    transaction_amount_refunded: 0,
    currency_id: 'PEN',
    external_reference: CHARGE_ID,
    payment_method_id: 'visa',
    payment_type_id: 'credit_card',
    issuer_id: '1039',
    live_mode: false,
    card: {
      first_six_digits: '400917',
      last_four_digits: '6176',
      expiration_month: 11,
      expiration_year: 2030,
      cardholder: { name: 'APRO', identification: { type: 'DNI', number: '123456789' } },
    },
    ...over,
  };
}

const payments = (seen: Seen[]) => seen.filter((s) => s.method === 'POST' && s.url === '/v1/payments');

describe('MercadoPagoGateway.charge', () => {
  it('pays with the exact decimal amount, our reference and a key derived from the charge id', async () => {
    fake.handle = () => ({ status: 201, json: payment() });
    const ctx = newCtx();
    const outcome = await gateway().charge(chargeRequest({ notificationUrl: 'https://smartpay.example/webhooks/mercadopago' }), ctx);

    expect(outcome).toEqual({
      status: 'succeeded',
      gatewayChargeId: '17014025134',
      card: { brand: 'visa', last4: '6176', expMonth: 11, expYear: 2030 },
      gatewayStatus: { status: 'approved', statusDetail: 'accredited' },
    });
    const [sent] = payments(fake.seen);
    expect(sent!.raw).toContain('"transaction_amount":118,');
    expect(sent!.headers['x-idempotency-key']).toBe(`smartpay-${CHARGE_ID}`);
    expect(sent!.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(sent!.body).toMatchObject({
      token: CARD_TOKEN,
      installments: 1,
      payment_method_id: 'visa',
      issuer_id: 1039,
      payer: { email: EMAIL },
      description: 'Plan Professional',
      external_reference: CHARGE_ID,
      notification_url: 'https://smartpay.example/webhooks/mercadopago',
      metadata: { smartpay_charge_id: CHARGE_ID },
    });
    expect(sent!.body).not.toHaveProperty('three_d_secure_mode');
    expect(ctx.calls.map((c) => c.operation)).toEqual(['create_payment']);
  });

  it.each([
    [1050, '10.5'],
    [1, '0.01'],
    [100, '1'],
  ])('sends %i minor units as the JSON number %s', async (amount, text) => {
    fake.handle = () => ({ status: 201, json: payment() });
    await gateway().charge(chargeRequest({ amount }), newCtx());
    expect(payments(fake.seen)[0]!.raw).toContain(`"transaction_amount":${text},`);
  });

  // Every Mercado Pago row of api.md's normalisation table, plus details it sends to "anything else".
  it.each([
    ['cc_rejected_insufficient_amount', 'insufficient_funds'],
    ['insufficient_amount', 'insufficient_funds'],
    ['cc_rejected_bad_filled_date', 'expired_card'],
    ['cc_rejected_bad_filled_security_code', 'incorrect_cvc'],
    ['cc_rejected_card_type_not_allowed', 'card_not_supported'],
    ['cc_rejected_card_disabled', 'card_not_supported'],
    ['cc_rejected_call_for_authorize', 'contact_issuer'],
    ['bank_error', 'issuer_unavailable'],
    ['cc_rejected_high_risk', 'fraudulent'],
    ['cc_rejected_blacklist', 'fraudulent'],
    ['cc_rejected_card_error', 'processing_error'],
    ['cc_rejected_invalid_installments', 'invalid_installments'],
    ['cc_rejected_duplicated_payment', 'duplicate_transaction'],
    ['cc_rejected_other_reason', 'generic_decline'],
    ['cc_rejected_bad_filled_other', 'generic_decline'],
    ['cc_rejected_bad_filled_card_number', 'generic_decline'],
    ['cc_rejected_max_attempts', 'generic_decline'],
    ['rejected_by_bank', 'generic_decline'],
    ['rejected_by_regulations', 'generic_decline'],
    ['rejected_insufficient_data', 'generic_decline'],
    ['cc_amount_rate_limit_exceeded', 'generic_decline'],
    ['cc_rejected_3ds_mandatory', 'generic_decline'],
    ['something_new_tomorrow', 'generic_decline'],
  ])('rejected/%s → card_declined %s', async (detail, declineCode) => {
    fake.handle = () => ({ status: 201, json: payment({ status: 'rejected', status_detail: detail }) });
    const outcome = await gateway().charge(chargeRequest(), newCtx());
    expect(outcome).toMatchObject({
      status: 'failed',
      gatewayChargeId: '17014025134',
      failure: { code: 'card_declined', declineCode, gatewayCode: detail },
    });
  });

  it.each(['pending_contingency', 'pending_review_manual', 'offline_process', 'deferred_retry'])('in_process/%s → pending asynchronous', async (detail) => {
    fake.handle = () => ({ status: 201, json: payment({ status: 'in_process', status_detail: detail }) });
    const outcome = await gateway().charge(chargeRequest(), newCtx());
    expect(outcome).toEqual({ status: 'pending', gatewayChargeId: '17014025134', reason: 'asynchronous', gatewayStatus: { status: 'in_process', statusDetail: detail } });
  });

  it('pending/pending_challenge → requires_action with what the front end needs', async () => {
    const threeDs = { external_resource_url: 'https://acs-public.tp.mastercard.com/api/v1/browser_Challenges', creq: 'eyJ0aHJlZURTU2VydmVyVHJhbnNJRCI6IjEifQ' };
    fake.handle = () => ({ status: 201, json: payment({ status: 'pending', status_detail: 'pending_challenge', three_ds_info: threeDs }) });
    const outcome = await gateway().charge(chargeRequest({ threeDsMode: 'optional' }), newCtx());
    expect(outcome).toMatchObject({
      status: 'requires_action',
      gatewayChargeId: '17014025134',
      nextAction: { type: 'three_ds_challenge', gateway: 'mercadopago', mercadopago: threeDs },
    });
    expect(payments(fake.seen)[0]!.body).toMatchObject({ three_d_secure_mode: 'optional', binary_mode: false });
  });

  it('a failed 3-D Secure challenge → authentication_failed', async () => {
    fake.handle = () => ({ status: 201, json: payment({ status: 'rejected', status_detail: 'cc_rejected_3ds_challenge' }) });
    const outcome = await gateway().charge(chargeRequest(), newCtx());
    expect(outcome).toMatchObject({ status: 'failed', failure: { code: 'authentication_failed', declineCode: null, gatewayCode: 'cc_rejected_3ds_challenge' } });
  });

  it('cancelled → failed card_declined / generic_decline with the detail kept', async () => {
    fake.handle = () => ({ status: 201, json: payment({ status: 'cancelled', status_detail: 'expired' }) });
    const outcome = await gateway().charge(chargeRequest(), newCtx());
    expect(outcome).toMatchObject({ status: 'failed', failure: { code: 'card_declined', declineCode: 'generic_decline', gatewayCode: 'expired' } });
  });

  it.each(['refunded', 'charged_back', 'in_mediation'])('%s is a succeeded charge, with the raw status for the service', async (status) => {
    fake.handle = () => ({ status: 200, json: payment({ status, status_detail: 'settled' }) });
    const outcome = await gateway().charge(chargeRequest(), newCtx());
    expect(outcome).toMatchObject({ status: 'succeeded', gatewayStatus: { status } });
  });

  it.each([2006, '3003'])('400 with cause %s → invalid_source', async (code) => {
    fake.handle = () => ({
      status: 400,
      json: { message: 'Card Token not found', error: 'bad_request', status: 400, cause: [{ code, description: 'Card Token not found', data: 'x' }] },
    });
    const outcome = await gateway().charge(chargeRequest(), newCtx());
    expect(outcome).toEqual({
      status: 'failed',
      gatewayChargeId: null,
      card: null,
      failure: { code: 'invalid_source', declineCode: null, message: 'Mercado Pago: Card Token not found', gatewayCode: String(code) },
    });
    expect(payments(fake.seen)).toHaveLength(1);
  });

  it('another 4xx → gateway_error with the message, not retried', async () => {
    fake.handle = () => ({ status: 400, json: { message: 'Invalid transaction_amount', error: 'bad_request', status: 400, cause: [{ code: 4037, description: 'x' }] } });
    const outcome = await gateway().charge(chargeRequest(), newCtx());
    expect(outcome).toMatchObject({ status: 'failed', failure: { code: 'gateway_error', message: 'Mercado Pago: Invalid transaction_amount', gatewayCode: '4037' } });
    expect(payments(fake.seen)).toHaveLength(1);
  });

  it('500 twice then 201 → retried with the same X-Idempotency-Key and succeeded', async () => {
    fake.handle = (_req, i) => (i < 2 ? { status: 500, json: { message: 'internal_error', error: null, status: 500, cause: [] } } : { status: 201, json: payment() });
    const ctx = newCtx();
    const outcome = await gateway().charge(chargeRequest(), ctx);
    expect(outcome.status).toBe('succeeded');
    const sent = payments(fake.seen);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((s) => s.headers['x-idempotency-key']))).toEqual(new Set([`smartpay-${CHARGE_ID}`]));
    expect(new Set(sent.map((s) => s.raw)).size).toBe(1);
    expect(ctx.calls.map((c) => c.httpStatus)).toEqual([500, 500, 201]);
  });

  it('500 on every attempt → pending once the retries are exhausted', async () => {
    fake.handle = () => ({ status: 503, json: { message: 'unavailable' } });
    const outcome = await gateway().charge(chargeRequest(), newCtx());
    expect(outcome).toEqual({ status: 'pending', gatewayChargeId: null, reason: 'ambiguous_error' });
    expect(payments(fake.seen)).toHaveLength(3);
  });

  it('a hanging answer → timeout, retried once with the same key, then pending', async () => {
    fake.handle = () => 'hang';
    const ctx = newCtx();
    const outcome = await gateway({ timeoutMs: 150, maxRetries: 1 }).charge(chargeRequest(), ctx);
    expect(outcome).toEqual({ status: 'pending', gatewayChargeId: null, reason: 'timeout' });
    const sent = payments(fake.seen);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.headers['x-idempotency-key']).toBe(`smartpay-${CHARGE_ID}`);
    expect(sent[1]!.headers['x-idempotency-key']).toBe(sent[0]!.headers['x-idempotency-key']);
    expect(ctx.calls.map((c) => c.errorClass)).toEqual(['timeout', 'timeout']);
    fake.server.closeAllConnections();
  });

  it('a 4xx after an unanswered attempt is not a failure: the first attempt may have used the token', async () => {
    fake.handle = (_req, i) => (i === 0 ? 'hang' : { status: 400, json: { message: 'Card Token not found', cause: [{ code: 2006 }] } });
    const outcome = await gateway({ timeoutMs: 150 }).charge(chargeRequest(), newCtx());
    expect(outcome).toEqual({ status: 'pending', gatewayChargeId: null, reason: 'ambiguous_error' });
    fake.server.closeAllConnections();
  });

  it('connection refused on the first attempt → not_sent', async () => {
    const gw = new MercadoPagoGateway({ apiUrl: await closedPort(), accessToken: ACCESS_TOKEN, publicKey: PUBLIC_KEY, timeoutMs: 1000, retryBaseDelayMs: 5 }, new GatewayHttpClient());
    const ctx = newCtx();
    const outcome = await gw.charge(chargeRequest(), ctx);
    expect(outcome).toEqual({ status: 'not_sent', reason: 'Mercado Pago unreachable (connection_refused)' });
    expect(ctx.calls).toHaveLength(1);
    expect(ctx.calls[0]!.errorClass).toBe('connection_refused');
  });

  it('connection refused after an ambiguous attempt → pending, never not_sent', async () => {
    const lonely = await startFakeMp();
    lonely.handle = () => {
      // Answer 500, then stop listening: the retry finds the port closed.
      setImmediate(() => lonely.server.close());
      return { status: 500, json: { message: 'internal_error' }, close: true };
    };
    const gw = new MercadoPagoGateway({ apiUrl: lonely.url, accessToken: ACCESS_TOKEN, publicKey: PUBLIC_KEY, timeoutMs: 1000, retryBaseDelayMs: 20 }, new GatewayHttpClient());
    const ctx = newCtx();
    const outcome = await gw.charge(chargeRequest(), ctx);
    expect(outcome).toEqual({ status: 'pending', gatewayChargeId: null, reason: 'ambiguous_error' });
    expect(ctx.calls.map((c) => c.errorClass)).toEqual(['http_5xx', 'connection_refused']);
    lonely.server.closeAllConnections();
  });

  it('looks up payment_method_id and issuer_id when the token comes without them', async () => {
    fake.handle = (req) => {
      if (req.method === 'GET' && req.url === `/v1/card_tokens/${CARD_TOKEN}`) {
        return { status: 200, json: { id: CARD_TOKEN, first_six_digits: '400917', last_four_digits: '6176', expiration_month: 11, expiration_year: 2030, status: 'active', luhn_validation: true } };
      }
      if (req.method === 'GET' && req.url.startsWith('/v1/payment_methods/search?')) {
        return {
          status: 200,
          json: {
            paging: { total: 2, limit: 30, offset: 0 },
            results: [
              { id: 'account_money', payment_type_id: 'account_money' },
              { id: 'visa', payment_type_id: 'credit_card', issuer: { id: 1039, name: 'Visa' } },
            ],
          },
        };
      }
      return { status: 201, json: payment() };
    };
    const ctx = newCtx();
    const outcome = await gateway().charge(chargeRequest({ source: { type: 'card_token', token: CARD_TOKEN } }), ctx);
    expect(outcome.status).toBe('succeeded');
    expect(ctx.calls.map((c) => c.operation)).toEqual(['get_card_token', 'search_payment_methods', 'create_payment']);
    const search = new URL(fake.seen[1]!.url, 'http://x');
    expect(search.searchParams.get('bin')).toBe('400917');
    expect(search.searchParams.get('public_key')).toBe(PUBLIC_KEY);
    expect(fake.seen[0]!.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(payments(fake.seen)[0]!.body).toMatchObject({ payment_method_id: 'visa', issuer_id: 1039, token: CARD_TOKEN });
  });

  it('an unknown card token fails as invalid_source without any payment POST', async () => {
    fake.handle = () => ({ status: 404, json: { message: 'not found', error: 'not_found', status: 404, cause: [] } });
    const outcome = await gateway().charge(chargeRequest({ source: { type: 'card_token', token: CARD_TOKEN } }), newCtx());
    expect(outcome).toMatchObject({ status: 'failed', failure: { code: 'invalid_source' } });
    expect(payments(fake.seen)).toHaveLength(0);
  });

  it('charges a saved card through a card token made from its card id, as the customer', async () => {
    fake.handle = (req) => {
      if (req.method === 'POST' && req.url === '/v1/card_tokens') {
        return { status: 201, json: { id: SAVED_CARD_TOKEN, card_id: '1562188766852', first_six_digits: '503175', last_four_digits: '0604', expiration_month: 11, expiration_year: 2030 } };
      }
      if (req.url.startsWith('/v1/payment_methods/search?')) {
        return { status: 200, json: { results: [{ id: 'master', payment_type_id: 'credit_card', issuer: { id: 3, name: 'Mastercard' } }] } };
      }
      return { status: 201, json: payment({ payment_method_id: 'master', card: { last_four_digits: '0604', expiration_month: 11, expiration_year: 2030 } }) };
    };
    const ctx = newCtx();
    const outcome = await gateway().charge(chargeRequest({ source: { type: 'saved_card', customerRef: CUSTOMER_REF, cardRef: '1562188766852' } }), ctx);
    expect(outcome).toMatchObject({ status: 'succeeded', card: { brand: 'mastercard', last4: '0604' } });
    expect(ctx.calls.map((c) => c.operation)).toEqual(['create_card_token', 'search_payment_methods', 'create_payment']);
    expect(fake.seen[0]!.body).toEqual({ card_id: '1562188766852' });
    expect(payments(fake.seen)[0]!.body).toMatchObject({ token: SAVED_CARD_TOKEN, payment_method_id: 'master', payer: { type: 'customer', id: CUSTOMER_REF } });
  });

  it('refuses Yape and non-PEN currencies without calling Mercado Pago', async () => {
    const yape = await gateway().charge(chargeRequest({ source: { type: 'yape_token', token: 'ype_test_x' } }), newCtx());
    expect(yape).toMatchObject({ status: 'failed', failure: { code: 'invalid_source' } });
    const usd = await gateway().charge(chargeRequest({ currency: 'USD' }), newCtx());
    expect(usd).toMatchObject({ status: 'failed', failure: { code: 'gateway_error' } });
    expect(fake.seen).toHaveLength(0);
  });

  it('declares its capabilities', () => {
    expect(gateway().capabilities).toEqual({
      cards: true,
      yape: false,
      threeDSecure: true,
      savedCards: true,
      partialRefunds: true,
      lookupByReference: true,
      currencies: ['PEN'],
    });
  });
});

describe('MercadoPagoGateway lookups', () => {
  it('finds a charge by external_reference, newest first, preferring the payment that took money', async () => {
    fake.handle = () => ({
      status: 200,
      json: {
        paging: { total: 2, limit: 30, offset: 0 },
        results: [payment({ id: 2002, status: 'rejected', status_detail: 'cc_rejected_other_reason' }), payment({ id: 2001, transaction_amount: 10.5 })],
      },
    });
    const found = await gateway().findChargeByReference({ chargeId: CHARGE_ID, attemptedAt: new Date(), amount: 1050, currency: 'PEN' }, newCtx());
    expect(found).toMatchObject({ found: true, amount: 1050, currency: 'PEN', outcome: { status: 'succeeded', gatewayChargeId: '2001' } });
    const url = new URL(fake.seen[0]!.url, 'http://x');
    expect(url.pathname).toBe('/v1/payments/search');
    expect(Object.fromEntries(url.searchParams)).toEqual({ external_reference: CHARGE_ID, sort: 'date_created', criteria: 'desc' });
  });

  it('nothing under our reference → found: false', async () => {
    fake.handle = () => ({ status: 200, json: { paging: { total: 0, limit: 30, offset: 0 }, results: [] } });
    expect(await gateway().findChargeByReference({ chargeId: CHARGE_ID, attemptedAt: new Date(), amount: 1, currency: 'PEN' }, newCtx())).toEqual({ found: false });
  });

  it('getCharge maps the payment and its exact amount; 404 → found: false; outage → error', async () => {
    fake.handle = (req) => (req.url === '/v1/payments/17014025134' ? { status: 200, json: payment() } : { status: 404, json: { message: 'Payment not found', cause: [{ code: 2000 }] } });
    expect(await gateway().getCharge('17014025134', newCtx())).toMatchObject({ found: true, amount: 11800, outcome: { status: 'succeeded' } });
    expect(await gateway().getCharge('1', newCtx())).toEqual({ found: false });
    fake.handle = () => ({ status: 502, json: null });
    const ctx = newCtx();
    expect(await gateway().getCharge('17014025134', ctx)).toHaveProperty('error');
    expect(ctx.calls).toHaveLength(3);
  });

  it('a payment amount with more than 2 decimals is an error, never rounded', async () => {
    fake.handle = () => ({ status: 200, json: payment({ transaction_amount: 118.005 }) });
    expect(await gateway().getCharge('17014025134', newCtx())).toHaveProperty('error');
  });

  it('completeThreeDs reports what Mercado Pago now holds for the charge', async () => {
    fake.handle = () => ({ status: 200, json: { results: [payment()] } });
    const outcome = await gateway().completeThreeDs(chargeRequest(), { eci: '05', cavv: 'AAAB', protocolVersion: '2.1.0' }, newCtx());
    expect(outcome).toMatchObject({ status: 'succeeded', gatewayChargeId: '17014025134' });
    expect(fake.seen.every((s) => s.method === 'GET')).toBe(true);
  });
});

describe('MercadoPagoGateway.refund', () => {
  const refund = (over: Partial<Parameters<MercadoPagoGateway['refund']>[0]> = {}) => ({
    refundId: 're_01JTESTREFUND',
    gatewayChargeId: '17014025134',
    amount: 11800,
    full: true,
    currency: 'PEN' as const,
    reason: 'requested_by_customer' as const,
    ...over,
  });

  it('full refund sends {} with a key derived from our refund id', async () => {
    fake.handle = () => ({ status: 201, json: { id: 1245678203, payment_id: 17014025134, amount: 118, status: 'approved' } });
    const outcome = await gateway().refund(refund(), newCtx());
    expect(outcome).toEqual({ status: 'succeeded', gatewayRefundId: '1245678203' });
    expect(fake.seen[0]!.url).toBe('/v1/payments/17014025134/refunds');
    expect(fake.seen[0]!.raw).toBe('{}');
    expect(fake.seen[0]!.headers['x-idempotency-key']).toBe('smartpay-re_01JTESTREFUND');
  });

  it('partial refund sends the exact decimal amount', async () => {
    fake.handle = () => ({ status: 201, json: { id: 1245678204, amount: 50.25, status: 'approved' } });
    const outcome = await gateway().refund(refund({ amount: 5025, full: false }), newCtx());
    expect(outcome).toEqual({ status: 'succeeded', gatewayRefundId: '1245678204' });
    expect(fake.seen[0]!.raw).toBe('{"amount":50.25}');
  });

  it('400 with a cause → failed with that code; retries exhausted → pending with the same key', async () => {
    fake.handle = () => ({ status: 400, json: { message: 'Payment too old to be refunded', error: 'bad_request', status: 400, cause: [{ code: 2024 }] } });
    expect(await gateway().refund(refund(), newCtx())).toEqual({ status: 'failed', message: 'Mercado Pago: Payment too old to be refunded', gatewayCode: '2024' });
    fake.seen.length = 0;
    fake.handle = () => ({ status: 500, json: {} });
    expect(await gateway().refund(refund(), newCtx())).toMatchObject({ status: 'pending' });
    expect(fake.seen).toHaveLength(3);
    expect(new Set(fake.seen.map((s) => s.headers['x-idempotency-key'])).size).toBe(1);
  });
});

describe('MercadoPagoGateway.findRefund', () => {
  const ATTEMPT = Date.parse('2026-11-28T15:00:00.000Z');
  /** Mercado Pago's date format (mercadopago.md §4), in Lima time. */
  const mpDate = (ms: number) => `${new Date(ms - 4 * 3_600_000).toISOString().slice(0, 23)}-04:00`;
  const mpRefund = (id: number, amount: number, afterMs: number, status = 'approved') => ({
    id,
    payment_id: 17014025134,
    amount,
    metadata: {},
    source: { id: '823549964', name: 'Seller', type: 'collector' },
    date_created: mpDate(ATTEMPT + afterMs),
    unique_sequence_number: null,
    refund_mode: 'standard',
    adjustment_amount: 0,
    status,
    reason: null,
    amount_refunded_to_payer: amount,
    labels: [],
    partition_details: [],
  });
  const reference = (over: Partial<RefundReference> = {}): RefundReference => ({
    refundId: 're_01JTESTREFUND',
    gatewayChargeId: '17014025134',
    gatewayRefundId: null,
    amount: 5025,
    currency: 'PEN',
    attemptedAt: new Date(ATTEMPT),
    excludeGatewayRefundIds: [],
    ...over,
  });
  const listing = (refunds: unknown[]) => {
    fake.handle = () => ({ status: 200, json: refunds });
  };

  it('reads GET /v1/payments/{id}/refunds (no idempotency key, nothing POSTed) and follows a known refund id', async () => {
    listing([mpRefund(1001, 50.25, 1_000, 'in_process'), mpRefund(1002, 50.25, 2_000)]);
    const ctx = newCtx();
    expect(await gateway().findRefund(reference({ gatewayRefundId: '1001' }), ctx)).toEqual({ found: true, gatewayRefundId: '1001', status: 'pending' });
    expect(fake.seen.map((s) => [s.method, s.url])).toEqual([['GET', '/v1/payments/17014025134/refunds']]);
    expect(fake.seen[0]!.headers['x-idempotency-key']).toBeUndefined();
    expect(ctx.calls.map((c) => c.operation)).toEqual(['list_refunds']);
    // A known id the listing does not hold is not found, whatever else matches.
    expect(await gateway().findRefund(reference({ gatewayRefundId: '999' }), newCtx())).toEqual({ found: false });
  });

  it('without an id: exactly our amount (exact decimals), from a minute before the attempt, not excluded; the oldest wins', async () => {
    listing([
      mpRefund(2001, 50.25, -61_000), // before the window
      mpRefund(2002, 50.26, 500), // another amount
      mpRefund(2003, 50.25, 3_000),
      mpRefund(2004, 50.25, -30_000), // within the minute of clock skew: the oldest candidate
      mpRefund(2005, 502.5, 100), // the same digits, ten times the amount
    ]);
    expect(await gateway().findRefund(reference(), newCtx())).toEqual({ found: true, gatewayRefundId: '2004', status: 'succeeded' });
    expect(await gateway().findRefund(reference({ excludeGatewayRefundIds: ['2004'] }), newCtx())).toEqual({ found: true, gatewayRefundId: '2003', status: 'succeeded' });
    expect(await gateway().findRefund(reference({ excludeGatewayRefundIds: ['2004', '2003'] }), newCtx())).toEqual({ found: false });
    expect(await gateway().findRefund(reference({ amount: 5026 }), newCtx())).toEqual({ found: true, gatewayRefundId: '2002', status: 'succeeded' });
    expect(await gateway().findRefund(reference({ amount: 50250 }), newCtx())).toEqual({ found: true, gatewayRefundId: '2005', status: 'succeeded' });
    listing([]);
    expect(await gateway().findRefund(reference(), newCtx())).toEqual({ found: false });
  });

  it.each([
    ['approved', 'succeeded'],
    ['rejected', 'failed'],
    ['cancelled', 'failed'],
    ['pending', 'pending'],
    ['in_process', 'pending'],
    ['something_new', 'pending'],
  ] as const)('a refund %s → %s', async (status, expected) => {
    listing([mpRefund(3001, 50.25, 1_000, status)]);
    expect(await gateway().findRefund(reference(), newCtx())).toEqual({ found: true, gatewayRefundId: '3001', status: expected });
  });

  it('errors are errors, never "not found": retries exhausted, 404 payment, a body that is no list, an unreadable refund', async () => {
    fake.handle = () => ({ status: 503, json: {} });
    expect(await gateway().findRefund(reference(), newCtx())).toHaveProperty('error');
    expect(fake.seen).toHaveLength(3);
    fake.handle = () => ({ status: 404, json: { message: 'Payment not found', error: 'not_found', status: 404, cause: [{ code: 2000 }] } });
    expect(await gateway().findRefund(reference(), newCtx())).toEqual({ error: 'Mercado Pago: Payment not found' });
    fake.handle = () => ({ status: 200, json: { results: [] } });
    expect(await gateway().findRefund(reference(), newCtx())).toHaveProperty('error');
    listing([mpRefund(4001, 50.25, 1_000), { ...mpRefund(4002, 50.25, 1_000), amount: 0.1 + 0.2 }]);
    expect(await gateway().findRefund(reference(), newCtx())).toEqual({ error: 'a Mercado Pago refund in the listing could not be read' });
    listing([{ ...mpRefund(4003, 50.25, 1_000), date_created: 'yesterday' }]);
    expect(await gateway().findRefund(reference(), newCtx())).toHaveProperty('error');
  });

  it('a refund POST answered in_process stays pending and carries the refund id for the lookups', async () => {
    fake.handle = () => ({ status: 201, json: mpRefund(5001, 118, 0, 'in_process') });
    const outcome = await gateway().refund(
      { refundId: 're_01JTESTREFUND', gatewayChargeId: '17014025134', amount: 11800, full: true, currency: 'PEN', reason: 'requested_by_customer' },
      newCtx(),
    );
    expect(outcome).toEqual({ status: 'pending', reason: 'Mercado Pago refund 5001 is in_process', gatewayRefundId: '5001' });
  });
});

describe('MercadoPagoGateway saved cards', () => {
  const savedCard = {
    id: 1562188766852,
    customer_id: CUSTOMER_REF,
    expiration_month: 6,
    expiration_year: 2030,
    first_six_digits: 423564,
    last_four_digits: 5682,
    payment_method: { id: 'visa', name: 'visa', payment_type_id: 'credit_card' },
    issuer: { id: 25, name: 'Visa' },
  };

  it('reuses the customer that already exists for the e-mail, then saves the card', async () => {
    fake.handle = (req) => {
      if (req.method === 'POST' && req.url === '/v1/customers') {
        return { status: 400, json: { message: 'the customer already exist', error: 'bad_request', status: 400, cause: [{ code: '101', description: 'the customer already exist' }] } };
      }
      if (req.method === 'GET' && req.url.startsWith('/v1/customers/search?')) {
        return { status: 200, json: { paging: { total: 1 }, results: [{ id: CUSTOMER_REF, email: EMAIL }] } };
      }
      return { status: 201, json: savedCard };
    };
    const ctx = newCtx();
    const outcome = await gateway().saveCard({ token: CARD_TOKEN, email: EMAIL, name: 'Ana Quispe', existingCustomerRef: null }, ctx);
    expect(outcome).toEqual({
      status: 'saved',
      ref: { customerRef: CUSTOMER_REF, cardRef: '1562188766852' },
      card: { brand: 'visa', last4: '5682', expMonth: 6, expYear: 2030 },
    });
    expect(ctx.calls.map((c) => c.operation)).toEqual(['create_customer', 'search_customers', 'create_card']);
    expect(new URL(fake.seen[1]!.url, 'http://x').searchParams.get('email')).toBe(EMAIL);
    expect(fake.seen[2]!.url).toBe(`/v1/customers/${CUSTOMER_REF}/cards`);
    expect(fake.seen[2]!.body).toEqual({ token: CARD_TOKEN });
  });

  it('creates the customer when none exists; uses an existing ref without creating one', async () => {
    fake.handle = (req) => (req.url === '/v1/customers' ? { status: 201, json: { id: 'new-customer-1', email: EMAIL } } : { status: 201, json: savedCard });
    const created = await gateway().saveCard({ token: CARD_TOKEN, email: EMAIL, name: null, existingCustomerRef: null }, newCtx());
    expect(created).toMatchObject({ status: 'saved', ref: { customerRef: 'new-customer-1' } });
    expect(fake.seen[0]!.body).toEqual({ email: EMAIL });
    fake.seen.length = 0;
    await gateway().saveCard({ token: CARD_TOKEN, email: EMAIL, name: null, existingCustomerRef: CUSTOMER_REF }, newCtx());
    expect(fake.seen.map((s) => `${s.method} ${s.url}`)).toEqual([`POST /v1/customers/${CUSTOMER_REF}/cards`]);
  });

  it('a bad token when saving → invalid_source', async () => {
    fake.handle = () => ({ status: 400, json: { message: 'the card is invalid', cause: [{ code: '121' }] } });
    const outcome = await gateway().saveCard({ token: CARD_TOKEN, email: EMAIL, name: null, existingCustomerRef: CUSTOMER_REF }, newCtx());
    expect(outcome).toMatchObject({ status: 'failed', failure: { code: 'invalid_source', gatewayCode: '121' } });
  });

  it('deletes a card; an already deleted card counts as deleted', async () => {
    fake.handle = () => ({ status: 200, json: savedCard });
    const ctx = newCtx();
    expect(await gateway().deleteCard({ customerRef: CUSTOMER_REF, cardRef: '1562188766852' }, ctx)).toEqual({ status: 'deleted' });
    expect(ctx.calls[0]).toMatchObject({ operation: 'delete_card', method: 'DELETE', path: `/v1/customers/${CUSTOMER_REF}/cards/[redacted]` });
    expect(`${fake.seen[0]!.method} ${fake.seen[0]!.url}`).toBe(`DELETE /v1/customers/${CUSTOMER_REF}/cards/1562188766852`);
    fake.handle = () => ({ status: 404, json: { message: 'card not found' } });
    expect(await gateway().deleteCard({ customerRef: CUSTOMER_REF, cardRef: '1' }, newCtx())).toEqual({ status: 'deleted' });
    fake.handle = () => ({ status: 401, json: { message: 'unauthorized' } });
    expect(await gateway().deleteCard({ customerRef: CUSTOMER_REF, cardRef: '1' }, newCtx())).toEqual({ status: 'failed', message: 'Mercado Pago: unauthorized' });
  });
});

describe('call log redaction', () => {
  it('keeps tokens, credentials, e-mails and card numbers out of ctx.calls', async () => {
    fake.handle = (req) => {
      if (req.url === `/v1/card_tokens/${CARD_TOKEN}`) return { status: 200, json: { id: CARD_TOKEN, first_six_digits: '400917', last_four_digits: '6176' } };
      if (req.url === '/v1/card_tokens') return { status: 201, json: { id: SAVED_CARD_TOKEN, first_six_digits: '503175', payment_method_id: 'master' } };
      if (req.url.startsWith('/v1/payment_methods/search')) return { status: 200, json: { results: [{ id: 'visa', payment_type_id: 'credit_card', issuer: { id: 1 } }] } };
      if (req.url === '/v1/customers') return { status: 400, json: { message: 'the customer already exist', cause: [{ code: 101 }] } };
      if (req.url.startsWith('/v1/customers/search')) return { status: 200, json: { results: [{ id: CUSTOMER_REF, email: EMAIL }] } };
      if (req.url.endsWith('/cards')) return { status: 201, json: { id: 77, last_four_digits: '6176', payment_method: { id: 'visa' }, cardholder: { name: 'APRO', identification: { number: '12345678' } } } };
      // A gateway echoing a card number in an error must not put it in our log either.
      return { status: 201, json: payment({ payer: { email: EMAIL }, description: 'card 4009175332806176' }) };
    };
    const ctx = newCtx();
    const gw = gateway();
    await gw.charge(chargeRequest({ source: { type: 'card_token', token: CARD_TOKEN } }), ctx);
    await gw.charge(chargeRequest({ source: { type: 'saved_card', customerRef: CUSTOMER_REF, cardRef: '1562188766852' } }), ctx);
    await gw.saveCard({ token: CARD_TOKEN, email: EMAIL, name: null, existingCustomerRef: null }, ctx);

    expect(ctx.calls.map((c) => c.operation)).toEqual([
      'get_card_token',
      'search_payment_methods',
      'create_payment',
      'create_card_token',
      'create_payment',
      'create_customer',
      'search_customers',
      'create_card',
    ]);
    const log = JSON.stringify(ctx.calls);
    for (const secret of [CARD_TOKEN, SAVED_CARD_TOKEN, ACCESS_TOKEN, PUBLIC_KEY, '1562188766852', EMAIL, encodeURIComponent(EMAIL), '4009175332806176', '12345678"']) {
      expect(log).not.toContain(secret);
    }
    expect(log).toContain('b***@example.com');
    // The server did receive the real values: the redaction is of the log only.
    expect(fake.seen.some((s) => s.raw.includes(CARD_TOKEN))).toBe(true);
  });
});
