import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CulqiGateway } from '../../src/gateways/culqi/culqi.gateway';
import { chargeMatchesReference, creationDateMs, mapChargeObject, normaliseBrand, refundReference } from '../../src/gateways/culqi/culqi.mappers';
import { fitDescription } from '../../src/gateways/culqi/culqi.requests';
import {
  mapCardResult,
  mapChargeResult,
  mapCustomerResult,
  mapDeleteCardResult,
  mapLookupResult,
  mapRefundLookupResult,
  mapRefundResult,
  readListPage,
  type ChargeAttempt,
} from '../../src/gateways/culqi/culqi.results';
import { parseCulqiWebhook, verifyCulqiBasicAuth } from '../../src/gateways/culqi/culqi.webhook';
import { GatewayHttpClient, type GatewayHttpResult } from '../../src/gateways/http/gateway-http.client';
import type { CallContext, ChargeRequest, RefundReference } from '../../src/gateways/payment-gateway.port';
import { recordSecret } from '../support/test-env';

// ---------------------------------------------------------------------------------------------
// Recorded Culqi sandbox traffic (culqi-python cassettes, 2020): ../shared/reference/culqi-recordings
// ---------------------------------------------------------------------------------------------

const RECORDINGS = process.env.SMARTPAY_CULQI_RECORDINGS ?? resolve(__dirname, '../../../shared/reference/culqi-recordings');

interface Interaction {
  request: { method: string; uri: string; body: string | null };
  response: { status: { code: number }; body: { string: string } };
}

interface Exchange {
  file: string;
  kind: string;
  method: string;
  path: string;
  status: number;
  requestBody: unknown;
  responseJson: unknown;
  result: GatewayHttpResult;
  /** Card number of the token this file created first (the card behind its charges and cards). */
  cardNumber: string | null;
}

