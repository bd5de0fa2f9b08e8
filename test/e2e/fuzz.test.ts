import { request as httpRequest, Agent } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/common/errors/error-codes';
import { RouteTable, type ServedRoute } from '../../src/common/http/route-table';
import { bearer, startTestApp, type TestApp } from '../support/test-app';

/**
 * Throws malformed requests at every route the server serves, over real HTTP, and checks the error
 * contract holds for all of them: no 5xx, and every error is problem+json with a known code and the
 * request id. FUZZ_SEED=<n> replays a run; the seed is printed when a run fails.
 */

const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 2400);
const MIN_REQUESTS = 2000;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  route: string;
}
interface FuzzResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 2 });

function send(base: string, req: FuzzRequest): Promise<FuzzResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const headers = { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) };
    const out = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent, timeout: 15_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    out.on('timeout', () => out.destroy(new Error('no answer within 15 s')));
    out.on('error', reject);
    out.end(req.body);
  });
}

/** What is wrong with one answer (null when it honours the contract). */
function violation(req: FuzzRequest, res: FuzzResponse): string | null {
  if (res.status >= 500) return `status ${res.status}`;
  if (res.status < 400) return null;
  const type = String(res.headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json')) return `content-type "${type}" for ${res.status}`;
  const requestId = res.headers['x-request-id'];
  if (typeof requestId !== 'string' || requestId === '') return 'no X-Request-Id';
  if (req.method === 'HEAD') return null;
  let body: { code?: unknown; status?: unknown; request_id?: unknown; title?: unknown; type?: unknown; detail?: unknown };
  try {
    body = JSON.parse(res.body.toString('utf8')) as typeof body;
  } catch {
    return 'body is not JSON';
  }
  const known = typeof body.code === 'string' ? ERROR_CODES[body.code as keyof typeof ERROR_CODES] : undefined;
  if (!known) return `unknown code ${JSON.stringify(body.code)}`;
  if (known.status !== res.status || body.status !== res.status) return `code ${String(body.code)} under status ${res.status}`;
  if (body.request_id !== requestId) return 'request_id differs from X-Request-Id';
  if (typeof body.title !== 'string' || typeof body.type !== 'string' || typeof body.detail !== 'string') return 'missing fields';
  return null;
}

// ---- arbitraries -------------------------------------------------------------------------------

/** Strings the JSON encoder writes raw (numbers JSON.stringify cannot produce). */
const RAW_NUMBERS = ['1e309', '-1e309', '-0', '9007199254740993', '1e-400', '0.1e1', '1E2', '123456789012345678901234567890', '-9223372036854775809'];
const rawToken = (raw: string): string => `@@RAW:${raw}@@`;

const weirdString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e309', '-0', 'null', 'true', '', ' ', '\u0000', '\ud800', '\uffff', '🙂'.repeat(50)),
  fc.constantFrom('4111 1111 1111 1111', '4111-1111-1111-1111', '1'.repeat(19), '20100066603', '12345678', 'ord_', 'cus_'),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
  fc.constantFrom('2026-11-28T04:05:06.789Z', '2026-13-45T99:99:99Z', '0000-00-00', 'a@b', 'x@example.pe'),
  fc.integer({ min: 1000, max: 120_000 }).map((n) => 'x'.repeat(n)),
);

const weirdNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 2 ** 31, 2 ** 63, 1.5, 1e21),
  fc.constantFrom(...RAW_NUMBERS).map(rawToken),
);

const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  weirdString,
  weirdNumber,
  fc.constantFrom(null, true, false, [], {}),
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(weirdString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
);

