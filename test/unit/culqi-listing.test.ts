import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CulqiGateway } from '../../src/gateways/culqi/culqi.gateway';
import { summariseCharge } from '../../src/gateways/culqi/culqi.mappers';
import { GatewayHttpClient, type GatewayHttpRequest, type GatewayHttpResult } from '../../src/gateways/http/gateway-http.client';
import type { CallContext, ChargeReference, GatewayChargeSummary } from '../../src/gateways/payment-gateway.port';
import { Sandbox } from '../../src/sandbox/sandbox';
import { recordSecret } from '../support/test-env';

// CulqiGateway.listCharges (the reconciliation report's view of Culqi) and findChargeByReference (the
// lookup of one attempt): first against a small fake answering canned pages, then against the
// in-process Culqi simulator end to end.

const SECRET = 'sk_test_listingSecretKey0001';
recordSecret(SECRET);

type Reply = { status: number; body?: unknown; raw?: string };
interface Seen {
  path: string;
  query: URLSearchParams;
}

let server: Server;
let base: string;
let seen: Seen[] = [];
let answer: (req: Seen, index: number) => Reply = () => ({ status: 404, body: {} });

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const s = { path: url.pathname, query: url.searchParams };
      seen.push(s);
      const r = answer(s, seen.length - 1);
      res.writeHead(r.status, { 'content-type': 'application/json' });
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

beforeEach(() => {
  seen = [];
});

const gateway = (apiUrl = base, secretKey = SECRET) =>
  new CulqiGateway({ apiUrl, secureUrl: apiUrl, secretKey, publicKey: 'pk_test_x', timeoutMs: 2_000 }, new GatewayHttpClient());
const context = (): CallContext => ({ appId: 'app_1', calls: [] });

const FROM = new Date('2026-03-01T00:00:00Z');
const TO = new Date('2026-03-02T00:00:00Z');
const at = (ms: number) => FROM.getTime() + ms;

/** A charge object shaped as culqi.md §4.3 (the recorded 2020 shape). */
function chargeObject(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    object: 'charge',
    id,
    creation_date: at(60_000),
    amount: 11800,
    amount_refunded: 0,
    current_amount: 11800,
    currency_code: 'PEN',
    email: 'buyer@example.com',
    source: { object: 'token', id: 'tkn_test_0000000000000000', type: 'card', card_number: '411111******1111', last_four: '1111', iin: { card_brand: 'Visa' } },
    outcome: { type: 'venta_exitosa', code: 'AUT0000', merchant_message: 'ok', user_message: 'ok' },
    dispute: false,
    metadata: { smartpay_charge_id: `ch_${id}` },
    ...over,
  };
}

const DECLINED = { type: 'card_error', code: 'card_declined', decline_code: 'stolen_card', merchant_message: 'robada', user_message: 'denegada' };

function page(items: Record<string, unknown>[], next: string | null): Reply {
  const first = items[0]?.id ?? null;
  const last = items[items.length - 1]?.id ?? null;
  return {
    status: 200,
    body: {
      data: items,
      paging: { previous: null, next: next === null ? null : `${base}/charges?limit=100&after=${next}`, cursors: { before: first, after: next === null ? last : next }, remaining_items: 0 },
    },
  };
}