function parseJson(text: string | null): unknown {
  if (text === null || text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function classify(method: string, url: URL): string | null {
  const p = url.pathname;
  if (url.hostname.startsWith('secure.')) return method === 'POST' && p === '/v2/tokens' ? 'create_token' : null;
  if (method === 'POST' && p === '/v2/charges') return 'create_charge';
  if (method === 'POST' && /^\/v2\/charges\/[^/]+\/capture$/.test(p)) return 'capture_charge';
  if (method === 'GET' && p === '/v2/charges') return 'list_charges';
  if (method === 'GET' && /^\/v2\/charges\/[^/]+$/.test(p)) return 'get_charge';
  if (method === 'PATCH' && /^\/v2\/charges\/[^/]+$/.test(p)) return 'update_charge';
  if (method === 'POST' && p === '/v2/refunds') return 'create_refund';
  if (method === 'GET' && p === '/v2/refunds') return 'list_refunds';
  if (method === 'GET' && /^\/v2\/refunds\/[^/]+$/.test(p)) return 'get_refund';
  if (method === 'POST' && p === '/v2/cards') return 'create_card';
  if (method === 'POST' && p === '/v2/customers') return 'create_customer';
  if (method === 'DELETE' && /^\/v2\/cards\/[^/]+$/.test(p)) return 'delete_card';
  if (method === 'GET' && p === '/v2/transfers') return 'edge_timeout';
  return null;
}

function loadExchanges(): Exchange[] {
  if (!existsSync(RECORDINGS)) throw new Error(`Culqi recordings not found at ${RECORDINGS} (set SMARTPAY_CULQI_RECORDINGS)`);
  const out: Exchange[] = [];
  for (const file of readdirSync(RECORDINGS).filter((f) => f.endsWith('.yaml')).sort()) {
    const doc = load(readFileSync(join(RECORDINGS, file), 'utf8')) as { interactions: Interaction[] };
    let cardNumber: string | null = null;
    for (const i of doc.interactions) {
      const url = new URL(i.request.uri);
      const kind = classify(i.request.method, url);
      const requestBody = parseJson(i.request.body);
      if (kind === 'create_token' && cardNumber === null) cardNumber = (requestBody as { card_number?: string } | null)?.card_number ?? null;
      if (kind === null) continue;
      const text = i.response.body.string;
      const json = parseJson(text);
      out.push({
        file,
        kind,
        method: i.request.method,
        path: url.pathname,
        status: i.response.status.code,
        requestBody,
        responseJson: json,
        result: { kind: 'response', status: i.response.status.code, text, json },
        cardNumber,
      });
    }
  }
  return out;
}

const EXCHANGES = loadExchanges();
const byKind = (kind: string) => EXCHANGES.filter((e) => e.kind === kind);

/** api.md's normalisation table, restated here on purpose (not imported from the adapter). */
const EXPECTED_DECLINE: Record<string, string> = {
  contact_issuer: 'contact_issuer',
  incorrect_cvv: 'incorrect_cvc',
  insufficient_funds: 'insufficient_funds',
  invalid_card: 'card_not_supported',
  issuer_decline_operation: 'generic_decline',
  issuer_not_available: 'issuer_unavailable',
  lost_card: 'lost_card',
  processing_error: 'processing_error',
  stolen_card: 'stolen_card',
};
const BRAND_OF_FILE: Record<string, string> = { visa: 'visa', master_card: 'mastercard', american_express: 'amex', diners_club: 'diners' };

/** `ChargeTest.test_charge_create__lost_card__visa.yaml` → { outcome: 'lost_card', brand: 'visa' }. */
function variantOf(file: string): { outcome: string; brand: string } | null {
  const m = /__([a-z_]+)__([a-z_]+)\.yaml$/.exec(file);
  return m?.[1] && m[2] ? { outcome: m[1], brand: BRAND_OF_FILE[m[2]] ?? m[2] } : null;
}

const PLAIN_ATTEMPT: ChargeAttempt = {
  threeDs: false,
  nextAction: { type: 'three_ds_challenge', gateway: 'culqi', culqi: { public_key: 'pk_test_x', token_id: 'tkn_test_x', amount: 1000, currency: 'PEN', email: 'a@b.pe' } },
};

describe('Culqi mappers on the recorded sandbox traffic', () => {
  it('found every kind of exchange the adapter handles', () => {
    expect(byKind('create_charge').length).toBeGreaterThanOrEqual(14);
    expect(byKind('create_charge').filter((e) => e.status === 402)).toHaveLength(9);
    expect(byKind('create_card').filter((e) => e.status === 400)).toHaveLength(9);
    for (const kind of ['capture_charge', 'get_charge', 'update_charge', 'list_charges', 'create_refund', 'list_refunds', 'get_refund', 'create_customer', 'delete_card', 'edge_timeout']) {
      expect(byKind(kind).length, kind).toBeGreaterThan(0);
    }
  });

  describe.each(byKind('create_charge').map((e) => [`${e.file} (HTTP ${e.status})`, e] as const))('POST /v2/charges %s', (_name, e) => {
    it('maps to the documented outcome', () => {
      const outcome = mapChargeResult(e.result, PLAIN_ATTEMPT);
      const variant = variantOf(e.file);
      const body = e.responseJson as { charge_id?: string; decline_code?: string };
      if (e.status === 402) {
        expect(variant).not.toBeNull();
        expect(outcome).toMatchObject({
          status: 'failed',
          gatewayChargeId: body.charge_id,
          failure: { code: 'card_declined', declineCode: EXPECTED_DECLINE[variant!.outcome], gatewayCode: variant!.outcome },
        });
        expect(body.charge_id).toMatch(/^chr_test_/);
        return;
      }
      expect(e.status).toBe(201);
      expect(outcome.status).toBe('succeeded');
      if (outcome.status !== 'succeeded') return;
      expect(outcome.gatewayChargeId).toBe((e.responseJson as { id: string }).id);
      expect(outcome.card).toEqual({ brand: variant?.brand ?? 'visa', last4: e.cardNumber?.slice(-4), expMonth: null, expYear: null });
    });
  });

  describe.each(byKind('create_card').map((e) => [`${e.file} (HTTP ${e.status})`, e] as const))('POST /v2/cards %s', (_name, e) => {
    it('maps to saved or to the normalised decline', () => {
      const outcome = mapCardResult(e.result, 'cus_test_fallback');
      const variant = variantOf(e.file);
      if (e.status === 400) {
        expect(outcome).toMatchObject({ status: 'failed', failure: { code: 'card_declined', declineCode: EXPECTED_DECLINE[variant!.outcome], gatewayCode: variant!.outcome } });
        return;
      }
      const card = e.responseJson as { id: string; customer_id: string };
      expect(outcome).toEqual({
        status: 'saved',
        ref: { customerRef: card.customer_id, cardRef: card.id },
        card: { brand: variant?.brand ?? 'visa', last4: e.cardNumber?.slice(-4), expMonth: null, expYear: null },
      });
    });
  });

  it('maps every recorded customer creation to its cus_ id', () => {
    for (const e of byKind('create_customer')) {
      expect(mapCustomerResult(e.result), e.file).toEqual({ customerRef: (e.responseJson as { id: string }).id });
      expect((e.responseJson as { id: string }).id).toMatch(/^cus_test_/);
    }
  });

  it('maps every recorded refund creation to succeeded with its ref_ id', () => {
    for (const e of byKind('create_refund')) {
      const id = (e.responseJson as { id: string }).id;
      expect(id).toMatch(/^ref_test_/);
      expect(mapRefundResult(e.result), e.file).toEqual({ status: 'succeeded', gatewayRefundId: id });
    }
  });

  it('reads the recorded refund list and GET: refunds have no status, so one that exists succeeded', () => {
    const list = byKind('list_refunds')[0]!;
    const page = readListPage(list.result);
    if ('error' in page) throw new Error(page.error);
    expect(page.items.length).toBeGreaterThan(5);
    // Newest first, creation dates in milliseconds; none carries our refund id (recorded before we sent one).
    const created = page.items.map((item) => creationDateMs(item)!);
    expect(created.every((ms) => ms > 1_500_000_000_000)).toBe(true);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    expect(page.items.map((item) => refundReference(item))).toEqual(page.items.map(() => null));
    expect(refundReference({ ...(page.items[0] as object), metadata: { smartpay_refund_id: 're_0001' } })).toBe('re_0001');
    for (const e of byKind('get_refund').filter((x) => x.status === 200)) {
      const id = (e.responseJson as { id: string }).id;
      expect(mapRefundLookupResult(e.result), e.file).toEqual({ found: true, gatewayRefundId: id, status: 'succeeded' });
    }
    expect(mapRefundLookupResult(byKind('edge_timeout')[0]!.result)).toHaveProperty('error');
  });

  it('maps captures, updates and GETs of charges (charge objects) to succeeded with amount and currency', () => {
    for (const e of [...byKind('capture_charge'), ...byKind('update_charge')]) {
      expect(mapChargeResult(e.result, PLAIN_ATTEMPT).status, e.file).toBe('succeeded');
    }
    for (const e of byKind('get_charge')) {
      expect(mapLookupResult(e.result), e.file).toMatchObject({ found: true, outcome: { status: 'succeeded' }, amount: 1000, currency: 'PEN' });
    }
  });

  it('maps every recorded card deletion to deleted', () => {
    for (const e of byKind('delete_card')) expect(mapDeleteCardResult(e.result), e.file).toEqual({ status: 'deleted' });
  });

  it('treats the recorded API Gateway 504 and the Spring-style 500 as unknown outcomes, never as answers', () => {
    const edge = byKind('edge_timeout')[0]!;
    expect(edge.status).toBe(504);
    expect(mapChargeResult(edge.result, PLAIN_ATTEMPT)).toEqual({ status: 'pending', gatewayChargeId: null, reason: 'ambiguous_error' });
    expect(mapRefundResult(edge.result)).toEqual({ status: 'pending', reason: 'ambiguous_error' });
    expect(mapLookupResult(edge.result)).toHaveProperty('error');
    const spring = loadSpring500();
    expect(mapChargeResult(spring, PLAIN_ATTEMPT)).toEqual({ status: 'pending', gatewayChargeId: null, reason: 'ambiguous_error' });
  });

  it('reads the recorded charge list: every item, its decline codes, and the cursor to the next page', () => {
    const list = byKind('list_charges')[0]!;
    const page = readListPage(list.result);
    if ('error' in page) throw new Error(page.error);
    const paging = (list.responseJson as { paging: { cursors: { after: string } } }).paging;
    expect(page.items).toHaveLength(50);
    expect(page.nextCursor).toBe(paging.cursors.after);
    const outcomes = page.items.map((item) => mapChargeObject(item));
    expect(outcomes.every((o) => o !== null)).toBe(true);
    expect(outcomes.filter((o) => o?.status === 'succeeded')).toHaveLength(19);
    const failed = outcomes.filter((o) => o?.status === 'failed');
    expect(failed).toHaveLength(31);
    expect(failed.filter((o) => o.failure.declineCode === 'stolen_card')).toHaveLength(1);
    // DNGA0054 "Fecha de Expiracion Invalida" (card validation charges) reads as an expired card.
    expect(failed.filter((o) => o.failure.declineCode === 'expired_card' && o.failure.gatewayCode === 'DNGA0054')).toHaveLength(30);
  });

  it('takes the next cursor from `paging.next` when `cursors` lacks it, and refuses a next page without any cursor', () => {
    const list = byKind('list_charges')[0]!;
    const body = structuredClone(list.responseJson) as { paging: Record<string, unknown> };
    body.paging.cursors = { before: null, after: null };
    const asResult = (json: unknown): GatewayHttpResult => ({ kind: 'response', status: 200, text: '', json });
    expect(readListPage(asResult(body))).toMatchObject({ nextCursor: 'chr_test_vWMM2Tx4HIr1rvT4' });
    body.paging.next = 'https://api.culqi.com/v2/charges?limit=50';
    expect(readListPage(asResult(body))).toHaveProperty('error');
  });

  it('matches our charge id in the metadata of a recorded list item (object or JSON-string metadata)', () => {
    const items = (byKind('list_charges')[0]!.responseJson as { data: Record<string, unknown>[] }).data;
    expect(items.filter((c) => chargeMatchesReference(c, 'ch_0001'))).toHaveLength(0);
    const injected = items.map((c, i) => (i === 7 ? { ...c, metadata: { ...(c.metadata as object), smartpay_charge_id: 'ch_0001' } } : c));
    expect(injected.filter((c) => chargeMatchesReference(c, 'ch_0001')).map((c) => c.id)).toEqual([items[7]!.id]);
    expect(injected.filter((c) => chargeMatchesReference(c, 'ch_0002'))).toHaveLength(0);
    expect(chargeMatchesReference({ ...items[3], metadata: JSON.stringify({ smartpay_charge_id: 'ch_0003' }) }, 'ch_0003')).toBe(true);
    expect(chargeMatchesReference({ ...items[3], metadata: { order_id: 'ch_0003' } }, 'ch_0003')).toBe(false);
  });
});

function loadSpring500(): GatewayHttpResult {
  const doc = load(readFileSync(join(RECORDINGS, 'ChargeTest.test_charge_create__fraudulent__diners_club.yaml'), 'utf8')) as { interactions: Interaction[] };
  const i = doc.interactions.find((x) => x.response.status.code === 500)!;
  return { kind: 'response', status: 500, text: i.response.body.string, json: parseJson(i.response.body.string) };
}

function recorded(file: string, kind: string): Record<string, unknown> {
  const e = EXCHANGES.find((x) => x.file === file && x.kind === kind);
  if (!e) throw new Error(`no ${kind} in ${file}`);
  return structuredClone(e.responseJson) as Record<string, unknown>;
}

describe('small pure helpers', () => {
  it('normalises brands and fits descriptions to 5–80 characters', () => {
    expect(['Visa', 'MasterCard', 'Mastercard', 'Amex', 'American Express', 'Diners', 'Diners Club'].map(normaliseBrand)).toEqual([
      'visa',
      'mastercard',
      'mastercard',
      'amex',
      'amex',
      'diners',
      'diners',
    ]);
    expect(fitDescription('ab')).toBe('Pago ab');
    expect(fitDescription('  ')).toBe('Pago SmartPay');
    expect(fitDescription('Plan profesional')).toBe('Plan profesional');
    const long = fitDescription(`${'x'.repeat(79)}😀 tail`);
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toBe('x'.repeat(79));
  });
});

// ---------------------------------------------------------------------------------------------
// CulqiGateway against a tiny local HTTP server
// ---------------------------------------------------------------------------------------------

const SECRET = 'sk_test_4dapterS3cretKey01';
const PUBLIC = 'pk_test_4dapterPublicKey01';
const TOKEN = 'tkn_test_0123456789abcdef';
const PAN = '4111111111111111';
recordSecret(SECRET);

type Reply = { status: number; body?: unknown; raw?: string } | 'hang' | 'reset';
interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown> | null;
  headers: IncomingHttpHeaders;
}
type Route = Reply | Reply[] | ((req: Seen) => Reply);

let server: Server;
let base: string;
let seen: Seen[] = [];
let routes: Record<string, Route> = {};

function serve(next: Record<string, Route>): void {
  routes = next;
  seen = [];
}

function reply(req: Seen): Reply {
  const route = routes[`${req.method} ${req.path}`];
  if (route === undefined) return { status: 404, body: { object: 'error', type: 'resource_error', merchant_message: 'no route' } };
  if (typeof route === 'function') return route(req);
  if (Array.isArray(route)) return route.length > 1 ? route.shift()! : route[0]!;
  return route;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const s: Seen = { method: req.method ?? '', path: url.pathname, query: url.searchParams, body: parseJson(text) as Seen['body'], headers: req.headers };
      seen.push(s);
      const r = reply(s);
      if (r === 'hang') return;
      if (r === 'reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(r.status, { 'content-type': 'application/json;charset=UTF-8' });
      res.end(r.raw ?? JSON.stringify(r.body));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
});

beforeEach(() => serve({}));

function gateway(timeoutMs = 2_000, apiUrl = base): CulqiGateway {
  return new CulqiGateway({ apiUrl, secureUrl: apiUrl, secretKey: SECRET, publicKey: PUBLIC, timeoutMs }, new GatewayHttpClient());
}

function context(): CallContext {
  return { appId: 'app_1', chargeId: 'ch_0001', calls: [] };
}

function chargeRequest(overrides: Partial<ChargeRequest> = {}): ChargeRequest {
  return {
    chargeId: 'ch_0001',
    amount: 11800,
    currency: 'PEN',
    email: 'buyer@example.com',
    description: 'Plan',
    source: { type: 'card_token', token: TOKEN },
    installments: 1,
    attemptedAt: new Date(),
    ...overrides,
  };
}

/** Nothing secret in the call log: no token id, card number (full or masked) or key. */
function expectNoSecrets(ctx: CallContext): void {
  expect(ctx.calls.length).toBeGreaterThan(0);
  for (const call of ctx.calls) {
    for (const body of [call.requestBody, call.responseBody]) {
      if (body === null) continue;
      expect(body).not.toContain('tkn_test_');
      expect(body).not.toContain(PAN);
      expect(body).not.toMatch(/\d{6}\*{4,6}\d{4}/);
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain('buyer@example.com');
    }
  }
}

const posts = (path: string) => seen.filter((s) => s.method === 'POST' && s.path === path);
const SUCCESS_FILE = 'ChargeTest.test_charge_create__successful__visa.yaml';
const REVIEW = { action_code: 'REVIEW', user_message: 'El usuario necesita autenticarse' };

describe('CulqiGateway.charge', () => {
  it('201 → succeeded; sends the documented body with Bearer auth and only our own id in metadata', async () => {
    serve({ 'POST /v2/charges': { status: 201, body: recorded(SUCCESS_FILE, 'create_charge') } });
    const ctx = context();
    const outcome = await gateway().charge(chargeRequest({ deviceFingerprint: '7f3c0a52-6f43-4a4b-9d44-6a1f8c4e2b10' }), ctx);
    expect(outcome).toEqual({ status: 'succeeded', gatewayChargeId: expect.stringMatching(/^chr_test_/), card: { brand: 'visa', last4: '1111', expMonth: null, expYear: null } });
    const sent = posts('/v2/charges');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(sent[0]!.body).toEqual({
      amount: 11800,
      currency_code: 'PEN',
      email: 'buyer@example.com',
      source_id: TOKEN,
      description: 'Pago Plan',
      capture: true,
      metadata: { smartpay_charge_id: 'ch_0001' },
      antifraud_details: { device_finger_print_id: '7f3c0a52-6f43-4a4b-9d44-6a1f8c4e2b10' },
    });
    expect(ctx.calls).toHaveLength(1);
    expect(ctx.calls[0]).toMatchObject({ gateway: 'culqi', operation: 'create_charge', method: 'POST', path: '/v2/charges', httpStatus: 201, errorClass: null });
    expectNoSecrets(ctx);
  });

  it('sends installments only for real instalment plans, and a saved card or Yape token as source_id', async () => {
    serve({ 'POST /v2/charges': { status: 201, body: recorded(SUCCESS_FILE, 'create_charge') } });
    await gateway().charge(chargeRequest({ installments: 3, source: { type: 'saved_card', customerRef: 'cus_test_a', cardRef: 'crd_test_0123456789abcdef' } }), context());
    await gateway().charge(chargeRequest({ installments: 0, source: { type: 'yape_token', token: 'ype_test_0123456789abcdef' } }), context());
    expect(posts('/v2/charges').map((s) => [s.body?.source_id, s.body?.installments])).toEqual([
      ['crd_test_0123456789abcdef', 3],
      ['ype_test_0123456789abcdef', undefined],
    ]);
  });

  it('200 REVIEW → requires_action with what Culqi3DS.initAuthentication needs; then complete_3ds retries the same token', async () => {
    serve({ 'POST /v2/charges': [{ status: 200, body: REVIEW }, { status: 201, body: recorded(SUCCESS_FILE, 'create_charge') }] });
    const ctx = context();
    const request = chargeRequest();
    const first = await gateway().charge(request, ctx);
    expect(first).toEqual({
      status: 'requires_action',
      gatewayChargeId: null,
      card: null,
      nextAction: { type: 'three_ds_challenge', gateway: 'culqi', culqi: { public_key: PUBLIC, token_id: TOKEN, amount: 11800, currency: 'PEN', email: 'buyer@example.com' } },
    });
    const auth = { eci: '05', xid: 'eGlkLXZhbHVl', cavv: 'Y2F2di12YWx1ZQ==', protocolVersion: '2.1.0', directoryServerTransactionId: 'ds-1' };
    const second = await gateway().completeThreeDs(request, auth, ctx);
    expect(second.status).toBe('succeeded');
    const [a, b] = posts('/v2/charges');
    expect(b!.body?.source_id).toBe(a!.body?.source_id);
    expect(b!.body?.authentication_3DS).toEqual(auth);
    expect(a!.body).not.toHaveProperty('authentication_3DS');
    expect(ctx.calls.map((c) => [c.operation, c.httpStatus])).toEqual([
      ['create_charge', 200],
      ['complete_3ds', 201],
    ]);
    expectNoSecrets(ctx);
  });

  it('after 3-D Secure: an unknown card_error or a second REVIEW is authentication_failed; a plain decline stays a decline', async () => {
    const auth = { eci: '07', cavv: 'x', protocolVersion: '2.1.0' };
    const decline = (code: string) => ({ status: 402, body: { object: 'error', type: 'card_error', charge_id: 'chr_test_3dsfail000000001', code: 'card_declined', decline_code: code, merchant_message: 'Denegada' } });
    serve({ 'POST /v2/charges': [decline('authentication_failed'), { status: 200, body: REVIEW }, decline('insufficient_funds')] });
    const g = gateway();
    expect(await g.completeThreeDs(chargeRequest(), auth, context())).toMatchObject({
      status: 'failed',
      gatewayChargeId: 'chr_test_3dsfail000000001',
      failure: { code: 'authentication_failed', declineCode: null, gatewayCode: 'authentication_failed' },
    });
    expect(await g.completeThreeDs(chargeRequest(), auth, context())).toMatchObject({ status: 'failed', failure: { code: 'authentication_failed', gatewayCode: 'REVIEW' } });
    expect(await g.completeThreeDs(chargeRequest(), auth, context())).toMatchObject({
      status: 'failed',
      failure: { code: 'card_declined', declineCode: 'insufficient_funds' },
    });
  });

  it('402 card_error → failed with the normalised decline and the denied charge id', async () => {
    const body = recorded('ChargeTest.test_charge_create__incorrect_cvv__master_card.yaml', 'create_charge');
    serve({ 'POST /v2/charges': { status: 402, body } });
    const ctx = context();
    expect(await gateway().charge(chargeRequest(), ctx)).toEqual({
      status: 'failed',
      gatewayChargeId: body.charge_id,
      card: null,
      failure: { code: 'card_declined', declineCode: 'incorrect_cvc', message: body.merchant_message, gatewayCode: 'incorrect_cvv' },
    });
    expect(ctx.calls[0]).toMatchObject({ httpStatus: 402, errorClass: 'http_4xx' });
  });

  it('422 parameter_error on source_id → invalid_source; 401 authentication_error → gateway_error', async () => {
    const g = gateway();
    serve({
      'POST /v2/charges': [
        { status: 422, body: { object: 'error', type: 'parameter_error', code: 'invalid_token', param: 'source_id', merchant_message: `No puedes usar el token ${TOKEN}, ya expiró.` } },
        { status: 401, body: { object: 'error', type: 'authentication_error', code: 'invalid_key', merchant_message: 'Llave inválida' } },
      ],
    });
    const ctx = context();
    const expired = await g.charge(chargeRequest(), ctx);
    expect(expired).toMatchObject({ status: 'failed', gatewayChargeId: null, failure: { code: 'invalid_source', gatewayCode: 'invalid_token' } });
    // The token id Culqi echoes in its message is scrubbed before it can reach our API.
    expect(expired.status === 'failed' && expired.failure.message).not.toContain('tkn_test_');
    expect(await g.charge(chargeRequest(), ctx)).toMatchObject({ status: 'failed', failure: { code: 'gateway_error', gatewayCode: 'invalid_key' } });
    expectNoSecrets(ctx);
  });

  it.each([
    ['500 api_error', { status: 500, body: { object: 'error', type: 'api_error', merchant_message: 'Error' } }],
    ['504 from the AWS edge', { status: 504, raw: '{"message": "Endpoint request timed out"}' }],
    ['201 with an unparseable body', { status: 201, raw: '<html>oops' }],
    ['403 that is not a Culqi error', { status: 403, raw: '{"message":"Forbidden"}' }],
  ] as const)('%s → pending (ambiguous), sent exactly once', async (_name, answer) => {
    serve({ 'POST /v2/charges': answer });
    const ctx = context();
    expect(await gateway().charge(chargeRequest(), ctx)).toEqual({ status: 'pending', gatewayChargeId: null, reason: 'ambiguous_error' });
    expect(posts('/v2/charges')).toHaveLength(1);
    expect(ctx.calls).toHaveLength(1);
  });

  it('no answer within timeoutMs → pending (timeout), and no second POST ever follows', async () => {
    serve({ 'POST /v2/charges': 'hang' });
    const ctx = context();
    expect(await gateway(200).charge(chargeRequest(), ctx)).toEqual({ status: 'pending', gatewayChargeId: null, reason: 'timeout' });
    await new Promise((r) => setTimeout(r, 300));
    expect(posts('/v2/charges')).toHaveLength(1);
    expect(ctx.calls).toEqual([expect.objectContaining({ operation: 'create_charge', path: '/v2/charges', httpStatus: null, errorClass: 'timeout', responseBody: null })]);
    expectNoSecrets(ctx);
  });

  it('connection reset after the request arrived → pending (ambiguous), sent once', async () => {
    serve({ 'POST /v2/charges': 'reset' });
    const ctx = context();
    expect(await gateway().charge(chargeRequest(), ctx)).toEqual({ status: 'pending', gatewayChargeId: null, reason: 'ambiguous_error' });
    expect(posts('/v2/charges')).toHaveLength(1);
    expect(ctx.calls[0]).toMatchObject({ errorClass: 'reset', httpStatus: null });
  });

  it('connection refused → not_sent (the one outcome that may fail over)', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const ctx = context();
    expect(await gateway(2_000, `http://127.0.0.1:${port}/v2`).charge(chargeRequest(), ctx)).toEqual({ status: 'not_sent', reason: 'connection_refused' });
    expect(ctx.calls[0]).toMatchObject({ operation: 'create_charge', errorClass: 'connection_refused' });
  });
});