/** Valid bodies per operation; mutating one field at a time reaches the code behind validation. */
const TEMPLATES: Record<string, Record<string, unknown>[]> = {
  'POST /v1/orders': [
    { amount: 1050, currency: 'PEN' },
    {
      amount: 2000,
      currency: 'USD',
      description: 'Plan',
      reference: 'ref-UNIQUE',
      customer: { email: 'a-UNIQUE@example.pe', name: 'Ana', document: { type: 'DNI', number: '12345678' } },
      items: [{ description: 'x', quantity: 2, unit_amount: 1000 }],
      metadata: { k: 'v' },
      expires_at: '2099-01-01T00:00:00.000Z',
    },
    { currency: 'PEN', credit_package: 'basic', customer_id: 'CUSTOMER_ID' },
  ],
  'POST /v1/customers': [
    { email: 'b-UNIQUE@example.pe' },
    {
      email: 'c-UNIQUE@example.pe',
      name: 'Empresa',
      phone: '+51987654321',
      document: { type: 'RUC', number: '20100066603' },
      billing: { invoice_type: 'factura', business_name: 'Empresa SAC', address: 'Lima', invoice_email: 'f@example.pe' },
      metadata: { a: 'b' },
    },
  ],
  'PATCH /v1/customers/:id': [{ name: 'New' }, { phone: null, document: null, billing: { address: null } }],
  'POST /v1/orders/:id/charges': [
    { gateway: 'culqi', source: { type: 'card_token', token: 'tkn_test_UNIQUE' }, installments: 1, email: 'buyer@example.pe' },
    { source: { type: 'yape_token', token: 'ype_test_UNIQUE' } },
    { gateway: 'mercadopago', source: { type: 'card_token', token: 'UNIQUE', payment_method_id: 'visa' }, three_ds: { mode: 'optional' } },
    { source: { type: 'payment_method', payment_method_id: 'pm_01JDZZZZZZZZZZZZZZZZZZZZZZ' } },
  ],
  'POST /v1/charges/:id/authenticate': [
    { authentication_3ds: { eci: '05', xid: 'eA==', cavv: 'AAAA', protocol_version: '2.1.0', directory_server_transaction_id: 'UNIQUE' } },
  ],
  'POST /v1/refunds': [{ order_id: 'ORDER_ID', amount: 500, reason: 'requested_by_customer' }, { order_id: 'ORDER_ID' }],
  'POST /v1/customers/:id/payment-methods': [
    { gateway: 'culqi', token: 'tkn_test_UNIQUE' },
    { tokens: { culqi: 'tkn_test_UNIQUE', mercadopago: 'UNIQUE' } },
  ],
};

function paths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function mutate(template: Record<string, unknown>, path: string[], value: unknown, drop: boolean): unknown {
  if (path.length === 0) return drop ? undefined : value;
  const copy = structuredClone(template);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  if (drop) delete node[path.at(-1)!];
  else node[path.at(-1)!] = value;
  return copy;
}

/** Percent-encodes any string, lone surrogates included (as U+FFFD, like a browser would). */
const pct = (text: string): string =>
  [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

/** JSON text with raw number tokens spliced in and UNIQUE made unique (so creates are not all conflicts). */
let unique = 0;
/** Set once the suite has made its objects: bodies that name an order or a customer use real ones. */
let realOrderId = 'ord_01JDZZZZZZZZZZZZZZZZZZZZZZ';
let realCustomerId = 'cus_01JDZZZZZZZZZZZZZZZZZZZZZZ';
const encodeJson = (value: unknown): string =>
  (JSON.stringify(value) ?? 'undefined')
    .replace(/"@@RAW:([^"@]*)@@"/g, '$1')
    .replaceAll('UNIQUE', () => String(++unique))
    .replaceAll('ORDER_ID', () => realOrderId)
    .replaceAll('CUSTOMER_ID', () => realCustomerId);

const deepNesting = fc
  .tuple(fc.constantFrom('[', '{"a":'), fc.integer({ min: 50, max: 30_000 }))
  .map(([open, depth]) => open.repeat(depth) + (open === '[' ? '1' : '1') + (open === '[' ? ']' : '}').repeat(depth));

