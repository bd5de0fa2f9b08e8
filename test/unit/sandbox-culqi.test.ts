import express from 'express';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxControlRouter } from '../../src/sandbox/control-router';
import { Sandbox } from '../../src/sandbox/sandbox';
import { recordSecret } from '../support/test-env';

/** The Culqi simulator over real HTTP, checked against culqi.md and the recorded sandbox responses. */

let clockOffset = 0;
let sandbox: Sandbox;
let api: string;
let pk: string;
let sk: string;
let control: string;
let controlServer: Server;
let hookServer: Server;
const hooks: { headers: IncomingHttpHeaders; body: string }[] = [];
let failNextHooks = 0;

const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

beforeAll(async () => {
  // Receives Culqi events; answers 500 while `failNextHooks` > 0 so retries can be seen.
  hookServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hooks.push({ headers: req.headers, body });
      if (failNextHooks > 0) {
        failNextHooks -= 1;
        res.writeHead(500).end();
      } else res.writeHead(200).end('ok');
    });
  });
  const hookUrl = await listen(hookServer);
  sandbox = await new Sandbox({
    clock: () => Date.now() + clockOffset,
    culqiWebhookUrl: `${hookUrl}/webhooks/culqi`,
    culqiWebhookUser: 'culqi-hook',
    culqiWebhookPassword: 'hook-secret-123',
    webhookRetryDelaysMs: [20, 20, 20],
  }).start();
  const app = express();
  app.use('/sandbox', createSandboxControlRouter(sandbox));
  controlServer = createServer(app);
  control = `${await listen(controlServer)}/sandbox`;
  const d = sandbox.describe();
  api = d.culqi.base_url;
  pk = d.culqi.public_key;
  sk = d.culqi.secret_key;
  recordSecret(sk);
});

