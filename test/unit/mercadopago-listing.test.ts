import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayHttpClient } from '../../src/gateways/http/gateway-http.client';
import { MercadoPagoGateway } from '../../src/gateways/mercadopago/mercadopago.gateway';
import type { MercadoPagoSettings } from '../../src/gateways/mercadopago/mercadopago.settings';
import type { CallContext } from '../../src/gateways/payment-gateway.port';
import { Sandbox } from '../../src/sandbox/sandbox';
import { recordSecret } from '../support/test-env';

// MercadoPagoGateway.listCharges (the reconciliation report's view of Mercado Pago): against a small
// fake answering canned search pages, then against the in-process simulator.

const ACCESS_TOKEN = 'TEST-1111222233334444-010101-listingtokenvalue-123456789';
recordSecret(ACCESS_TOKEN);

type Reply = { status: number; json?: unknown };
let server: Server;
let base: string;
let seen: URL[] = [];
let answer: (url: URL, index: number) => Reply = () => ({ status: 404, json: { message: 'not found' } });

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      seen.push(url);
      const r = answer(url, seen.length - 1);
      res.writeHead(r.status, { 'Content-Type': 'application/json' });
      res.end(r.json === undefined ? '' : JSON.stringify(r.json));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
});

beforeEach(() => {
  seen = [];
});

function gateway(over: Partial<MercadoPagoSettings> = {}): MercadoPagoGateway {
  return new MercadoPagoGateway({ apiUrl: base, accessToken: ACCESS_TOKEN, publicKey: 'TEST-pub', timeoutMs: 2_000, maxRetries: 2, retryBaseDelayMs: 5, ...over }, new GatewayHttpClient());
}
const context = (): CallContext => ({ appId: 'app_1', calls: [] });

const FROM = new Date('2026-03-01T05:00:00.000Z');
const TO = new Date('2026-03-02T05:00:00.000Z');
/** Mercado Pago writes dates with the seller's offset (Peru, -05:00 / the simulator's -04:00). */
const INSIDE = '2026-03-01T10:00:00.000-04:00';

function payment(id: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    status: 'approved',
    status_detail: 'accredited',
    transaction_amount: 118,
    currency_id: 'PEN',
    external_reference: `ch_${id}`,
    payment_method_id: 'visa',
    date_created: INSIDE,
    card: { last_four_digits: '6176', expiration_month: 11, expiration_year: 2030 },
    ...over,
  };
}

const results = (items: unknown[], total: number, offset = 0): Reply => ({ status: 200, json: { paging: { total, limit: 100, offset }, results: items } });

