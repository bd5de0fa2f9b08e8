import express from 'express';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxControlRouter } from '../../src/sandbox/control-router';
import { Sandbox } from '../../src/sandbox/sandbox';
import { recordSecret } from '../support/test-env';

/** The Mercado Pago simulator over real HTTP, checked against mercadopago.md. */

const VISA = '4009175332806176';
const MASTER = '5031755734530604';
const DEBIT_MASTER = '5178781622202455';
const THREE_DS_OK = '5483928164574623';
const THREE_DS_FAIL = '5361956806117557';

let clockOffset = 0;
let sandbox: Sandbox;
let base: string;
let publicKey: string;
let accessToken: string;
let secret: string;
let control: string;
let controlServer: Server;
let hookServer: Server;
let hookUrl: string;
const hooks: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
let failNextHooks = 0;

const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

beforeAll(async () => {
  hookServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hooks.push({ url: req.url ?? '', headers: req.headers, body });
      if (failNextHooks > 0) {
        failNextHooks -= 1;
        res.writeHead(503).end();
      } else res.writeHead(200).end();
    });
  });
  hookUrl = `${await listen(hookServer)}/webhooks/mercadopago`;
  sandbox = await new Sandbox({ clock: () => Date.now() + clockOffset, webhookRetryDelaysMs: [20, 20, 20] }).start();
  const app = express();
  app.use('/sandbox', createSandboxControlRouter(sandbox));
  controlServer = createServer(app);
  control = `${await listen(controlServer)}/sandbox`;
  const d = sandbox.describe().mercadopago;
  base = d.base_url;
  publicKey = d.public_key;
  accessToken = d.access_token;
  secret = d.webhook_secret;
  recordSecret(accessToken);
  recordSecret(secret);
});

afterAll(async () => {
  await sandbox.close();
  await close(controlServer);
  await close(hookServer);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- gateway JSON is read untyped, as the other suites read supertest bodies
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}`, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function cardToken(name: string, card = MASTER): Promise<string> {
  const res = await fetch(`${base}/v1/card_tokens?public_key=${publicKey}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ card_number: card, expiration_month: 11, expiration_year: 2030, security_code: '123', cardholder: { name, identification: { type: 'DNI', number: '123456789' } } }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const methodOf = (card: string) => (card === VISA ? 'visa' : card === DEBIT_MASTER ? 'debmaster' : 'master');

function pay(token: string, extra: Record<string, unknown> = {}, key: string = randomUUID(), card = MASTER) {
  return call(
    'POST',
    '/v1/payments',
    { transaction_amount: 100, token, description: 'Plan', installments: 1, payment_method_id: methodOf(card), payer: { email: 'buyer@example.com' }, ...extra },
    { 'X-Idempotency-Key': key },
  );
}

function signatureValid(headers: IncomingHttpHeaders, dataId: string): boolean {
  const parts = Object.fromEntries(String(headers['x-signature']).split(',').map((p) => p.split('=').map((s) => s.trim()) as [string, string]));
  const manifest = `id:${dataId};request-id:${String(headers['x-request-id'])};ts:${parts.ts};`;
  return createHmac('sha256', secret).update(manifest).digest('hex') === parts.v1;
}