afterAll(async () => {
  await sandbox.close();
  await close(controlServer);
  await close(hookServer);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- gateway JSON is read untyped, as the other suites read supertest bodies
async function call(method: string, path: string, key: string | null, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(key ? { Authorization: `Bearer ${key}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function token(cardNumber: string, email = 'buyer@example.com', expiry = { month: '12', year: '2030' }): Promise<string> {
  const res = await call('POST', '/tokens', pk, { card_number: cardNumber, cvv: cardNumber.startsWith('3') ? '2841' : '123', expiration_month: expiry.month, expiration_year: expiry.year, email });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const charge = (sourceId: string, extra: Record<string, unknown> = {}) =>
  call('POST', '/charges', sk, { amount: 1000, currency_code: 'PEN', email: 'buyer@example.com', source_id: sourceId, description: 'Venta de prueba', ...extra });

const auth3ds = { eci: '05', xid: 'MDAwMDAwMDAwMDAwMDAwMDAwMDE=', cavv: 'AAABBBCCC111', protocolVersion: '2.1.0', directoryServerTransactionId: '88e9d8a5-5b40-4c6e-a1b2-3c4d5e6f7a8b' };

describe('Culqi tokens', () => {
  it('tokenizes with the public key only, with the recorded shape and BIN data', async () => {
    const res = await call('POST', '/tokens', pk, { card_number: '4111 1111 1111 1111', cvv: '123', expiration_month: '09', expiration_year: '2030', email: 'buyer@example.com' });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^tkn_test_[A-Za-z0-9]{16}$/);
    expect(res.body).toMatchObject({ object: 'token', type: 'card', card_number: '411111******1111', last_four: '1111', active: true, email: 'buyer@example.com' });
    expect(res.body.iin).toMatchObject({ bin: '411111', card_brand: 'Visa', card_type: 'credito', issuer: { name: 'BBVA', country_code: 'PE' } });
    expect(Math.abs(res.body.creation_date - Date.now())).toBeLessThan(5_000);
    const amex = await call('POST', '/tokens', pk, { card_number: '371212121212122', cvv: '2841', expiration_month: '12', expiration_year: '2030', email: 'buyer@example.com' });
    expect(amex.body.card_number).toBe('371212*****2122');
    expect(amex.body.iin.card_brand).toBe('Amex');

    expect((await call('POST', '/tokens', sk, { card_number: '4111111111111111', cvv: '123', expiration_month: '12', expiration_year: '2030', email: 'a@b.pe' })).status).toBe(401);
    const noKey = await call('POST', '/tokens', null, {});
    expect(noKey).toMatchObject({ status: 401, body: { object: 'error', type: 'authentication_error', code: 'invalid_key' } });
  });

  it('rejects a bad card number, cvv or e-mail as parameter_error naming the field', async () => {
    const base = { card_number: '4111111111111111', cvv: '123', expiration_month: '12', expiration_year: '2030', email: 'buyer@example.com' };
    for (const [field, value] of [['card_number', '4111111111111112'], ['cvv', '12'], ['expiration_month', '13'], ['email', 'x']] as const) {
      const res = await call('POST', '/tokens', pk, { ...base, [field]: value });
      expect(res.status, field).toBe(422);
      expect(res.body).toMatchObject({ object: 'error', type: 'parameter_error', param: field });
    }
  });

  it('are single-use: a second charge with the same token is a parameter_error on source_id', async () => {
    const id = await token('4111111111111111');
    expect((await charge(id)).status).toBe(201);
    const again = await charge(id);
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({ object: 'error', type: 'parameter_error', param: 'source_id' });
    expect((await call('GET', `/tokens/${id}`, sk)).body.active).toBe(false);
  });

  it('expire 5 minutes after creation', async () => {
    const fresh = await token('4111111111111111');
    const stale = await token('4111111111111111');
    clockOffset = 4 * 60_000;
    expect((await charge(fresh)).status).toBe(201);
    clockOffset = 5 * 60_000 + 1_000;
    try {
      const res = await charge(stale);
      expect(res.status).toBe(422);
      expect(res.body.param).toBe('source_id');
      expect(res.body.merchant_message).toMatch(/expirado/);
    } finally {
      clockOffset = 0;
    }
  });
});

describe('Culqi charges by test card', () => {
  it.each([
    ['4111111111111111', 'Visa'],
    ['5111111111111118', 'MasterCard'],
    ['371212121212122', 'Amex'],
    ['36001212121210', 'Diners'],
  ])('%s (%s) is charged: 201 with the recorded charge shape', async (card, brand) => {
    const res = await charge(await token(card), { metadata: { smartpay_charge_id: 'ch_123' } });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^chr_test_[A-Za-z0-9]{16}$/);
    expect(res.body).toMatchObject({
      object: 'charge',
      amount: 1000,
      amount_refunded: 0,
      current_amount: 1000,
      installments: 1,
      currency_code: 'PEN',
      outcome: { type: 'venta_exitosa', code: 'AUT0000' },
      total_fee: 47,
      transfer_amount: 953,
      capture: true,
      metadata: { smartpay_charge_id: 'ch_123' },
    });
    expect(res.body.source.iin.card_brand).toBe(brand);
    expect(res.body.reference_code).toMatch(/^[A-Za-z0-9]{10}$/);
  });

  it.each([
    ['4000020000000000', 'stolen_card'],
    ['4000030000000009', 'lost_card'],
    ['4000040000000008', 'insufficient_funds'],
    ['5400000000000005', 'contact_issuer'],
    ['5400020000000003', 'incorrect_cvv'],
    ['370001000000000', 'issuer_not_available'],
    ['370002000000008', 'issuer_decline_operation'],
    ['36000000000008', 'invalid_card'],
    ['36000100000007', 'processing_error'],
    ['36000200000006', 'fraudulent'],
  ])('%s is declined 402 %s, and the denied charge is kept', async (card, declineCode) => {
    const res = await charge(await token(card));
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({ object: 'error', type: 'card_error', code: 'card_declined', decline_code: declineCode });
    expect(res.body.charge_id).toMatch(/^chr_test_/);
    expect(res.body.merchant_message.length).toBeGreaterThan(10);
    const stored = await call('GET', `/charges/${res.body.charge_id}`, sk);
    expect(stored.status).toBe(200);
    expect(stored.body.outcome).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: declineCode });
  });

  it('declines a card whose expiry date has passed with expired_card', async () => {
    const res = await charge(await token('4111111111111111', 'buyer@example.com', { month: '01', year: '2020' }));
    expect(res.status).toBe(402);
    expect(res.body.decline_code).toBe('expired_card');
  });

  it('validates amount, currency and e-mail without using the token', async () => {
    const id = await token('4111111111111111');
    expect((await charge(id, { amount: 299 })).body).toMatchObject({ type: 'parameter_error', param: 'amount' });
    expect((await charge(id, { amount: 10.5 })).body.param).toBe('amount');
    expect((await charge(id, { currency_code: 'EUR' })).body.param).toBe('currency_code');
    expect((await charge(id, { email: 'nope' })).body.param).toBe('email');
    expect((await charge(id, { installments: 3 })).status).toBe(201);
    expect((await call('POST', '/charges', pk, {})).status).toBe(401);
  });

  it('captures an authorization once', async () => {
    const created = await charge(await token('4111111111111111'), { capture: false });
    expect(created.body.capture).toBe(false);
    const captured = await call('POST', `/charges/${created.body.id}/capture`, sk);
    expect(captured.status).toBe(201);
    expect(captured.body).toMatchObject({ capture: true, operations: [] });
    expect((await call('POST', `/charges/${created.body.id}/capture`, sk)).status).toBe(400);
  });
});

describe('Culqi 3-D Secure (e-mail review@culqi.com)', () => {
  it.each([
    ['4456530000001096', 201],
    ['4456530000001005', 201],
    ['4456530000001070', 402],
    ['4456530000001013', 402],
  ])('%s: REVIEW without consuming the token, then authenticate → %d', async (card, finalStatus) => {
    const id = await token(card, 'review@culqi.com');
    const before = (await call('GET', '/charges?limit=100', sk)).body.data.length;
    const review = await charge(id, { email: 'review@culqi.com' });
    expect(review.status).toBe(200);
    expect(review.body).toMatchObject({ action_code: 'REVIEW' });
    expect(review.body.user_message).toEqual(expect.any(String));
    expect(review.body.object).toBeUndefined();
    // A REVIEW charges nothing and leaves the token usable.
    expect((await charge(id, { email: 'review@culqi.com' })).status).toBe(200);
    expect((await call('GET', '/charges?limit=100', sk)).body.data.length).toBe(before);

    const malformed = await charge(id, { email: 'review@culqi.com', authentication_3DS: { eci: '05' } });
    expect(malformed).toMatchObject({ status: 422, body: { param: 'authentication_3DS' } });

    const final = await charge(id, { email: 'review@culqi.com', authentication_3DS: auth3ds });
    expect(final.status).toBe(finalStatus);
    if (finalStatus === 201) expect(final.body.outcome.type).toBe('venta_exitosa');
    else expect(final.body).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: 'authentication_failed', charge_id: expect.stringMatching(/^chr_test_/) });
    // Either way the token is now used.
    expect((await charge(id, { email: 'review@culqi.com', authentication_3DS: auth3ds })).body.param).toBe('source_id');
  });

  it('charges a 3-D Secure card without REVIEW when the e-mail is not a review one', async () => {
    expect((await charge(await token('4456530000001070'))).status).toBe(201);
  });
});

describe('Culqi Yape', () => {
  it('approves phone 900000001 with any 6-digit OTP and charges the approved amount', async () => {
    const tok = await call('POST', '/tokens/yape', pk, { number_phone: '900000001', otp: '425251', amount: '1000' });
    expect(tok.status).toBe(201);
    expect(tok.body).toMatchObject({ object: 'token', type: 'yape' });
    expect(tok.body.id).toMatch(/^ype_test_[A-Za-z0-9]{16}$/);
    expect((await charge(tok.body.id, { amount: 1500 })).body.param).toBe('amount');
    const paid = await charge(tok.body.id);
    expect(paid.status).toBe(201);
    expect(paid.body.source).toMatchObject({ id: tok.body.id, type: 'yape' });
    expect((await charge(tok.body.id)).body.param).toBe('source_id');
  });

  it('refuses another phone or a malformed OTP', async () => {
    expect((await call('POST', '/tokens/yape', pk, { number_phone: '900000002', otp: '123456', amount: 1000 })).body).toMatchObject({ type: 'parameter_error', param: 'number_phone' });
    expect((await call('POST', '/tokens/yape', pk, { number_phone: '900000001', otp: '12345', amount: 1000 })).body.param).toBe('otp');
  });
});

describe('Culqi refunds', () => {
  it('refunds partially, then the rest, and refuses more than what is left', async () => {
    const paid = await charge(await token('4111111111111111'));
    const partial = await call('POST', '/refunds', sk, { amount: 400, charge_id: paid.body.id, reason: 'solicitud_comprador' });
    expect(partial.status).toBe(201);
    expect(partial.body.id).toMatch(/^ref_test_[A-Za-z0-9]{16}$/);
    expect(partial.body).toMatchObject({ object: 'refund', charge_id: paid.body.id, amount: 400, reason: 'Devolución solicitada por el comercio' });
    expect((await call('GET', `/charges/${paid.body.id}`, sk)).body).toMatchObject({ amount_refunded: 400, current_amount: 600 });
    expect((await call('POST', '/refunds', sk, { amount: 601, charge_id: paid.body.id, reason: 'duplicado' })).body).toMatchObject({ type: 'parameter_error', param: 'amount' });
    expect((await call('POST', '/refunds', sk, { amount: 600, charge_id: paid.body.id, reason: 'fraudulento' })).status).toBe(201);
    expect((await call('GET', `/charges/${paid.body.id}`, sk)).body).toMatchObject({ amount_refunded: 1000, current_amount: 0 });
    expect((await call('POST', '/refunds', sk, { amount: 1, charge_id: paid.body.id, reason: 'duplicado' })).status).toBe(422);
    expect((await call('GET', `/refunds/${partial.body.id}`, sk)).body).toEqual(partial.body);
    expect((await call('POST', '/refunds', sk, { amount: 1, charge_id: paid.body.id, reason: 'porque si' })).body.param).toBe('reason');
  });
});

describe('Culqi customers and cards', () => {
  it('saves a card, charges it, refuses a declining card with 400 and deletes', async () => {
    const person = { first_name: 'Ana', last_name: 'Quispe', email: 'ana.cards@example.com', address: 'Av. Lima 123', address_city: 'LIMA', country_code: 'PE', phone_number: '987654321' };
    const customer = await call('POST', '/customers', sk, person);
    expect(customer.status).toBe(201);
    expect(customer.body.id).toMatch(/^cus_test_/);
    expect(customer.body.antifraud_details).toMatchObject({ first_name: 'Ana', phone: '987654321', object: 'client' });
    expect((await call('POST', '/customers', sk, person)).body.param).toBe('email');

    const card = await call('POST', '/cards', sk, { customer_id: customer.body.id, token_id: await token('5111111111111118') });
    expect(card.status).toBe(201);
    expect(card.body).toMatchObject({ object: 'card', active: true, customer_id: customer.body.id, source: { last_four: '1118' } });
    expect(card.body.id).toMatch(/^crd_test_/);
    const paid = await charge(card.body.id);
    expect(paid.status).toBe(201);
    expect(paid.body.source).toMatchObject({ object: 'card', id: card.body.id });
    expect((await charge(card.body.id)).status).toBe(201);

    const declined = await call('POST', '/cards', sk, { customer_id: customer.body.id, token_id: await token('4000040000000008') });
    expect(declined.status).toBe(400);
    expect(declined.body).toMatchObject({ type: 'card_error', decline_code: 'insufficient_funds', charge_id: expect.stringMatching(/^chr_test_/) });

    expect((await call('GET', `/customers/${customer.body.id}`, sk)).body.cards.map((c: { id: string }) => c.id)).toEqual([card.body.id]);
    const removed = await call('DELETE', `/cards/${card.body.id}`, sk);
    expect(removed.body).toEqual({ id: card.body.id, deleted: true, merchant_message: `Se eliminó la tarjeta con ID ${card.body.id} exitosamente.` });
    expect((await charge(card.body.id)).body.param).toBe('source_id');
    expect((await call('DELETE', `/customers/${customer.body.id}`, sk)).body.deleted).toBe(true);
    expect((await call('GET', `/customers/${customer.body.id}`, sk)).status).toBe(404);
  });

  it('asks for 3-D Secure on card creation too', async () => {
    const customer = await call('POST', '/customers', sk, { first_name: 'Rev', last_name: 'Iew', email: 'review1@example.com', address: 'Av. Lima 1', address_city: 'LIMA', country_code: 'PE', phone_number: '987654321' });
    const tok = await token('4456530000001005', 'review@culqi.com');
    const first = await call('POST', '/cards', sk, { customer_id: customer.body.id, token_id: tok });
    expect(first).toMatchObject({ status: 200, body: { action_code: 'REVIEW' } });
    expect((await call('POST', '/cards', sk, { customer_id: customer.body.id, token_id: tok, authentication_3DS: auth3ds })).status).toBe(201);
  });
});

describe('Culqi lists', () => {
  it('lists charges newest first with cursors, date filters and metadata', async () => {
    const start = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await charge(await token('4111111111111111'), { metadata: { n: String(i) } })).body.id);
    // The window bounds both ways (an earlier test made a charge with the clock moved ahead).
    const window = `creation_date_from=${start}&creation_date_to=${Date.now()}`;
    const recent = await call('GET', `/charges?${window}&limit=2`, sk);
    expect(recent.status).toBe(200);
    expect(recent.body.data.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[1]]);
    expect(recent.body.data[0].metadata).toEqual({ n: '2' });
    expect(recent.body.paging).toMatchObject({ cursors: { before: ids[2], after: ids[1] }, remaining_items: 1, previous: null });
    expect(recent.body.paging.next).toBe(`${api}/charges?limit=2&after=${ids[1]}`);
    const older = await call('GET', `/charges?${window}&limit=2&after=${ids[1]}`, sk);
    expect(older.body.data.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
    expect(older.body.paging.next).toBeNull();
    const newer = await call('GET', `/charges?${window}&before=${ids[0]}`, sk);
    expect(newer.body.data.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[1]]);
    // Seconds are accepted as in Culqi's docs examples; a window in the past holds none of them.
    const inPast = await call('GET', `/charges?creation_date_to=${Math.floor(start / 1000) - 1}`, sk);
    expect(inPast.body.data.filter((c: { id: string }) => ids.includes(c.id))).toEqual([]);
    expect((await call('GET', '/charges?limit=0', sk)).status).toBe(422);
    const empty = await call('GET', '/events?type=nothing.like.this', sk);
    expect(empty.body).toEqual({ data: [], paging: { previous: null, next: null, cursors: { before: null, after: null }, remaining_items: 0 } });
  });

  it('counts what was processed on the control endpoint, filterable by metadata', async () => {
    await charge(await token('4111111111111111'), { metadata: { order: 'ord_count_me' } });
    const res = await fetch(`${control}/culqi/_charges?metadata.order=ord_count_me`);
    const body = (await res.json()) as { total: number; data: { metadata: unknown }[] };
    expect(body.total).toBe(1);
    expect(body.data[0]?.metadata).toEqual({ order: 'ord_count_me' });
  });
});

describe('Culqi webhooks and orders', () => {
  it('POSTs events with Basic auth and data as a camelCase JSON string, retrying after a 500', async () => {
    await sandbox.culqi.webhooks.idle();
    hooks.length = 0;
    failNextHooks = 1;
    const paid = await charge(await token('4111111111111111'), { metadata: { smartpay_charge_id: 'ch_hook' } });
    await sandbox.culqi.webhooks.idle();
    const deliveries = hooks.filter((h) => (JSON.parse(h.body) as { type: string }).type === 'charge.creation.succeeded');
    expect(deliveries.length).toBe(2);
    const hook = deliveries[1]!;
    expect(hook.headers.authorization).toBe(`Basic ${Buffer.from('culqi-hook:hook-secret-123').toString('base64')}`);
    const event = JSON.parse(hook.body);
    expect(event).toMatchObject({ object: 'event', type: 'charge.creation.succeeded', creation_date: expect.any(Number) });
    expect(event.id).toMatch(/^evt_test_[A-Za-z0-9]{16}$/);
    expect(typeof event.data).toBe('string');
    const data = JSON.parse(event.data);
    expect(data).toMatchObject({ object: 'charge', id: paid.body.id, originalAmount: 1000, actualAmount: 1000, currency: 'PEN', metadata: { smartpay_charge_id: 'ch_hook' } });
    expect(data.source).toMatchObject({ cardNumber: '411111******1111', lastFourDigits: '1111', iin: { brand: 'Visa' } });
    expect(data.creation_date).toBeUndefined();
    expect((await call('GET', `/events/${event.id}`, sk)).body.data).toBe(event.data);
  });

  it('creates, confirms and (through the control hook) pays an order, with order.status.changed', async () => {
    const order = await call('POST', '/orders', sk, {
      amount: 1000,
      currency_code: 'PEN',
      description: 'Venta de prueba',
      order_number: `order-${Date.now()}`,
      client_details: { first_name: 'Ana', last_name: 'Quispe', email: 'ana@example.com', phone_number: '+51987654321' },
      expiration_date: Math.floor(Date.now() / 1000) + 3600,
      confirm: false,
    });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ object: 'order', state: 'created', payment_code: null });
    expect(order.body.creation_date).toBeLessThan(10_000_000_000);
    const confirmed = await call('POST', `/orders/${order.body.id}/confirm`, pk);
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.state).toBe('pending');
    expect(confirmed.body.payment_code).toMatch(/^\d{9}$/);

    await sandbox.culqi.webhooks.idle();
    hooks.length = 0;
    const moved = await fetch(`${control}/culqi/_orders/${order.body.id}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ state: 'paid' }) });
    expect(moved.status).toBe(200);
    expect((await call('GET', `/orders/${order.body.id}`, sk)).body).toMatchObject({ state: 'paid', paid_at: expect.any(Number) });
    await sandbox.culqi.webhooks.idle();
    const event = hooks.map((h) => JSON.parse(h.body)).find((e) => e.type === 'order.status.changed');
    expect(JSON.parse(event.data)).toMatchObject({ id: order.body.id, state: 'paid' });
    const again = await fetch(`${control}/culqi/_orders/${order.body.id}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ state: 'expired' }) });
    expect(again.status).toBe(409);
  });
});
