import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/common/errors/error-codes';
import { bearer, startTestApp, type TestApp } from '../support/test-app';
import { LOG_DIR, recordSecret, TEST_DB } from '../support/test-env';

const PAN = '4111111111111111';
const GROUPED_PAN = '4111 1111 1111 1111';
const UNKNOWN_ORDER = 'ord_01JDZZZZZZZZZZZZZZZZZZZZZZ';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** A request exactly as written (supertest normalises URLs and methods; these tests must not be). */
function raw(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text || '{}') as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function expectRawProblem(res: RawResponse, status: number, code: keyof typeof ERROR_CODES): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.request_id).toBe(res.headers['x-request-id']);
  expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
}

/** Every error of the API: RFC 9457 problem+json whose request_id is the X-Request-Id header. */
function expectProblem(res: Response, status: number, code: keyof typeof ERROR_CODES): Record<string, unknown> {
  expect({ status: res.status, code: (res.body as { code?: unknown }).code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.body as Record<string, unknown>;
  expect(body).toMatchObject({
    type: expect.stringContaining(code),
    title: ERROR_CODES[code].title,
    status,
    detail: expect.any(String),
    code,
    request_id: expect.any(String),
  });
  expect(body.request_id).toBe(res.headers['x-request-id']);
  return body;
}

describe('HTTP error surface', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  let orderId: string;
  let customerId: string;

  beforeAll(async () => {
    t = await startTestApp();
    auth = bearer(t.apiKey);
    const order = await t.http.post('/v1/orders').set(auth).send({ amount: 1050, currency: 'PEN' });
    expect(order.status).toBe(201);
    orderId = order.body.id;
    const customer = await t.http.post('/v1/customers').set(auth).send({ email: 'ana@example.pe' });
    expect(customer.status).toBe(201);
    customerId = customer.body.id;
  });
  afterAll(async () => t?.close());

  describe('400 invalid_json', () => {
    it.each([
      ['truncated JSON', '{"amount":1050,"currency":'],
      ['JSON with trailing garbage', '{"amount":1050,"currency":"PEN"} trailing'],
      ['two JSON documents', '{"amount":1050}{"currency":"PEN"}'],
      ['a bare string (strict JSON bodies are objects or arrays)', '"PEN"'],
    ])('%s', async (_what, raw) => {
      const res = await t.http.post('/v1/orders').set(auth).set('Content-Type', 'application/json').send(raw);
      expectProblem(res, 400, 'invalid_json');
    });
  });

  describe('400 validation_error', () => {
    it('wrong types name every field at fault', async () => {
      const res = await t.http.post('/v1/orders').set(auth).send({ amount: '1050', currency: 5 });
      const body = expectProblem(res, 400, 'validation_error');
      expect((body.errors as { param: string }[]).map((e) => e.param).sort()).toEqual(['amount', 'currency']);
    });

    it('unknown fields are listed in errors, nested ones with their path', async () => {
      const res = await t.http
        .post('/v1/orders')
        .set(auth)
        .send({ amount: 1050, currency: 'PEN', colour: 'red', extra: 1, customer: { email: 'a@b.pe', shoe_size: 42 } });
      const body = expectProblem(res, 400, 'validation_error');
      expect(body.errors).toEqual(
        expect.arrayContaining([
          { param: 'colour', message: 'unknown field' },
          { param: 'extra', message: 'unknown field' },
          { param: 'customer.shoe_size', message: 'unknown field' },
        ]),
      );
    });

    it('unknown query parameters too', async () => {
      const res = await t.http.get('/v1/orders?limit=5&sort=asc').set(auth);
      const body = expectProblem(res, 400, 'validation_error');
      expect(body.errors).toEqual([{ param: 'sort', message: 'unknown field' }]);
    });

    it('on PATCH as well', async () => {
      const res = await t.http.patch(`/v1/customers/${customerId}`).set(auth).send({ name: 7, nickname: 'x' });
      const body = expectProblem(res, 400, 'validation_error');
      expect((body.errors as { param: string }[]).map((e) => e.param).sort()).toEqual(['name', 'nickname']);
    });
  });

  describe('400 card_data_not_allowed', () => {
    it.each([
      ['a top-level string', '/v1/orders', { amount: 1050, currency: 'PEN', description: `card ${PAN} exp 12/30` }],
      ['a nested string', '/v1/orders', { amount: 1050, currency: 'PEN', metadata: { note: PAN } }],
      ['an array item', '/v1/orders', { amount: 1050, currency: 'PEN', items: [{ description: PAN, quantity: 1, unit_amount: 1050 }] }],
      ['a grouped number', '/v1/customers', { email: 'b@example.pe', name: GROUPED_PAN }],
      ['a dashed number', '/v1/customers', { email: 'b@example.pe', name: '4111-1111-1111-1111' }],
    ])('in %s, never echoed', async (_what, path, body) => {
      const res = await t.http.post(path).set(auth).send(body);
      expectProblem(res, 400, 'card_data_not_allowed');
      expect(res.text).not.toMatch(/4111[ -]?1111/);
    });

    it('on PATCH, even next to unknown fields', async () => {
      const res = await t.http.patch(`/v1/customers/${customerId}`).set(auth).send({ bogus: { deep: [GROUPED_PAN] } });
      expectProblem(res, 400, 'card_data_not_allowed');
      expect(res.text).not.toContain('4111');
    });

    it('does not refuse numbers that fail the Luhn check', async () => {
      const res = await t.http.post('/v1/orders').set(auth).send({ amount: 1050, currency: 'PEN', description: '4111111111111112' });
      expect(res.status).toBe(201);
    });
  });

  describe('401', () => {
    it('authentication_required without an Authorization header', async () => {
      const res = await t.http.get('/v1/orders');
      expectProblem(res, 401, 'authentication_required');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it.each([
      ['"Bearer" alone', 'Bearer'],
      ['"Bearer" with garbage', 'Bearer !!not a key!!'],
      ['a well-formed but unknown key', `Bearer sk_test_${'A'.repeat(40)}`],
      ['the Basic scheme', `Basic ${Buffer.from('user:pass').toString('base64')}`],
    ])('invalid_api_key for %s', async (_what, header) => {
      const res = await t.http.get('/v1/orders').set('Authorization', header);
      expectProblem(res, 401, 'invalid_api_key');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer .*invalid_token/);
    });

    it('invalid_api_key for a live key with the right shape', async () => {
      const res = await t.http.post('/v1/orders').set(bearer(`sk_live_${'b'.repeat(40)}`)).send({ amount: 1, currency: 'PEN' });
      expectProblem(res, 401, 'invalid_api_key');
    });
  });

  describe('404 resource_not_found', () => {
    it.each([
      ['GET', '/v1/orders/not-an-id'],
      ['GET', '/v1/orders/ord_123'],
      ['GET', `/v1/orders/${UNKNOWN_ORDER}`],
      ['GET', '/v1/orders/%E0%A4%A'],
      ['GET', '/v1/orders/cus_01JDZZZZZZZZZZZZZZZZZZZZZZ'],
      ['POST', '/v1/orders/ord_%00/cancel'],
      ['GET', '/v1/customers/%F0%9F%92%A9'],
      ['GET', '/v1/customers/ord_x/orders'],
      ['PATCH', '/v1/customers/nope'],
    ])('%s %s', async (method, path) => {
      // cancel takes no body (any field is unknown → 400), so it is sent without one here.
      const body = method === 'GET' || path.endsWith('/cancel') ? undefined : { name: 'x' };
      const res = await t.http[method.toLowerCase() as 'get'](path).set(auth).send(body);
      expectProblem(res, 404, 'resource_not_found');
    });

    it("another app's id", async () => {
      const other = await t.newTenant('Other');
      const res = await t.http.get(`/v1/orders/${orderId}`).set(bearer(other.apiKey));
      expectProblem(res, 404, 'resource_not_found');
    });
  });

  describe('404 route_not_found and 405 method_not_allowed', () => {
    it.each([
      ['GET', '/v1/nothing-here'],
      ['GET', '/nothing'],
      ['DELETE', '/v1/orders/x/y/z'],
      ['POST', '/health'],
    ])('route_not_found for %s %s', async (method, path) => {
      const res = await t.http[method.toLowerCase() as 'get'](path).set(auth);
      expectProblem(res, 404, 'route_not_found');
    });

    it.each([
      ['DELETE', '/v1/orders/:order', 'GET, HEAD'],
      ['PUT', '/v1/orders', 'GET, HEAD, POST'],
      ['GET', '/v1/orders/:order/cancel', 'POST'],
      ['DELETE', '/v1/customers/:customer', 'GET, HEAD, PATCH'],
      ['POST', '/health/live', 'GET, HEAD'],
    ])('%s %s → 405 with Allow: %s', async (method, template, allow) => {
      const path = template.replace(':order', orderId).replace(':customer', customerId);
      const res = await t.http[method.toLowerCase() as 'get'](path).set(auth);
      expectProblem(res, 405, 'method_not_allowed');
      expect(res.headers.allow).toBe(allow);
    });
  });

  describe('413 and 415', () => {
    it('payload_too_large over the default 100kb BODY_LIMIT', async () => {
      const res = await t.http.post('/v1/orders').set(auth).send({ amount: 1050, currency: 'PEN', description: 'x'.repeat(120_000) });
      expectProblem(res, 413, 'payload_too_large');
    });

    it('a body just under the limit is parsed (and then validated)', async () => {
      const res = await t.http.post('/v1/orders').set(auth).send({ amount: 1050, currency: 'PEN', description: 'x'.repeat(90_000) });
      expectProblem(res, 400, 'validation_error');
    });

    it.each([
      ['text/plain', '{"amount":1050,"currency":"PEN"}'],
      ['application/x-www-form-urlencoded', 'amount=1050&currency=PEN'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="amount"\r\n\r\n1050\r\n--x--'],
      ['application/json; charset=latin1', '{"amount":1050,"currency":"PEN"}'],
    ])('unsupported_media_type for %s', async (type, raw) => {
      const res = await t.http.post('/v1/orders').set(auth).set('Content-Type', type).send(raw);
      expectProblem(res, 415, 'unsupported_media_type');
    });
  });

  describe('requests the HTTP stack itself refuses', () => {
    it('a body nested thousands of levels deep is a validation_error, not a stack overflow', async () => {
      const deep = '['.repeat(20_000) + ']'.repeat(20_000);
      const res = await t.http.post('/v1/orders').set(auth).set('Content-Type', 'application/json').send(deep);
      const body = expectProblem(res, 400, 'validation_error');
      expect(body.errors).toEqual([{ param: '(body)', message: expect.stringContaining('nested') }]);
    });

    it('an unknown HTTP method', async () => {
      expectRawProblem(await raw(t.url, 'FROBNICATE', '/v1/orders', auth), 400, 'validation_error');
    });

    it('oversized request headers', async () => {
      expectRawProblem(await raw(t.url, 'GET', '/v1/orders', { ...auth, 'x-padding': 'p'.repeat(20_000) }), 400, 'validation_error');
    });

    it('a URL Express cannot find a path in', async () => {
      expectRawProblem(await raw(t.url, 'GET', '//metrics?a=b@c&d#e', auth), 404, 'route_not_found');
    });

    it('a malformed %-escape outside any id', async () => {
      expectRawProblem(await raw(t.url, 'GET', '/docs/%E0%A4%A', auth), 404, 'route_not_found');
    });
  });

  describe('X-Request-Id', () => {
    it('is generated when absent', async () => {
      const a = await t.http.get('/health/live');
      const b = await t.http.get('/health/live');
      expect(a.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
      expect(b.headers['x-request-id']).not.toBe(a.headers['x-request-id']);
    });

    it('echoes a valid incoming one, on success and in error bodies', async () => {
      const id = `client-${randomBytes(6).toString('hex')}`;
      const ok = await t.http.get(`/v1/orders/${orderId}`).set(auth).set('X-Request-Id', id);
      expect(ok.status).toBe(200);
      expect(ok.headers['x-request-id']).toBe(id);
      const failed = await t.http.get('/v1/orders/nope').set(auth).set('X-Request-Id', id);
      expect(expectProblem(failed, 404, 'resource_not_found').request_id).toBe(id);
    });

    it.each([
      ['too long', 'a'.repeat(300)],
      ['with spaces', 'my request id'],
      ['with quotes and braces', '{"x":"y"}'],
      ['empty', ''],
    ])('replaces one %s', async (_what, id) => {
      const res = await t.http.get('/v1/orders?limit=0').set(auth).set('X-Request-Id', id);
      const body = expectProblem(res, 400, 'validation_error');
      expect(body.request_id).not.toBe(id);
      expect(res.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
    });
  });

  describe('health, metrics, docs', () => {
    it('GET /health/live', async () => {
      const res = await t.http.get('/health/live');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('GET /health/ready reports its checks', async () => {
      const res = await t.http.get('/health/ready');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'ok',
        checks: { database: 'ok', migrations: 'ok', gateways: { culqi: { circuit: 'closed' }, mercadopago: { circuit: 'closed' } } },
      });
    });

    it('GET /metrics: latency by route pattern (never a raw id) and process metrics', async () => {
      await t.http.get(`/v1/orders/${orderId}`).set(auth).expect(200);
      await t.http.get('/v1/orders/ord_does_not_exist').set(auth).expect(404);
      const res = await t.http.get('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/^smartpay_http_request_duration_seconds_bucket\{.*route="\/v1\/orders\/:id".*status="200"/m);
      expect(res.text).toMatch(/^smartpay_http_request_duration_seconds_count\{.*route="\/v1\/orders\/:id".*status="404"/m);
      expect(res.text).not.toContain(orderId);
      expect(res.text).not.toContain('ord_does_not_exist');
      expect(res.text).toMatch(/^process_cpu_\w+/m);
      expect(res.text).toMatch(/^nodejs_\w+/m);
    });

    it('GET /docs serves HTML and /docs/openapi.json the document', async () => {
      const html = await t.http.get('/docs');
      expect(html.status).toBe(200);
      expect(html.headers['content-type']).toMatch(/^text\/html/);
      expect(html.text).toMatch(/swagger-ui/i);
      const doc = await t.http.get('/docs/openapi.json');
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      expect(doc.body.paths['/v1/orders']).toBeDefined();
    });
  });

  describe('logs', () => {
    it('carry request ids but never the API key, the Idempotency-Key or a card number', async () => {
      const idempotencyKey = `idem-${randomBytes(16).toString('hex')}`;
      recordSecret(idempotencyKey);
      const created = await t.http
        .post('/v1/orders')
        .set(auth)
        .set('Idempotency-Key', idempotencyKey)
        .send({ amount: 2000, currency: 'PEN' });
      expect(created.status).toBe(201);
      const refused = await t.http.post('/v1/orders').set(auth).send({ amount: 1, currency: 'PEN', description: PAN });
      expect(refused.status).toBe(400);
      const ids = [created.headers['x-request-id'] as string, refused.headers['x-request-id'] as string];

      // Logs are written asynchronously: wait until both requests' lines are in the file.
      const file = join(LOG_DIR, `${TEST_DB}-${process.pid}.log`);
      let text = '';
      for (let i = 0; i < 50 && !ids.every((id) => text.includes(id)); i++) {
        await new Promise((r) => setTimeout(r, 100));
        text = existsSync(file) ? readFileSync(file, 'utf8') : '';
      }
      const lines = text.split('\n').filter((l) => ids.some((id) => l.includes(id)));
      expect(lines.length).toBeGreaterThanOrEqual(2);
      for (const line of lines) expect(JSON.parse(line)).toMatchObject({ request_id: expect.any(String) });
      expect(text).not.toContain(t.apiKey);
      expect(text).not.toContain(idempotencyKey);
      expect(text).not.toMatch(/Bearer\s+sk_/);
      expect(text).not.toContain(PAN);
    });
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  let t: TestApp;
  const token = `mt_${randomBytes(18).toString('hex')}`;
  beforeAll(async () => {
    recordSecret(token);
    t = await startTestApp({ METRICS_TOKEN: token });
  });
  afterAll(async () => t?.close());

  it('401 without the token, 401 with a wrong one, 200 with it', async () => {
    expectProblem(await t.http.get('/metrics'), 401, 'authentication_required');
    expectProblem(await t.http.get('/metrics').set(bearer('wrong')), 401, 'invalid_api_key');
    const ok = await t.http.get('/metrics').set(bearer(token));
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('smartpay_http_request_duration_seconds');
  });
});

describe('log lines held in the logger’s block', () => {
  it('are all in the file as soon as the app has closed', async () => {
    const t = await startTestApp();
    const id = `flush-${randomBytes(8).toString('hex')}`;
    expect((await t.http.get('/health/ready').set('X-Request-Id', id)).status).toBe(200);
    await t.close();
    const text = readFileSync(join(LOG_DIR, `${TEST_DB}-${process.pid}.log`), 'utf8');
    const line = text.split('\n').find((l) => l.includes(id));
    expect(line && JSON.parse(line)).toMatchObject({ request_id: id, msg: 'GET /health/ready 200' });
  });
});