describe('CulqiGateway lookups', () => {
  it('getCharge retries a GET once after a 5xx and maps the charge object', async () => {
    serve({ 'GET /v2/charges/chr_test_Qeoz1g7sNrtZui6l': [{ status: 503, raw: 'busy' }, { status: 200, body: recorded(SUCCESS_FILE, 'create_charge') }] });
    const ctx = context();
    expect(await gateway().getCharge('chr_test_Qeoz1g7sNrtZui6l', ctx)).toMatchObject({ found: true, outcome: { status: 'succeeded' }, amount: 1000, currency: 'PEN' });
    expect(ctx.calls.map((c) => [c.operation, c.method, c.httpStatus])).toEqual([
      ['get_charge', 'GET', 503],
      ['get_charge', 'GET', 200],
    ]);
  });

  it('getCharge: 404 → not found; a GET failing twice → error', async () => {
    serve({});
    expect(await gateway().getCharge('chr_test_missing00000000', context())).toEqual({ found: false });
    serve({ 'GET /v2/charges/chr_test_x': { status: 500, raw: '' } });
    expect(await gateway().getCharge('chr_test_x', context())).toHaveProperty('error');
    expect(seen).toHaveLength(2);
  });

  /** A recorded charge, created `afterMs` after the attempt (the recording's own date is from 2020). */
  function listItem(id: string, metadata: Record<string, unknown>, afterMs = 1_000): Record<string, unknown> {
    return { ...recorded(SUCCESS_FILE, 'create_charge'), id, metadata, creation_date: 1_700_000_000_000 + afterMs };
  }

  it('findChargeByReference pages newest-first with `after` cursors and matches our id in metadata', async () => {
    const attemptedAt = new Date(1_700_000_000_000);
    serve({
      'GET /v2/charges': (req) =>
        req.query.get('after') === null
          ? {
              status: 200,
              body: {
                data: [listItem('chr_test_AAAAAAAAAAAAAAAA', {}), listItem('chr_test_BBBBBBBBBBBBBBBB', { smartpay_charge_id: 'ch_other' })],
                paging: { previous: null, next: `${base}/charges?limit=100&after=chr_test_BBBBBBBBBBBBBBBB`, cursors: { before: 'chr_test_AAAAAAAAAAAAAAAA', after: 'chr_test_BBBBBBBBBBBBBBBB' }, remaining_items: 1 },
              },
            }
          : {
              status: 200,
              body: {
                data: [listItem('chr_test_CCCCCCCCCCCCCCCC', { smartpay_charge_id: 'ch_target' })],
                paging: { previous: 'x', next: null, cursors: { before: 'chr_test_CCCCCCCCCCCCCCCC', after: 'chr_test_CCCCCCCCCCCCCCCC' }, remaining_items: 0 },
              },
            },
    });
    const ctx = context();
    const found = await gateway().findChargeByReference({ chargeId: 'ch_target', attemptedAt, amount: 1000, currency: 'PEN' }, ctx);
    expect(found).toEqual({ found: true, outcome: { status: 'succeeded', gatewayChargeId: 'chr_test_CCCCCCCCCCCCCCCC', card: expect.objectContaining({ last4: '1111' }) }, amount: 1000, currency: 'PEN' });
    expect(seen).toHaveLength(2);
    const [p1, p2] = seen;
    for (const p of [p1!, p2!]) {
      // The attempt's amount and currency; no creation_date filters (their unit is unconfirmed).
      expect(p.query.get('creation_date_from')).toBeNull();
      expect(p.query.get('creation_date_to')).toBeNull();
      expect(p.query.get('amount')).toBe('1000');
      expect(p.query.get('currency_code')).toBe('PEN');
      expect(p.query.get('limit')).toBe('100');
    }
    expect(p2!.query.get('after')).toBe('chr_test_BBBBBBBBBBBBBBBB');
    expect(ctx.calls.map((c) => c.operation)).toEqual(['list_charges', 'list_charges']);
  });

  it('findChargeByReference: a finished listing without a match → not found; a failing listing → error, never "not found"', async () => {
    const ref = { chargeId: 'ch_nowhere', attemptedAt: new Date(), amount: 1000, currency: 'PEN' as const };
    serve({ 'GET /v2/charges': { status: 200, body: { data: [], paging: { previous: null, next: null, cursors: { before: null, after: null }, remaining_items: 0 } } } });
    expect(await gateway().findChargeByReference(ref, context())).toEqual({ found: false });
    serve({ 'GET /v2/charges': { status: 504, raw: '{"message": "Endpoint request timed out"}' } });
    expect(await gateway().findChargeByReference(ref, context())).toHaveProperty('error');
    expect(seen).toHaveLength(2);
  });
});