const pollution = fc
  .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.constantFrom('{"polluted":"yes"}', '{"prototype":{"polluted":"yes"}}', '1', 'null'))
  .map(([key, value]) => `"${key}":${value}`);

/** A JSON body text for one operation: mutated template, random JSON, or broken JSON. */
function jsonBody(operation: string): fc.Arbitrary<string> {
  const templates = TEMPLATES[operation] ?? [{}];
  const mutated = fc
    .tuple(fc.constantFrom(...templates), fc.nat(), weirdValue, fc.boolean(), fc.nat(4))
    .map(([t, pick, value, drop, unknownDice]) => {
      const all = paths(t);
      const body = mutate(t, all[pick % all.length]!, value, drop && all.length > 1);
      return unknownDice === 0 && body && typeof body === 'object' ? { ...body, [`x_${pick % 7}`]: value } : body;
    })
    .map(encodeJson);
  const polluted = fc.tuple(fc.constantFrom(...templates), pollution).map(([t, p]) => {
    const text = JSON.stringify(t);
    return text === '{}' ? `{${p}}` : `{${p},${text.slice(1)}`;
  });
  const truncated = fc.tuple(fc.constantFrom(...templates), fc.nat()).map(([t, n]) => {
    const text = JSON.stringify(t);
    return text.slice(0, n % text.length);
  });
  return fc.oneof(
    { arbitrary: mutated, weight: 6 },
    // Some valid bodies, so the success path (and replays of it) meets the odd headers too.
    { arbitrary: fc.constantFrom(...templates).map(encodeJson), weight: 3 },
    { arbitrary: fc.jsonValue().map(encodeJson), weight: 2 },
    { arbitrary: polluted, weight: 1 },
    { arbitrary: truncated, weight: 1 },
    { arbitrary: deepNesting, weight: 1 },
    { arbitrary: fc.constantFrom('NaN', '{"amount":NaN}', '{"a":1,}', "{'a':1}", '{"a":1} x', '[1,2', '', ' ', 'null', '"str"'), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 1 },
  );
}

const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 20 },
  {
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset="UTF-8"',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/problem+json',
      'application/merge-patch+json',
      'APPLICATION/JSON',
      'application/jsonx',
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=zz',
      'application/octet-stream',
      '*/*',
      ';;;',
      '',
    ),
    weight: 3,
  },
  { arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')), weight: 1 },
);

/** Header values node will put on the wire (visible latin-1, no control characters). */
const headerText = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength });

interface Ids {
  orders: string[];
  customers: string[];
  otherTenant: string[];
}

function idSegment(ids: Ids): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...ids.orders, ...ids.customers), weight: 5 },
    { arbitrary: fc.constantFrom(...ids.otherTenant), weight: 1 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom('ord_', 'cus_', 'ch_', 're_', 'pm_', 'app_', ''), fc.stringMatching(/^[0-9A-Z]{26}$/))
        .map(([p, s]) => p + s),
      weight: 2,
    },
    {
      arbitrary: fc.constantFrom('%', '%%', '%E0%A4%A', '%FF', '%00', '%2F', '%2e%2e', '..', '.', 'ord_%0A', 'a'.repeat(5000), 'ORD_01', '-1', '0', 'null'),
      weight: 2,
    },
    { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).map(pct), weight: 2 },
  );
}

const queryKey = fc.oneof(
  fc.constantFrom('limit', 'cursor', 'status', 'customer_id', 'reference', 'created_from', 'created_to', 'email'),
  fc.constantFrom('__proto__', 'constructor[prototype][polluted]', '__proto__[polluted]', 'limit[]', 'status[$ne]', 'a[b][c][d]', ''),
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
);
const queryValue = fc.oneof(
  weirdString.map((s) => s.slice(0, 2000)),
  weirdNumber.map((n) => (typeof n === 'string' ? n.replace(/@@(RAW:)?/g, '') : String(n))),
);
const queryString = fc
  .array(fc.tuple(queryKey, queryValue, fc.boolean()), { maxLength: 6 })
  .map((pairs) =>
    pairs.length === 0
      ? ''
      : '?' +
        pairs
          .map(([k, v, raw]) => (raw ? `${k}=${v}`.replace(/[^\x21-\x7e]/g, (c) => pct(c)) : `${pct(k)}=${pct(v)}`))
          .join('&'),
  );

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'PURGE', 'SEARCH', 'FOO', 'get'];