describe('Mercado Pago card tokens and payment methods', () => {
  it('tokenizes with the public key and finds the payment method by BIN', async () => {
    const id = await cardToken('APRO', VISA);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const got = await call('GET', `/v1/card_tokens/${id}`);
    expect(got.body).toMatchObject({ id, first_six_digits: '400917', last_four_digits: '6176', status: 'active', cardholder: { name: 'APRO' }, expiration_year: 2030 });
    for (const [bin, method, type] of [['400917', 'visa', 'credit_card'], ['503175', 'master', 'credit_card'], ['517878', 'debmaster', 'debit_card'], ['371180', 'amex', 'credit_card']]) {
      const res = await fetch(`${base}/v1/payment_methods/search?public_key=${publicKey}&bin=${bin}`);
      const body = (await res.json()) as { results: { id: string; payment_type_id: string; issuer: { id: number } }[] };
      expect(body.results.map((r) => r.id), bin).toEqual([method]);
      expect(body.results[0]?.payment_type_id).toBe(type);
      expect(body.results[0]?.issuer.id).toEqual(expect.any(Number));
    }
  });

  it('refuses bad card data with the card-form cause codes and unknown keys with 401', async () => {
    const post = (body: unknown, key = publicKey) => fetch(`${base}/v1/card_tokens?public_key=${key}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const good = { card_number: MASTER, expiration_month: 11, expiration_year: 2030, security_code: '123', cardholder: { name: 'APRO' } };
    const cause = async (body: unknown) => ((await (await post(body)).json()) as { cause: { code: string }[] }).cause[0]?.code;
    expect(await cause({ ...good, card_number: '5031755734530605' })).toBe('E301');
    expect(await cause({ ...good, security_code: '1' })).toBe('E302');
    expect(await cause({ ...good, expiration_month: 13 })).toBe('325');
    expect(await cause({ ...good, cardholder: {} })).toBe('221');
    expect((await post(good, 'TEST-wrong')).status).toBe(401);
  });
});

describe('Mercado Pago payments by cardholder name', () => {
  // mercadopago.md §8, written out here independently of the simulator's table.
  it.each([
    ['APRO', 'approved', 'accredited'],
    ['OTHE', 'rejected', 'cc_rejected_other_reason'],
    ['CONT', 'in_process', 'pending_contingency'],
    ['CALL', 'rejected', 'cc_rejected_call_for_authorize'],
    ['FUND', 'rejected', 'cc_rejected_insufficient_amount'],
    ['SECU', 'rejected', 'cc_rejected_bad_filled_security_code'],
    ['EXPI', 'rejected', 'cc_rejected_bad_filled_date'],
    ['FORM', 'rejected', 'cc_rejected_bad_filled_other'],
    ['CARD', 'rejected', 'cc_rejected_bad_filled_card_number'],
    ['INST', 'rejected', 'cc_rejected_invalid_installments'],
    ['DUPL', 'rejected', 'cc_rejected_duplicated_payment'],
    ['LOCK', 'rejected', 'cc_rejected_card_disabled'],
    ['CTNA', 'rejected', 'cc_rejected_card_type_not_allowed'],
    ['ATTE', 'rejected', 'cc_rejected_max_attempts'],
    ['BLAC', 'rejected', 'cc_rejected_blacklist'],
  ])('%s → %s/%s', async (name, status, detail) => {
    const ref = `ord_${name}_${randomUUID()}`;
    const res = await pay(await cardToken(name), { external_reference: ref, transaction_amount: 58.8 });
    expect(res.status).toBe(201);
    expect(typeof res.body.id).toBe('number');
    expect(Number.isSafeInteger(res.body.id)).toBe(true);
    expect(res.body).toMatchObject({ status, status_detail: detail, external_reference: ref, transaction_amount: 58.8, currency_id: 'PEN', payment_method_id: 'master', live_mode: false });
    expect(res.body.date_created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-04:00$/);
    expect(res.body.captured).toBe(status === 'approved');
  });

  it('matches the first word of the name case-insensitively', async () => {
    expect((await pay(await cardToken('fund Quispe'))).body.status_detail).toBe('cc_rejected_insufficient_amount');
  });
});

describe('Mercado Pago payment rules', () => {
  it('requires X-Idempotency-Key and replays the same key without a second payment', async () => {
    const token = await cardToken('APRO');
    const noKey = await call('POST', '/v1/payments', { transaction_amount: 100, token, installments: 1, payment_method_id: 'master', payer: { email: 'a@b.pe' } });
    expect(noKey.status).toBe(400);
    expect(noKey.body).toMatchObject({ error: 'bad_request', status: 400, cause: [expect.objectContaining({ code: expect.anything(), description: expect.any(String), data: expect.any(String) })] });
    const ref = `ord_idem_${randomUUID()}`;
    const key = randomUUID();
    const first = await pay(token, { external_reference: ref }, key);
    const second = await pay(token, { external_reference: ref }, key);
    expect(first.status).toBe(201);
    expect(second).toEqual(first);
    const search = await call('GET', `/v1/payments/search?external_reference=${ref}`);
    expect(search.body.paging.total).toBe(1);
    // Another key is another payment attempt, and the token is already used.
    expect((await pay(token, { external_reference: ref })).body.cause[0].code).toBe(3003);
  });

  it('accepts amounts with up to 2 decimals in PEN only', async () => {
    expect((await pay(await cardToken('APRO'), { transaction_amount: 10.005 })).body.cause[0].code).toBe(4037);
    expect((await pay(await cardToken('APRO'), { transaction_amount: -1 })).body.cause[0].code).toBe(4037);
    expect((await pay(await cardToken('APRO'), { transaction_amount: '10.00' })).body.cause[0].code).toBe(4003);
    expect((await pay(await cardToken('APRO'), { currency_id: 'USD' })).status).toBe(400);
    expect((await pay(await cardToken('APRO'), { payment_method_id: 'visa' })).body.cause[0].code).toBe(3028);
    expect((await pay(await cardToken('APRO'), { payment_method_id: undefined })).body.cause[0].code).toBe(2131);
    expect((await pay('0'.repeat(32))).body.cause[0].code).toBe(2006);
    const ok = await pay(await cardToken('APRO', DEBIT_MASTER), { transaction_amount: 0.01 }, randomUUID(), DEBIT_MASTER);
    expect(ok.body).toMatchObject({ status: 'approved', transaction_amount: 0.01, payment_type_id: 'debit_card' });
  });

  it('answers 401 without the access token and 404 for an unknown payment', async () => {
    const res = await fetch(`${base}/v1/payments/1`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { cause: { code: number }[] }).cause[0]?.code).toBe(5);
    expect((await call('GET', '/v1/payments/123')).body).toMatchObject({ status: 404, cause: [{ code: 2000 }] });
  });

  it('authorizes with capture:false, captures with PUT and cancels pending payments', async () => {
    const auth = await pay(await cardToken('APRO'), { capture: false });
    expect(auth.body).toMatchObject({ status: 'authorized', status_detail: 'pending_capture', captured: false });
    const captured = await call('PUT', `/v1/payments/${auth.body.id}`, { capture: true, transaction_amount: 40 });
    expect(captured.body).toMatchObject({ status: 'approved', status_detail: 'accredited', captured: true, transaction_amount: 40 });
    const pending = await pay(await cardToken('CONT'));
    const cancelled = await call('PUT', `/v1/payments/${pending.body.id}`, { status: 'cancelled' });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', status_detail: 'by_collector' });
    expect((await call('PUT', `/v1/payments/${captured.body.id}`, { status: 'cancelled' })).body.cause[0].code).toBe(2018);
  });

  it('searches with range, sort, criteria and offset paging', async () => {
    const ref = `ord_search_${randomUUID()}`;
    const begin = new Date().toISOString();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await pay(await cardToken('APRO'), { external_reference: ref })).body.id);
    const asc = await call('GET', `/v1/payments/search?external_reference=${ref}&sort=date_created&criteria=asc&limit=2&offset=1`);
    expect(asc.body.paging).toEqual({ total: 3, limit: 2, offset: 1 });
    expect(asc.body.results.map((p: { id: number }) => p.id)).toEqual([ids[1], ids[2]]);
    const desc = await call('GET', `/v1/payments/search?external_reference=${ref}&criteria=desc`);
    expect(desc.body.results.map((p: { id: number }) => p.id)).toEqual([...ids].reverse());
    const before = await call('GET', `/v1/payments/search?external_reference=${ref}&range=date_created&begin_date=2020-01-01T00:00:00.000-04:00&end_date=${encodeURIComponent(begin)}`);
    expect(before.body.paging.total).toBe(0);
    expect((await call('GET', '/v1/payments/search?sort=amount')).body.cause[0].code).toBe(1003);
    expect((await call('GET', '/v1/payments/search?criteria=up')).body.cause[0].code).toBe(1004);
  });
});

describe('Mercado Pago 3-D Secure', () => {
  async function challenge(card: string) {
    const res = await pay(await cardToken('APRO', card), { three_d_secure_mode: 'optional' });
    expect(res.body).toMatchObject({ status: 'pending', status_detail: 'pending_challenge', three_ds_info: { external_resource_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:/), creq: expect.any(String) } });
    return res.body;
  }

  it('approves after a completed challenge on 5483 9281 6457 4623', async () => {
    const payment = await challenge(THREE_DS_OK);
    const page = await fetch(payment.three_ds_info.external_resource_url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ creq: payment.three_ds_info.creq }).toString(),
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('COMPLETE');
    expect((await call('GET', `/v1/payments/${payment.id}`)).body).toMatchObject({ status: 'approved', status_detail: 'accredited' });
    expect((await fetch(payment.three_ds_info.external_resource_url)).status).toBe(409);
  });

  it('rejects with cc_rejected_3ds_challenge on 5361 9568 0611 7557', async () => {
    const payment = await challenge(THREE_DS_FAIL);
    expect((await fetch(payment.three_ds_info.external_resource_url)).status).toBe(200);
    expect((await call('GET', `/v1/payments/${payment.id}`)).body).toMatchObject({ status: 'rejected', status_detail: 'cc_rejected_3ds_challenge' });
  });

  it('needs three_d_secure_mode optional, and a lapsed challenge ends cancelled/expired', async () => {
    expect((await pay(await cardToken('APRO', THREE_DS_OK))).body.status).toBe('approved');
    const payment = await challenge(THREE_DS_OK);
    clockOffset = 5 * 60_000 + 1_000;
    try {
      expect((await call('GET', `/v1/payments/${payment.id}`)).body).toMatchObject({ status: 'cancelled', status_detail: 'expired' });
    } finally {
      clockOffset = 0;
    }
  });
});

describe('Mercado Pago refunds', () => {
  it('refunds partially with idempotent replay, then fully, then refuses', async () => {
    const payment = (await pay(await cardToken('APRO'))).body;
    const key = randomUUID();
    const partial = await call('POST', `/v1/payments/${payment.id}/refunds`, { amount: 30.5 }, { 'X-Idempotency-Key': key });
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ payment_id: payment.id, amount: 30.5, status: 'approved' });
    expect(await call('POST', `/v1/payments/${payment.id}/refunds`, { amount: 30.5 }, { 'X-Idempotency-Key': key })).toEqual(partial);
    expect((await call('GET', `/v1/payments/${payment.id}`)).body).toMatchObject({ status: 'approved', status_detail: 'partially_refunded', transaction_amount_refunded: 30.5 });
    const over = await call('POST', `/v1/payments/${payment.id}/refunds`, { amount: 69.51 }, { 'X-Idempotency-Key': randomUUID() });
    expect(over.body).toMatchObject({ status: 400, cause: [{ code: 2017 }] });
    const rest = await call('POST', `/v1/payments/${payment.id}/refunds`, {}, { 'X-Idempotency-Key': randomUUID() });
    expect(rest.body.amount).toBe(69.5);
    expect((await call('GET', `/v1/payments/${payment.id}`)).body).toMatchObject({ status: 'refunded', status_detail: 'refunded', transaction_amount_refunded: 100 });
    expect((await call('GET', `/v1/payments/${payment.id}/refunds`)).body.map((r: { id: number }) => r.id)).toEqual([partial.body.id, rest.body.id]);
    expect((await call('POST', `/v1/payments/${payment.id}/refunds`, {}, { 'X-Idempotency-Key': randomUUID() })).body.cause[0].code).toBe(2063);
    expect((await call('POST', `/v1/payments/${payment.id}/refunds`, {})).status).toBe(400);
    expect((await call('GET', `/v1/payments/${payment.id}/refunds/${partial.body.id}`)).body).toEqual(partial.body);
  });

  it('refuses to refund a rejected payment', async () => {
    const rejected = (await pay(await cardToken('OTHE'))).body;
    expect((await call('POST', `/v1/payments/${rejected.id}/refunds`, {}, { 'X-Idempotency-Key': randomUUID() })).status).toBe(400);
  });
});

describe('Mercado Pago customers and cards', () => {
  it('saves a card, pays with a card_id token and deletes the card', async () => {
    const email = `cards-${randomUUID()}@example.com`;
    const customer = await call('POST', '/v1/customers', { email, first_name: 'Ana' });
    expect(customer.status).toBe(201);
    expect(customer.body.id).toMatch(/^\d+-[A-Za-z0-9]+$/);
    const dup = await call('POST', '/v1/customers', { email });
    expect(dup.body).toMatchObject({ status: 400, message: 'the customer already exist', cause: [{ code: '101' }] });
    expect((await call('GET', `/v1/customers/search?email=${email}`)).body.results.map((c: { id: string }) => c.id)).toEqual([customer.body.id]);

    const card = await call('POST', `/v1/customers/${customer.body.id}/cards`, { token: await cardToken('APRO') });
    expect(card.status).toBe(201);
    expect(card.body).toMatchObject({ customer_id: customer.body.id, last_four_digits: '0604', payment_method: { id: 'master' } });
    expect((await call('GET', `/v1/customers/${customer.body.id}/cards`)).body.map((c: { id: string }) => c.id)).toEqual([card.body.id]);

    const tokenRes = await fetch(`${base}/v1/card_tokens?public_key=${publicKey}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ card_id: card.body.id }) });
    const token = (await tokenRes.json()) as { id: string; card_id: string };
    expect(token.card_id).toBe(card.body.id);
    const paid = await pay(token.id, { payer: { type: 'customer', id: customer.body.id, email } });
    expect(paid.body).toMatchObject({ status: 'approved', card: { id: card.body.id, last_four_digits: '0604' }, payer: { id: customer.body.id } });

    expect((await call('DELETE', `/v1/customers/${customer.body.id}/cards/${card.body.id}`)).body.id).toBe(card.body.id);
    expect((await call('GET', `/v1/customers/${customer.body.id}/cards`)).body).toEqual([]);
    const gone = await fetch(`${base}/v1/card_tokens?public_key=${publicKey}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ card_id: card.body.id }) });
    expect(gone.status).toBe(404);
  });
});

describe('Mercado Pago notifications', () => {
  it('POSTs signed payment.created / payment.updated to notification_url, retrying a failed delivery', async () => {
    await sandbox.mercadopago.webhooks.idle();
    hooks.length = 0;
    failNextHooks = 1;
    const payment = (await pay(await cardToken('CONT'), { notification_url: `${hookUrl}?source_news=webhooks` })).body;
    await sandbox.mercadopago.webhooks.idle();
    expect(hooks.length).toBe(2);
    for (const hook of hooks) {
      const url = new URL(hook.url, 'http://x');
      expect(url.searchParams.get('data.id')).toBe(String(payment.id));
      expect(url.searchParams.get('type')).toBe('payment');
      expect(url.searchParams.get('source_news')).toBe('webhooks');
      expect(hook.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(hook.headers['x-signature']).toMatch(/^ts=\d{10},v1=[0-9a-f]{64}$/);
      expect(signatureValid(hook.headers, String(payment.id))).toBe(true);
      expect(signatureValid(hook.headers, String(payment.id + 1))).toBe(false);
      const body = JSON.parse(hook.body);
      expect(body).toMatchObject({ live_mode: false, type: 'payment', api_version: 'v1', action: 'payment.created', data: { id: String(payment.id) } });
      expect(typeof body.id).toBe('number');
      expect(typeof body.user_id).toBe('number');
    }
    expect(hooks[0]?.headers['x-request-id']).not.toBe(hooks[1]?.headers['x-request-id']);

    hooks.length = 0;
    const moved = await fetch(`${control}/mercadopago/_payments/${payment.id}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ status: 'approved', status_detail: 'accredited' }) });
    expect(moved.status).toBe(200);
    expect((await call('GET', `/v1/payments/${payment.id}`)).body).toMatchObject({ status: 'approved', status_detail: 'accredited' });
    await sandbox.mercadopago.webhooks.idle();
    expect(hooks.map((h) => JSON.parse(h.body).action)).toEqual(['payment.updated']);
    expect(signatureValid(hooks[0]!.headers, String(payment.id))).toBe(true);

    const listed = (await (await fetch(`${control}/mercadopago/_payments?external_reference=none-such`)).json()) as { total: number };
    expect(listed.total).toBe(0);
    const bad = await fetch(`${control}/mercadopago/_payments/${payment.id}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ status: 'paid' }) });
    expect(bad.status).toBe(400);
  });
});