describe('MercadoPagoGateway.listCharges against canned search pages', () => {
  it('searches the window by date_created in ISO, oldest first, paging by offset until the total is read', async () => {
    const first = Array.from({ length: 100 }, (_, i) => payment(1000 + i));
    answer = (url) => (url.searchParams.get('offset') === '0' ? results(first, 101) : results([payment(2000)], 101, 100));
    const ctx = context();
    const listed = await gateway().listCharges({ from: FROM, to: TO }, ctx);
    expect('charges' in listed && listed.charges).toHaveLength(101);
    expect(seen).toHaveLength(2);
    for (const [i, url] of seen.entries()) {
      expect(url.pathname).toBe('/v1/payments/search');
      expect(Object.fromEntries(url.searchParams)).toEqual({
        range: 'date_created',
        begin_date: '2026-03-01T05:00:00.000Z',
        end_date: '2026-03-02T05:00:00.000Z',
        sort: 'date_created',
        criteria: 'asc',
        limit: '100',
        offset: String(i * 100),
      });
    }
    expect(ctx.calls.map((c) => c.operation)).toEqual(['search_payments', 'search_payments']);
  });

  it('a short page ends the search even without a total', async () => {
    answer = () => ({ status: 200, json: { results: [payment(1)] } });
    expect(await gateway().listCharges({ from: FROM, to: TO }, context())).toMatchObject({ charges: [{ gatewayChargeId: '1' }] });
    expect(seen).toHaveLength(1);
  });

  it('converts amounts exactly and maps every status, with our reference from external_reference', async () => {
    answer = () =>
      results(
        [
          payment(1, { transaction_amount: 10.5 }),
          payment(2, { transaction_amount: 0.01, status: 'rejected', status_detail: 'cc_rejected_other_reason' }),
          payment(3, { status: 'cancelled', status_detail: 'expired' }),
          payment(4, { status: 'in_process', status_detail: 'pending_contingency' }),
          payment(5, { status: 'pending', status_detail: 'pending_challenge', three_ds_info: { external_resource_url: 'https://acs.example/c', creq: 'eyJ' } }),
          payment(6, { status: 'refunded', status_detail: 'refunded', transaction_amount: 1234567.89 }),
          payment(7, { status: 'charged_back', status_detail: 'settled' }),
          payment(8, { status: 'in_mediation', status_detail: 'in_process' }),
          payment(9, { external_reference: null, status: 'authorized', status_detail: 'pending_capture' }),
        ],
        9,
      );
    const listed = await gateway().listCharges({ from: FROM, to: TO }, context());
    if (!('charges' in listed)) throw new Error(listed.error);
    expect(listed.charges.map((c) => [c.gatewayChargeId, c.reference, c.amount, c.status])).toEqual([
      ['1', 'ch_1', 1050, 'succeeded'],
      ['2', 'ch_2', 1, 'failed'],
      ['3', 'ch_3', 11800, 'failed'],
      ['4', 'ch_4', 11800, 'pending'],
      ['5', 'ch_5', 11800, 'requires_action'],
      ['6', 'ch_6', 123456789, 'refunded'],
      ['7', 'ch_7', 11800, 'disputed'],
      ['8', 'ch_8', 11800, 'disputed'],
      ['9', null, 11800, 'pending'],
    ]);
    expect(listed.charges[0]).toMatchObject({ currency: 'PEN', createdAt: new Date(INSIDE) });
  });

  it('drops payments dated outside the window (a search reading the bounds loosely)', async () => {
    answer = () => results([payment(1, { date_created: '2026-03-01T00:59:59.999-04:00' }), payment(2), payment(3, { date_created: '2026-03-02T01:00:00.001-04:00' })], 3);
    expect(await gateway().listCharges({ from: FROM, to: TO }, context())).toMatchObject({ charges: [{ gatewayChargeId: '2' }] });
  });

  it('an inexact amount, a payment without a date or a body without results is an error, never a shorter list', async () => {
    answer = () => results([payment(1, { transaction_amount: 10.005 })], 1);
    expect(await gateway().listCharges({ from: FROM, to: TO }, context())).toHaveProperty('error');
    answer = () => results([payment(1, { date_created: null })], 1);
    expect(await gateway().listCharges({ from: FROM, to: TO }, context())).toHaveProperty('error');
    answer = () => ({ status: 200, json: { paging: { total: 0 } } });
    expect(await gateway().listCharges({ from: FROM, to: TO }, context())).toHaveProperty('error');
  });

  it('retries a failing page (a GET is safe) and gives up with an error', async () => {
    answer = (_url, i) => (i === 0 ? { status: 500, json: { message: 'internal_error' } } : results([payment(1)], 1));
    expect(await gateway().listCharges({ from: FROM, to: TO }, context())).toMatchObject({ charges: [{ gatewayChargeId: '1' }] });
    seen = [];
    answer = (url) => (url.searchParams.get('offset') === '0' ? results(Array.from({ length: 100 }, (_, i) => payment(i + 1)), 150) : { status: 503, json: { message: 'unavailable' } });
    expect(await gateway().listCharges({ from: FROM, to: TO }, context())).toEqual({ error: 'Mercado Pago: unavailable' });
    expect(seen).toHaveLength(4);
    answer = () => ({ status: 400, json: { message: 'Invalid sort', cause: [{ code: 1003 }] } });
    expect(await gateway().listCharges({ from: FROM, to: TO }, context())).toEqual({ error: 'Mercado Pago: Invalid sort' });
  });

  it('a search that never ends is an error', async () => {
    answer = (url) => {
      const offset = Number(url.searchParams.get('offset'));
      return results(Array.from({ length: 100 }, (_, i) => payment(offset + i + 1)), 1_000_000, offset);
    };
    expect(await gateway().listCharges({ from: FROM, to: TO }, context())).toHaveProperty('error', expect.stringMatching(/more than \d+ Mercado Pago payments/));
    expect(seen).toHaveLength(100);
  });
});