describe('CulqiGateway.refund', () => {
  it.each([
    ['requested_by_customer', 'solicitud_comprador'],
    ['duplicate', 'duplicado'],
    ['fraudulent', 'fraudulento'],
  ] as const)('reason %s → %s; 201 → succeeded with the ref_ id', async (reason, culqiReason) => {
    const body = recorded('RefundTest.test_refund_create.yaml', 'create_refund');
    serve({ 'POST /v2/refunds': { status: 201, body } });
    const ctx = context();
    const outcome = await gateway().refund({ refundId: 're_1', gatewayChargeId: 'chr_test_7rje5SJhNW0VC3OL', amount: 100, full: false, currency: 'PEN', reason }, ctx);
    expect(outcome).toEqual({ status: 'succeeded', gatewayRefundId: body.id });
    // Our refund id travels in metadata, as our charge id does on charges: reconciliation finds the refund by it.
    expect(posts('/v2/refunds')[0]!.body).toEqual({ amount: 100, charge_id: 'chr_test_7rje5SJhNW0VC3OL', reason: culqiReason, metadata: { smartpay_refund_id: 're_1' } });
    expect(ctx.calls[0]).toMatchObject({ operation: 'create_refund', path: '/v2/refunds', httpStatus: 201 });
  });

  it('a Culqi error → failed with its message and code; a 500 → pending, never resent', async () => {
    const request = { refundId: 're_1', gatewayChargeId: 'chr_test_x', amount: 99999, full: false, currency: 'PEN' as const, reason: 'duplicate' as const };
    serve({ 'POST /v2/refunds': { status: 422, body: { object: 'error', type: 'parameter_error', code: 'invalid_amount', param: 'amount', merchant_message: 'Monto mayor al disponible' } } });
    expect(await gateway().refund(request, context())).toEqual({ status: 'failed', message: 'Monto mayor al disponible', gatewayCode: 'invalid_amount' });
    serve({ 'POST /v2/refunds': { status: 500, raw: '' } });
    expect(await gateway().refund(request, context())).toEqual({ status: 'pending', reason: 'ambiguous_error' });
    expect(posts('/v2/refunds')).toHaveLength(1);
  });
});