function fuzzRequest(routes: ServedRoute[], ids: Ids, keys: { own: string; other: string }): fc.Arbitrary<FuzzRequest> {
  // Every served operation (method + path) is equally likely: a path's weight is its number of methods, so each
  // method of /admin/api/session (GET, POST, DELETE) is hit as often as a one-method path. With 82 operations
  // and 2400 requests each expects about 25 hits on its own method (6 requests in 7 keep it), and a run that
  // leaves any of them under the 5 checked below is about one in 50,000 (Poisson). Docs, health, metrics and
  // webhooks used to weigh half as much as /v1: as the API grew they fell to about 15 expected hits, and one
  // run in 40 left one of them under 5.
  const route = fc.oneof(...routes.map((r) => ({ arbitrary: fc.constant(r), weight: r.methods.length })));
  return route.chain((r) =>
    fc
      .record({
        method: fc.oneof({ arbitrary: fc.constantFrom(...r.methods), weight: 6 }, { arbitrary: fc.constantFrom(...OTHER_METHODS), weight: 1 }),
        // One id per path parameter (`/v1/customers/:id/payment-methods/:pm` has two).
        pathIds: fc.array(idSegment(ids), { minLength: 3, maxLength: 3 }),
        pathVariant: fc.oneof(
          { arbitrary: fc.constant('as-is'), weight: 8 },
          { arbitrary: fc.constantFrom('trailing-slash', 'upper', 'extra-segment', 'double-slash'), weight: 2 },
        ),
        query: fc.oneof(fc.constant(''), queryString),
        bodyKind: fc.constantFrom('json', 'json', 'json', 'json', 'json', 'none', 'bytes'),
        bytes: fc.uint8Array({ maxLength: 300 }),
        auth: fc.oneof(
          { arbitrary: fc.constant(bearer(keys.own).Authorization!), weight: 8 },
          {
            arbitrary: fc.constantFrom(
              bearer(keys.other).Authorization!,
              `bearer ${keys.own}`,
              `Bearer  ${keys.own}  `,
              `Bearer ${keys.own}x`,
              `Basic ${Buffer.from('user:pass').toString('base64')}`,
              'Bearer',
              '',
            ),
            weight: 2,
          },
          { arbitrary: headerText(80), weight: 1 },
        ),
        omitAuth: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
        idempotencyKey: fc.oneof(
          { arbitrary: fc.constant(null), weight: 6 },
          { arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,64}$/), weight: 2 },
          { arbitrary: fc.oneof(headerText(40), fc.constantFrom('', ' ', 'k'.repeat(256), 'k'.repeat(255), 'fixed-key')), weight: 2 },
        ),
        contentType: fc.option(contentType, { freq: 8 }),
        extraHeaders: fc.oneof(
          { arbitrary: fc.constant({}), weight: 2 },
          {
            arbitrary: fc.dictionary(
              fc.constantFrom('x-request-id', 'accept', 'accept-encoding', 'content-encoding', 'x-forwarded-for', 'if-none-match', 'cookie', 'x-http-method-override'),
              fc.oneof(headerText(300), fc.constantFrom('gzip', 'identity', 'br', 'deflate', 'application/xml', '*/*')),
              { maxKeys: 3 },
            ),
            weight: 1,
          },
        ),
      })
      .chain((parts) =>
        jsonBody(`${parts.method} ${r.path}`).map((json) => {
          let param = 0;
          let path = r.path.replace(/:[A-Za-z0-9_]+/g, () => parts.pathIds[param++ % 3]!);
          if (parts.pathVariant === 'trailing-slash') path += '/';
          if (parts.pathVariant === 'upper') path = path.toUpperCase();
          if (parts.pathVariant === 'extra-segment') path += `/${pct(parts.pathIds[2]!)}`;
          if (parts.pathVariant === 'double-slash') path = path.replace('/', '//');
          const headers: Record<string, string> = { ...parts.extraHeaders };
          if (!parts.omitAuth) headers.authorization = parts.auth;
          if (parts.idempotencyKey !== null) headers['idempotency-key'] = parts.idempotencyKey;
          if (parts.contentType !== null) headers['content-type'] = parts.contentType;
          const body = parts.bodyKind === 'none' ? undefined : parts.bodyKind === 'bytes' ? Buffer.from(parts.bytes) : Buffer.from(json, 'utf8');
          return { method: parts.method, path: path + parts.query, headers, body, route: `${parts.method} ${r.path}` };
        }),
      ),
  );
}