describe('CulqiGateway.listCharges against canned pages', () => {
  it('asks for the window in milliseconds, pages with `after` to the end and summarises every charge, declines included', async () => {
    answer = (req) =>
      req.query.get('after') === null
        ? page(
            [
              chargeObject('chr_test_AAAAAAAAAAAAAAAA'),
              chargeObject('chr_test_BBBBBBBBBBBBBBBB', { outcome: DECLINED, metadata: {} }),
              chargeObject('chr_test_CCCCCCCCCCCCCCCC', { amount_refunded: 11800, current_amount: 0 }),
            ],
            'chr_test_CCCCCCCCCCCCCCCC',
          )
        : page(
            [
              chargeObject('chr_test_DDDDDDDDDDDDDDDD', { dispute: true, metadata: '{"smartpay_charge_id":"ch_json"}' }),
              chargeObject('chr_test_EEEEEEEEEEEEEEEE', { amount_refunded: 100, current_amount: 11700, currency_code: 'USD', amount: 1050 }),
            ],
            null,
          );
    const ctx = context();
    const listed = await gateway().listCharges({ from: FROM, to: TO }, ctx);
    expect(listed).toEqual({
      charges: [
        { gatewayChargeId: 'chr_test_AAAAAAAAAAAAAAAA', reference: 'ch_chr_test_AAAAAAAAAAAAAAAA', amount: 11800, currency: 'PEN', status: 'succeeded', createdAt: new Date(at(60_000)) },
        { gatewayChargeId: 'chr_test_BBBBBBBBBBBBBBBB', reference: null, amount: 11800, currency: 'PEN', status: 'failed', createdAt: new Date(at(60_000)) },
        { gatewayChargeId: 'chr_test_CCCCCCCCCCCCCCCC', reference: 'ch_chr_test_CCCCCCCCCCCCCCCC', amount: 11800, currency: 'PEN', status: 'refunded', createdAt: new Date(at(60_000)) },
        { gatewayChargeId: 'chr_test_DDDDDDDDDDDDDDDD', reference: 'ch_json', amount: 11800, currency: 'PEN', status: 'disputed', createdAt: new Date(at(60_000)) },
        // A partial refund leaves a success; the amount is the charged one.
        { gatewayChargeId: 'chr_test_EEEEEEEEEEEEEEEE', reference: 'ch_chr_test_EEEEEEEEEEEEEEEE', amount: 1050, currency: 'USD', status: 'succeeded', createdAt: new Date(at(60_000)) },
      ],
    });
    expect(seen).toHaveLength(2);
    for (const s of seen) {
      expect(s.path).toBe('/v2/charges');
      expect(s.query.get('creation_date_from')).toBe(String(FROM.getTime()));
      expect(s.query.get('creation_date_to')).toBe(String(TO.getTime()));
      expect(s.query.get('limit')).toBe('100');
    }
    expect(seen[1]!.query.get('after')).toBe('chr_test_CCCCCCCCCCCCCCCC');
    expect(ctx.calls.map((c) => [c.operation, c.method, c.httpStatus])).toEqual([
      ['list_charges', 'GET', 200],
      ['list_charges', 'GET', 200],
    ]);
  });

  it('drops charges outside the window and stops at the first page reaching past `from` (a server ignoring the filter)', async () => {
    answer = (req) =>
      req.query.get('after') === null
        ? page([chargeObject('chr_test_late0000000000000', { creation_date: TO.getTime() + 1 }), chargeObject('chr_test_in00000000000000')], 'chr_test_in00000000000000')
        : page([chargeObject('chr_test_in20000000000000', { creation_date: FROM.getTime() }), chargeObject('chr_test_early00000000000', { creation_date: FROM.getTime() - 1 })], 'chr_test_early00000000000');
    const listed = await gateway().listCharges({ from: FROM, to: TO }, context());
    expect('charges' in listed && listed.charges.map((c) => c.gatewayChargeId)).toEqual(['chr_test_in00000000000000', 'chr_test_in20000000000000']);
    // The third page was never asked for.
    expect(seen).toHaveLength(2);
  });

  it('a page failing twice is an error, never a shorter list; a failure once is retried', async () => {
    answer = (_req, i) => (i === 0 ? { status: 503, raw: 'busy' } : page([chargeObject('chr_test_AAAAAAAAAAAAAAAA')], null));
    expect(await gateway().listCharges({ from: FROM, to: TO }, context())).toMatchObject({ charges: [{ gatewayChargeId: 'chr_test_AAAAAAAAAAAAAAAA' }] });
    seen = [];
    answer = (req) => (req.query.get('after') === null ? page([chargeObject('chr_test_AAAAAAAAAAAAAAAA')], 'chr_test_AAAAAAAAAAAAAAAA') : { status: 500, raw: '' });
    expect(await gateway().listCharges({ from: FROM, to: TO }, context())).toHaveProperty('error');
    expect(seen).toHaveLength(3);
  });

  it('an unreadable charge, a repeated cursor or an endless listing is an error', async () => {
    answer = () => page([chargeObject('chr_test_AAAAAAAAAAAAAAAA', { amount: 'lots' })], null);
    expect(await gateway().listCharges({ from: FROM, to: TO }, context())).toEqual({ error: 'a listed Culqi charge could not be read' });
    answer = () => page([chargeObject('chr_test_AAAAAAAAAAAAAAAA')], 'chr_test_AAAAAAAAAAAAAAAA');
    expect(await gateway().listCharges({ from: FROM, to: TO }, context())).toEqual({ error: 'Culqi returned the same page cursor twice' });
    seen = [];
    answer = (_req, i) => page([chargeObject(`chr_test_${String(i).padStart(16, '0')}`)], `chr_test_${String(i).padStart(16, '0')}`);
    expect(await gateway().listCharges({ from: FROM, to: TO }, context())).toHaveProperty('error', expect.stringMatching(/more than \d+ Culqi charges/));
    expect(seen).toHaveLength(200);
  });

  it('an empty window is an empty list', async () => {
    answer = () => ({ status: 200, body: { data: [], paging: { previous: null, next: null, cursors: { before: null, after: null }, remaining_items: 0 } } });
    expect(await gateway().listCharges({ from: FROM, to: TO }, context())).toEqual({ charges: [] });
  });
});