describe('CulqiGateway.findRefund', () => {
  const ATTEMPT = 1_700_000_000_000;
  const reference = (over: Partial<RefundReference> = {}): RefundReference => ({
    refundId: 're_target',
    gatewayChargeId: 'chr_test_charge',
    gatewayRefundId: null,
    amount: 100,
    currency: 'PEN',
    attemptedAt: new Date(ATTEMPT),
    excludeGatewayRefundIds: [],
    ...over,
  });
  /** A recorded refund object, created `afterMs` after the attempt, with this metadata. */
  const refund = (id: string, metadata: Record<string, unknown>, afterMs: number) => ({
    ...recorded('RefundTest.test_refund_create.yaml', 'create_refund'),
    id,
    metadata,
    creation_date: ATTEMPT + afterMs,
  });
  const page = (data: unknown[], after: string | null) => ({
    status: 200,
    body: { data, paging: { previous: null, next: after ? `${base}/refunds?limit=100&after=${after}` : null, cursors: { before: null, after }, remaining_items: after ? 1 : 0 } },
  });

  it('pages the refund list newest first with `after` cursors, unfiltered, and matches our refund id in metadata only', async () => {
    serve({
      'GET /v2/refunds': (req) =>
        req.query.get('after') === null
          ? page([refund('ref_test_AAAA', {}, 3_000), refund('ref_test_BBBB', { smartpay_refund_id: 're_other' }, 2_000)], 'ref_test_BBBB')
          : page([refund('ref_test_CCCC', { smartpay_refund_id: 're_target' }, 1_000)], null),
    });
    const ctx = context();
    expect(await gateway().findRefund(reference(), ctx)).toEqual({ found: true, gatewayRefundId: 'ref_test_CCCC', status: 'succeeded' });
    expect(seen.map((s) => [s.method, s.path, s.query.get('after')])).toEqual([
      ['GET', '/v2/refunds', null],
      ['GET', '/v2/refunds', 'ref_test_BBBB'],
    ]);
    for (const s of seen) {
      expect(s.query.get('limit')).toBe('100');
      // No filters: charge_id is not a documented refund filter, and the creation_date unit is unconfirmed.
      expect([...s.query.keys()].sort()).toEqual(s.query.get('after') === null ? ['limit'] : ['after', 'limit']);
    }
    expect(ctx.calls.map((c) => c.operation)).toEqual(['list_refunds', 'list_refunds']);
  });

  it('the same amount on the same charge without our id is not ours; "not found" once the listing passed the attempt', async () => {
    const older = refund('ref_test_OLD0', { smartpay_refund_id: 're_target' }, -61_000);
    serve({
      'GET /v2/refunds': (req) =>
        req.query.get('after') === null ? page([refund('ref_test_NEW0', {}, 500), refund('ref_test_EDGE', {}, -70_000)], 'ref_test_EDGE') : page([older], null),
    });
    // The first page already reaches more than a minute before the attempt: the search stops there.
    expect(await gateway().findRefund(reference(), context())).toEqual({ found: false });
    expect(seen).toHaveLength(1);
  });

  it('by Culqi refund id when known: GET /refunds/{id}; 404 → not found; a GET failing twice → error', async () => {
    serve({ 'GET /v2/refunds/ref_test_KNOWN': [{ status: 502, raw: 'bad gateway' }, { status: 200, body: refund('ref_test_KNOWN', {}, 0) }] });
    const ctx = context();
    expect(await gateway().findRefund(reference({ gatewayRefundId: 'ref_test_KNOWN' }), ctx)).toEqual({ found: true, gatewayRefundId: 'ref_test_KNOWN', status: 'succeeded' });
    expect(ctx.calls.map((c) => [c.operation, c.method, c.httpStatus])).toEqual([
      ['get_refund', 'GET', 502],
      ['get_refund', 'GET', 200],
    ]);
    serve({});
    expect(await gateway().findRefund(reference({ gatewayRefundId: 'ref_test_GONE' }), context())).toEqual({ found: false });
    serve({ 'GET /v2/refunds/ref_test_DOWN': { status: 500, raw: '' } });
    expect(await gateway().findRefund(reference({ gatewayRefundId: 'ref_test_DOWN' }), context())).toHaveProperty('error');
    expect(seen).toHaveLength(2);
  });

  it('a listing that fails, repeats its cursor or never ends is an error, never "not found"; nothing is ever POSTed', async () => {
    serve({ 'GET /v2/refunds': { status: 504, raw: '{"message": "Endpoint request timed out"}' } });
    expect(await gateway().findRefund(reference(), context())).toHaveProperty('error');
    expect(seen).toHaveLength(2);
    serve({ 'GET /v2/refunds': page([refund('ref_test_LOOP', {}, 1_000)], 'ref_test_LOOP') });
    expect(await gateway().findRefund(reference(), context())).toEqual({ error: 'Culqi returned the same page cursor twice' });
    let n = 0;
    serve({ 'GET /v2/refunds': () => page([refund(`ref_test_P${n}`, {}, 1_000)], `ref_test_P${n++}`) });
    expect(await gateway().findRefund(reference(), context())).toEqual({ error: 'more than 2000 Culqi refunds since the attempt' });
    expect(seen).toHaveLength(20);
    expect(seen.every((s) => s.method === 'GET')).toBe(true);
  });
});