describe('MercadoPagoGateway.listCharges against the Mercado Pago simulator', () => {
  let clockOffset = 0;
  let sandbox: Sandbox;
  let api: string;
  let publicKey: string;
  let accessToken: string;

  beforeAll(async () => {
    sandbox = await new Sandbox({ clock: () => Date.now() + clockOffset }).start();
    ({ base_url: api, public_key: publicKey, access_token: accessToken } = sandbox.describe().mercadopago);
    recordSecret(accessToken);
  });
  afterAll(async () => sandbox.close());

  async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const res = await fetch(`${api}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return (await res.json()) as Record<string, unknown>;
  }

  async function pay(holder: string, reference: string | null, amount: number): Promise<Record<string, unknown>> {
    const token = await post(`/v1/card_tokens?public_key=${publicKey}`, {
      card_number: '4009175332806176',
      expiration_month: 11,
      expiration_year: 2030,
      security_code: '123',
      cardholder: { name: holder, identification: { type: 'DNI', number: '12345678' } },
    });
    return post(
      '/v1/payments',
      { transaction_amount: amount, token: token.id, description: 'Plan', installments: 1, payment_method_id: 'visa', payer: { email: 'buyer@example.com' }, external_reference: reference },
      { Authorization: `Bearer ${accessToken}`, 'X-Idempotency-Key': randomUUID() },
    );
  }

  it('lists exactly the window across pages, rejections and refunds included, amounts exact', async () => {
    const now = Date.now();
    clockOffset = -3 * 3_600_000;
    await pay('APRO', 'ch_before', 10);
    clockOffset = -3_600_000;
    const inside: Record<string, unknown>[] = [];
    for (let i = 0; i < 105; i++) inside.push(await pay('APRO', `ch_in_${i}`, (300 + i) / 100));
    const rejected = await pay('OTHE', 'ch_rejected', 50);
    const refunded = await pay('APRO', null, 20.1);
    const refund = await post(`/v1/payments/${String(refunded.id)}/refunds`, {}, { Authorization: `Bearer ${accessToken}`, 'X-Idempotency-Key': randomUUID() });
    expect(refund).toHaveProperty('status', 'approved');
    clockOffset = 0;
    await pay('APRO', 'ch_after', 10);

    const ctx = context();
    const listed = await gateway({ apiUrl: api, accessToken }).listCharges({ from: new Date(now - 2 * 3_600_000), to: new Date(now - 30 * 60_000) }, ctx);
    if (!('charges' in listed)) throw new Error(listed.error);
    expect(listed.charges).toHaveLength(107);
    const byRef = new Map(listed.charges.map((c) => [c.reference, c]));
    expect(byRef.has('ch_before')).toBe(false);
    expect(byRef.has('ch_after')).toBe(false);
    expect(byRef.get('ch_in_7')).toMatchObject({ gatewayChargeId: String(inside[7]!.id), amount: 307, currency: 'PEN', status: 'succeeded' });
    expect(byRef.get('ch_in_104')).toMatchObject({ amount: 404 });
    expect(byRef.get('ch_rejected')).toMatchObject({ gatewayChargeId: String(rejected.id), status: 'failed', amount: 5000 });
    expect(byRef.get(null)).toMatchObject({ gatewayChargeId: String(refunded.id), status: 'refunded', amount: 2010 });
    expect(ctx.calls.map((c) => c.httpStatus)).toEqual([200, 200]);
  });
});