describe('fuzz: malformed requests across every endpoint', () => {
  let t: TestApp;
  let routes: ServedRoute[];
  let ids: Ids;
  let otherKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    routes = t.app.get(RouteTable).list();
    const auth = bearer(t.apiKey);
    const other = await t.newTenant('Fuzz other');
    otherKey = other.apiKey;
    const order = await t.http.post('/v1/orders').set(auth).send({ amount: 1050, currency: 'PEN' });
    const customer = await t.http.post('/v1/customers').set(auth).send({ email: 'fuzz@example.pe' });
    const foreign = await t.http.post('/v1/orders').set(bearer(otherKey)).send({ amount: 500, currency: 'USD' });
    expect([order.status, customer.status, foreign.status]).toEqual([201, 201, 201]);
    ids = { orders: [order.body.id], customers: [customer.body.id], otherTenant: [foreign.body.id] };
    realOrderId = order.body.id;
    realCustomerId = customer.body.id;
  });
  afterAll(async () => {
    agent.destroy();
    await t?.close();
  });

  it(`answers ${NUM_RUNS} malformed requests without a 5xx, each error as problem+json with a known code`, async () => {
    let sent = 0;
    const hits = new Map<string, number>();
    const statuses = new Map<number, number>();
    const arbitrary = fuzzRequest(routes, ids, { own: t.apiKey, other: otherKey });
    try {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (req) => {
          const res = await send(t.url, req);
          sent++;
          hits.set(req.route, (hits.get(req.route) ?? 0) + 1);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const problem = violation(req, res);
          if (problem) {
            // The report names the keys instead of printing them.
            const headers = JSON.stringify(req.headers).replaceAll(t.apiKey, '<own key>').replaceAll(otherKey, '<other key>');
            const shown = { method: req.method, path: req.path.slice(0, 300), headers, body: req.body?.toString('utf8').slice(0, 300) };
            throw new Error(`${problem}: ${JSON.stringify(shown)} → ${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
          }
        }),
        { seed: SEED, numRuns: NUM_RUNS, endOnFailure: process.env.FUZZ_SHRINK !== '1' },
      );
    } catch (error) {
      console.error(`fuzz failed; replay with FUZZ_SEED=${SEED}`);
      throw error;
    }

    console.log(`fuzz seed ${SEED}: ${sent} requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(sent).toBeGreaterThanOrEqual(Math.min(MIN_REQUESTS, NUM_RUNS));
    // Every served operation was exercised (not only the easy ones).
    const unexercised = routes.flatMap((r) => r.methods.map((m) => `${m} ${r.path}`)).filter((op) => (hits.get(op) ?? 0) < 5);
    expect(unexercised).toEqual([]);
    // Prototype-pollution keys must not have reached Object.prototype of the server process (this one).
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The server still works afterwards.
    const after = await t.http.get(`/v1/orders/${ids.orders[0]}`).set(bearer(t.apiKey));
    expect(after.status).toBe(200);
  }, 180_000);
});