describe('CulqiGateway saved cards', () => {
  const CARD_FILE = 'CardTest.test_card_create__successful__visa.yaml';

  it('creates the customer (documented placeholders), then the card → saved with both refs', async () => {
    const customer = recorded(CARD_FILE, 'create_customer');
    const card = recorded(CARD_FILE, 'create_card');
    serve({ 'POST /v2/customers': { status: 201, body: customer }, 'POST /v2/cards': { status: 201, body: card } });
    const ctx = { ...context(), paymentMethodId: 'pm_0001' };
    const outcome = await gateway().saveCard({ token: TOKEN, email: 'ana@example.com', name: 'Ana Quispe Ramos', existingCustomerRef: null }, ctx);
    expect(outcome).toEqual({ status: 'saved', ref: { customerRef: customer.id, cardRef: card.id }, card: { brand: 'visa', last4: '1111', expMonth: null, expYear: null } });
    // The lookup by e-mail finds nothing (the fake answers 404), so the customer is created.
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(['GET /v2/customers', 'POST /v2/customers', 'POST /v2/cards']);
    expect(seen[1]!.body).toEqual({
      first_name: 'Ana',
      last_name: 'Quispe Ramos',
      email: 'ana@example.com',
      address: 'Sin dirección',
      address_city: 'Lima',
      country_code: 'PE',
      phone_number: '999999999',
    });
    expect(seen[2]!.body).toEqual({ customer_id: customer.id, token_id: TOKEN, metadata: { smartpay_payment_method_id: 'pm_0001' } });
    expect(ctx.calls.map((c) => [c.operation, c.httpStatus])).toEqual([
      ['list_customers', 404],
      ['create_customer', 201],
      ['create_card', 201],
    ]);
    expectNoSecrets(ctx);
  });

  it('reuses an existing Culqi customer; a missing name gets placeholder names', async () => {
    serve({ 'POST /v2/cards': { status: 201, body: recorded(CARD_FILE, 'create_card') } });
    const outcome = await gateway().saveCard({ token: TOKEN, email: 'ana@example.com', name: null, existingCustomerRef: 'cus_test_existing0000001' }, context());
    expect(outcome.status).toBe('saved');
    expect(seen.map((s) => s.path)).toEqual(['/v2/cards']);
    expect(seen[0]!.body?.customer_id).toBe('cus_test_existing0000001');
    serve({ 'POST /v2/customers': { status: 500, raw: '' } });
    const failed = await gateway().saveCard({ token: TOKEN, email: 'ana@example.com', name: null, existingCustomerRef: null }, context());
    expect(failed).toMatchObject({ status: 'failed', failure: { code: 'gateway_error' } });
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(['GET /v2/customers', 'POST /v2/customers']);
    expect(seen[1]!.body).toMatchObject({ first_name: 'Cliente', last_name: 'SmartPay' });
  });

  it('reuses the Culqi customer that already has the e-mail (Culqi keeps one per e-mail)', async () => {
    serve({
      'GET /v2/customers': { status: 200, body: { data: [{ object: 'customer', id: 'cus_test_byemail00000001', email: 'Ana@Example.com' }], paging: {} } },
      'POST /v2/cards': { status: 201, body: recorded(CARD_FILE, 'create_card') },
    });
    const outcome = await gateway().saveCard({ token: TOKEN, email: 'ana@example.com', name: 'Ana', existingCustomerRef: null }, context());
    expect(outcome.status).toBe('saved');
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual(['GET /v2/customers', 'POST /v2/cards']);
    expect(seen[1]!.body?.customer_id).toBe('cus_test_byemail00000001');
  });

  it('a declined validation (HTTP 400 card_error) → failed with the normalised decline; REVIEW → authentication_failed', async () => {
    const declined = recorded('CardTest.test_card_create__lost_card__visa.yaml', 'create_card');
    serve({ 'POST /v2/cards': [{ status: 400, body: declined }, { status: 200, body: REVIEW }] });
    const request = { token: TOKEN, email: 'ana@example.com', name: 'Ana', existingCustomerRef: 'cus_test_existing0000001' };
    expect(await gateway().saveCard(request, context())).toMatchObject({ status: 'failed', failure: { code: 'card_declined', declineCode: 'lost_card', gatewayCode: 'lost_card' } });
    const review = await gateway().saveCard(request, context());
    expect(review).toMatchObject({ status: 'failed', failure: { code: 'authentication_failed' } });
    expect(review.status === 'failed' && review.failure.message).toMatch(/3-D Secure/);
  });

  it('deleteCard: 200 and 404 → deleted; a 5xx is retried once; 401 → failed', async () => {
    const path = '/v2/cards/crd_test_K1CyQsga8C6jlZ2c';
    serve({ [`DELETE ${path}`]: { status: 200, body: recorded('CardTest.test_card_delete.yaml', 'delete_card') } });
    const ref = { customerRef: 'cus_test_a', cardRef: 'crd_test_K1CyQsga8C6jlZ2c' };
    const ctx = context();
    expect(await gateway().deleteCard(ref, ctx)).toEqual({ status: 'deleted' });
    expect(ctx.calls[0]).toMatchObject({ operation: 'delete_card', method: 'DELETE', path, httpStatus: 200 });
    serve({});
    expect(await gateway().deleteCard(ref, context())).toEqual({ status: 'deleted' });
    serve({ [`DELETE ${path}`]: [{ status: 502, raw: '' }, { status: 404, body: { object: 'error', type: 'resource_error', merchant_message: 'No existe' } }] });
    expect(await gateway().deleteCard(ref, context())).toEqual({ status: 'deleted' });
    expect(seen).toHaveLength(2);
    serve({ [`DELETE ${path}`]: { status: 401, body: { object: 'error', type: 'authentication_error', merchant_message: 'Llave inválida' } } });
    expect(await gateway().deleteCard(ref, context())).toEqual({ status: 'failed', message: 'Llave inválida' });
  });
});