describe('summariseCharge', () => {
  it('reads creation dates given as digit strings and rejects objects that are not charges', () => {
    expect(summariseCharge(chargeObject('chr_test_AAAAAAAAAAAAAAAA', { creation_date: String(at(1)) }))?.createdAt).toEqual(new Date(at(1)));
    expect(summariseCharge(chargeObject('chr_test_AAAAAAAAAAAAAAAA', { creation_date: null }))).toBeNull();
    expect(summariseCharge({ object: 'refund', id: 'ref_test_x', amount: 100 })).toBeNull();
  });
});

/**
 * The Culqi simulator on a movable clock (`offsetMs` shifts the time it stamps on new charges), one per
 * describe block, with what the tests need to make tokens and charges through its own API.
 */
function simulatedCulqi() {
  const culqi = { api: '', pk: '', sk: '', offsetMs: 0 };
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await new Sandbox({ clock: () => Date.now() + culqi.offsetMs }).start();
    ({ base_url: culqi.api, public_key: culqi.pk, secret_key: culqi.sk } = sandbox.describe().culqi);
    recordSecret(culqi.sk);
  });
  afterAll(async () => sandbox.close());

  async function post(path: string, key: string, body: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${culqi.api}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
    return (await res.json()) as Record<string, unknown>;
  }

  /** A token, then a charge with it; `metadata` carries our charge id (or nothing). */
  async function charge(m: { card?: string; amount: number; currency?: 'PEN' | 'USD'; metadata: Record<string, string> }): Promise<Record<string, unknown>> {
    const token = await post('/tokens', culqi.pk, { card_number: m.card ?? '4111111111111111', cvv: '123', expiration_month: '12', expiration_year: '2030', email: 'buyer@example.com' });
    return post('/charges', culqi.sk, { amount: m.amount, currency_code: m.currency ?? 'PEN', email: 'buyer@example.com', source_id: token.id, description: 'Plan mensual', metadata: m.metadata });
  }

  return { culqi, post, charge };
}

describe('CulqiGateway.listCharges against the Culqi simulator', () => {
  const { culqi, post, charge: make } = simulatedCulqi();

  const charge = (card: string, reference: string | null, amount = 1000) =>
    make({ card, amount, metadata: reference === null ? {} : { smartpay_charge_id: reference } });

  it('lists exactly the window across pages, declines and refunds included', async () => {
    const now = Date.now();
    culqi.offsetMs = -3 * 3_600_000;
    await charge('4111111111111111', 'ch_before');
    culqi.offsetMs = -3_600_000;
    const inside: string[] = [];
    for (let i = 0; i < 110; i++) inside.push((await charge('4111111111111111', `ch_in_${i}`, 300 + i)).id as string);
    const declined = await charge('4000020000000000', 'ch_declined');
    const refunded = await charge('4111111111111111', null, 2000);
    expect(await post('/refunds', culqi.sk, { charge_id: refunded.id, amount: 2000, reason: 'solicitud_comprador' })).toHaveProperty('object', 'refund');
    culqi.offsetMs = 0;
    await charge('4111111111111111', 'ch_after');

    const ctx = context();
    const listed = await gateway(culqi.api, culqi.sk).listCharges({ from: new Date(now - 2 * 3_600_000), to: new Date(now - 30 * 60_000) }, ctx);
    if (!('charges' in listed)) throw new Error(listed.error);
    expect(listed.charges).toHaveLength(112);
    const byRef = new Map(listed.charges.map((c) => [c.reference, c]));
    expect(byRef.has('ch_before')).toBe(false);
    expect(byRef.has('ch_after')).toBe(false);
    expect(byRef.get('ch_in_7')).toMatchObject<Partial<GatewayChargeSummary>>({ gatewayChargeId: inside[7], amount: 307, currency: 'PEN', status: 'succeeded' });
    expect(byRef.get('ch_declined')).toMatchObject({ status: 'failed', gatewayChargeId: declined.charge_id });
    expect(byRef.get(null)).toMatchObject({ gatewayChargeId: refunded.id, status: 'refunded', amount: 2000 });
    // 112 charges at 100 a page.
    expect(ctx.calls.map((c) => c.httpStatus)).toEqual([200, 200]);
  });
});