describe('Culqi webhooks', () => {
  const chargeData = { object: 'charge', id: 'chr_test_Qeoz1g7sNrtZui6l', creationDate: 1589954482000, originalAmount: 1000, currency: 'PEN', outcome: { type: 'venta_exitosa', code: 'AUT0000' } };

  it('parses an event whose data is a JSON string with camelCase fields', () => {
    const event = { object: 'event', id: 'evt_test_0123456789abcdef', type: 'charge.creation.succeeded', creation_date: 1589954482000, data: JSON.stringify(chargeData) };
    const expected = { eventId: 'evt_test_0123456789abcdef', type: 'charge.creation.succeeded', resource: { kind: 'charge', id: 'chr_test_Qeoz1g7sNrtZui6l' } };
    expect(parseCulqiWebhook(event, {})).toEqual(expected);
    // The raw request text and an object `data` parse the same way.
    expect(parseCulqiWebhook(JSON.stringify(event), {})).toEqual(expected);
    expect(parseCulqiWebhook({ ...event, data: chargeData }, {})).toEqual(expected);
  });

  it('recognises refund and order events, and refuses what is not a Culqi event', () => {
    const refund = { object: 'event', id: 'evt_test_r', type: 'refund.creation.succeeded', data: JSON.stringify({ id: 'ref_test_1', chargeId: 'chr_test_1', amount: 100 }) };
    expect(parseCulqiWebhook(refund, {})?.resource).toEqual({ kind: 'refund', id: 'ref_test_1' });
    const order = { object: 'event', id: 'evt_test_o', type: 'order.status.changed', data: JSON.stringify({ id: 'ord_test_1', state: 'paid' }) };
    expect(parseCulqiWebhook(order, {})?.resource).toEqual({ kind: 'order', id: 'ord_test_1' });
    expect(parseCulqiWebhook({ object: 'event', id: 'evt_test_c', type: 'customer.creation.succeeded', data: '{"id":"cus_test_1"}' }, {})?.resource).toEqual({
      kind: 'unknown',
      id: 'cus_test_1',
    });
    expect(parseCulqiWebhook({ object: 'event', id: 'evt_test_b', type: 'charge.creation.succeeded', data: '{not json' }, {})?.resource).toEqual({ kind: 'unknown', id: '' });
    for (const junk of [null, 'not json', [], {}, { id: 'evt_1' }, { type: 'charge.creation.succeeded' }, { object: 'charge', id: 'chr_1', type: 'x' }]) {
      expect(parseCulqiWebhook(junk, {})).toBeNull();
    }
  });

  it('verifies HTTP Basic auth against the configured user and password', () => {
    const password = 'wh-p4ss:with:colons';
    recordSecret(password);
    const header = `Basic ${Buffer.from(`smartpay:${password}`).toString('base64')}`;
    expect(verifyCulqiBasicAuth(header, 'smartpay', password)).toBe(true);
    expect(verifyCulqiBasicAuth(header.replace('Basic', 'basic'), 'smartpay', password)).toBe(true);
    expect(verifyCulqiBasicAuth(header, 'smartpay', `${password}x`)).toBe(false);
    expect(verifyCulqiBasicAuth(header, 'other', password)).toBe(false);
    expect(verifyCulqiBasicAuth(`Bearer ${password}`, 'smartpay', password)).toBe(false);
    expect(verifyCulqiBasicAuth('Basic !!!', 'smartpay', password)).toBe(false);
    expect(verifyCulqiBasicAuth(undefined, 'smartpay', password)).toBe(false);
    expect(verifyCulqiBasicAuth(`Basic ${Buffer.from(':').toString('base64')}`, '', '')).toBe(false);
  });
});