describe('CulqiGateway.findChargeByReference against canned pages (a server ignoring every filter)', () => {
  const ATTEMPT = new Date(at(3_600_000));
  const ref = (chargeId: string): ChargeReference => ({ chargeId, attemptedAt: ATTEMPT, amount: 11800, currency: 'PEN' });
  const when = (ms: number) => ({ creation_date: ATTEMPT.getTime() + ms });
  const id = (n: number) => `chr_test_${String(n).padStart(16, '0')}`;

  it('stops at the first page reaching past the window start: "not found", not 20 pages and an error', async () => {
    // Newest first; every page announces another one, as a listing of the whole account would.
    answer = (req) => {
      const n = req.query.get('after') === null ? 0 : Number(req.query.get('after')!.slice(-4));
      const items =
        n === 0
          ? [chargeObject(id(1), when(9 * 60_000)), chargeObject(id(2), when(60_000))]
          : [chargeObject(id(n + 1), when(-59_000)), chargeObject(id(n + 2), when(-61_000)), chargeObject(id(n + 3), when(-3_600_000))];
      return page(items, id(n + items.length));
    };
    expect(await gateway().findChargeByReference(ref('ch_never_seen'), context())).toEqual({ found: false });
    expect(seen).toHaveLength(2);
  });

  it('a charge carrying our id is ours even on the page past the window start', async () => {
    answer = (req) =>
      req.query.get('after') === null
        ? page([chargeObject(id(1), when(60_000))], id(1))
        : page([chargeObject(id(2), { ...when(-120_000), metadata: { smartpay_charge_id: 'ch_early' } })], id(2));
    expect(await gateway().findChargeByReference(ref('ch_early'), context())).toMatchObject({ found: true, outcome: { status: 'succeeded', gatewayChargeId: id(2) } });
    expect(seen).toHaveLength(2);
  });

  it('without any item older than the window it still pages to MAX_PAGES and reports an error, never "not found"', async () => {
    answer = (_req, i) => page([chargeObject(id(i), when(60_000))], id(i));
    expect(await gateway().findChargeByReference(ref('ch_never_seen'), context())).toHaveProperty('error', expect.stringMatching(/more than 2000 Culqi charges of 11800 PEN/));
    expect(seen).toHaveLength(20);
  });
});

/** Records the path and query of every gateway call, as sent (the call log scrubs query values). */
class RecordingHttpClient extends GatewayHttpClient {
  readonly paths: string[] = [];
  override send(req: GatewayHttpRequest, ctx: CallContext): Promise<GatewayHttpResult> {
    this.paths.push(req.path);
    return super.send(req, ctx);
  }
}

describe('CulqiGateway.findChargeByReference against the Culqi simulator', () => {
  const { culqi, charge } = simulatedCulqi();

  interface Made {
    card?: string;
    reference?: string;
    amount: number;
    currency?: 'PEN' | 'USD';
  }

  /** Charges created by the simulator `offsetMs` after `attempt` (its clock moved there), 50 at a time. */
  async function chargesAt(attempt: Date, offsetMs: number, made: Made[]): Promise<Record<string, unknown>[]> {
    culqi.offsetMs = attempt.getTime() + offsetMs - Date.now();
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < made.length; i += 50) {
      out.push(
        ...(await Promise.all(
          made.slice(i, i + 50).map((m) => charge({ ...m, metadata: { smartpay_charge_id: m.reference ?? `ch_other_${crypto.randomUUID()}` } })),
        )),
      );
    }
    culqi.offsetMs = 0;
    return out;
  }

  const lookupGateway = (http: GatewayHttpClient) =>
    new CulqiGateway({ apiUrl: culqi.api, secureUrl: culqi.api, secretKey: culqi.sk, publicKey: culqi.pk, timeoutMs: 5_000 }, http);

  it('an attempt Culqi never saw is "not found" in one list call, with 2,500 other charges in its window', async () => {
    const attempt = new Date(Date.now() - 2 * 3_600_000);
    // 2,500 PEN charges of other amounts spread over the window, and 150 USD charges of the attempt's amount.
    for (let group = 0; group < 10; group++) {
      const made = Array.from({ length: 250 }, (_, i) => ({ amount: 2_000 + group * 250 + i }));
      expect((await chargesAt(attempt, -50_000 + group * 60_000, made)).every((c) => c.object === 'charge')).toBe(true);
    }
    expect((await chargesAt(attempt, 120_000, Array.from({ length: 150 }, () => ({ amount: 1_000, currency: 'USD' as const })))).every((c) => c.object === 'charge')).toBe(true);
    // The fixture is what it claims: 2,650 charges in the window.
    const window = { from: new Date(attempt.getTime() - 60_000), to: new Date(attempt.getTime() + 600_000) };
    const all = await lookupGateway(new GatewayHttpClient()).listCharges(window, context());
    expect('charges' in all && all.charges.length).toBe(2_650);

    const http = new RecordingHttpClient();
    const ctx = context();
    expect(await lookupGateway(http).findChargeByReference({ chargeId: 'ch_never_seen', attemptedAt: attempt, amount: 1_000, currency: 'PEN' }, ctx)).toEqual({ found: false });
    expect(ctx.calls.map((c) => [c.operation, c.httpStatus])).toEqual([['list_charges', 200]]);
    expect(http.paths).toHaveLength(1);
    const [path, queryText] = http.paths[0]!.split('?');
    expect(path).toBe('/charges');
    expect(Object.fromEntries(new URLSearchParams(queryText))).toEqual({
      amount: '1000',
      currency_code: 'PEN',
      // No creation_date filters: their unit is unconfirmed; the items' own dates bound the search.
      limit: '100',
    });
  });

  it('an attempt Culqi processed is found among 250 charges of the same amount, and its success wins over a later decline', async () => {
    const attempt = new Date(Date.now() - 3_600_000);
    // Made in creation order, as Culqi lists them (newest first): one before the window (never reached), then the rest.
    await chargesAt(attempt, -120_000, [{ reference: 'ch_paid', amount: 1_000, card: '4000020000000000' }]);
    const [paid] = await chargesAt(attempt, 5_000, [{ reference: 'ch_paid', amount: 1_000 }]);
    await chargesAt(attempt, 60_000, Array.from({ length: 250 }, () => ({ amount: 1_000 })));
    const [declined] = await chargesAt(attempt, 180_000, [{ reference: 'ch_paid', amount: 1_000, card: '4000020000000000' }]);
    expect(paid).toMatchObject({ object: 'charge', metadata: { smartpay_charge_id: 'ch_paid' } });
    expect(declined).toMatchObject({ object: 'error', type: 'card_error' });
    // A decline carrying the same id long after the attempt (listed: the search has no upper bound): the success still wins.
    await chargesAt(attempt, 660_000, [{ reference: 'ch_paid', amount: 1_000, card: '4000020000000000' }]);

    const http = new RecordingHttpClient();
    const found = await lookupGateway(http).findChargeByReference({ chargeId: 'ch_paid', attemptedAt: attempt, amount: 1_000, currency: 'PEN' }, context());
    expect(found).toEqual({ found: true, outcome: { status: 'succeeded', gatewayChargeId: paid!.id, card: expect.objectContaining({ last4: '1111' }) }, amount: 1_000, currency: 'PEN' });
    // 252 charges of S/ 10.00 in the window, newest first: the success is on the third page.
    expect(http.paths).toHaveLength(3);
    const queries = http.paths.map((p) => new URLSearchParams(p.split('?')[1]));
    expect(queries.map((q) => q.get('amount'))).toEqual(['1000', '1000', '1000']);
    expect(queries[0]!.get('after')).toBeNull();
    expect(queries[1]!.get('after')).toMatch(/^chr_test_/);

    // With only the decline carrying the id, the decline is the answer.
    const [onlyDeclined] = await chargesAt(attempt, 200_000, [{ reference: 'ch_declined_only', amount: 1_000, card: '4000020000000000' }]);
    expect(await lookupGateway(new GatewayHttpClient()).findChargeByReference({ chargeId: 'ch_declined_only', attemptedAt: attempt, amount: 1_000, currency: 'PEN' }, context())).toMatchObject({
      found: true,
      outcome: { status: 'failed', gatewayChargeId: onlyDeclined!.charge_id, failure: { declineCode: 'stolen_card' } },
    });
  });
});
