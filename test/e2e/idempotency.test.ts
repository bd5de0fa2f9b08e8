import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IdempotencyService } from '../../src/common/idempotency/idempotency.service';
import { requestFingerprint } from '../../src/common/idempotency/request-fingerprint';
import { bearer, startTestApp, type TestApp } from '../support/test-app';
import { TEST_DB } from '../support/test-env';
import { sleep } from '../support/wait';

const REPLAYED = 'idempotent-replayed';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { id?: string; code?: string; [k: string]: unknown };
}

/**
 * Sends `count` identical POSTs, each on its own connection, holding back the last byte of every
 * body until all of them have been written: the server then has all requests in flight at once, so
 * the test really exercises concurrent execution rather than a fast sequence.
 */
async function concurrentPosts(url: string, headers: Record<string, string>, body: object, count: number): Promise<RawResponse[]> {
  const payload = Buffer.from(JSON.stringify(body));
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const target = new URL(url);
  const held: { finish: () => void; response: Promise<RawResponse> }[] = [];
  const written: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const req = request({
      agent,
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length) },
    });
    const response = new Promise<RawResponse>((resolve, reject) => {
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as RawResponse['body'] }));
      });
    });
    written.push(new Promise((resolve) => req.write(payload.subarray(0, -1), () => resolve())));
    held.push({ finish: () => req.end(payload.subarray(-1)), response });
  }
  await Promise.all(written);
  await sleep(150); // let the server accept every connection and parse every header block
  held.forEach((h) => h.finish());
  try {
    return await Promise.all(held.map((h) => h.response));
  } finally {
    agent.destroy();
  }
}

describe('Idempotency-Key', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    auth = bearer(t.apiKey);
  });
  afterAll(async () => t.close());

  let n = 0;
  // Letters only: a key made of digits could look like a card number when it lands in a body (e-mail).
  const freshKey = () => `idem-${(++n).toString(36)}-${Array.from({ length: 12 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;
  const withKey = (key: string) => ({ ...auth, 'Idempotency-Key': key });

  it('50 concurrent identical requests create exactly one order; the rest are 409 in progress', async () => {
    const tenant = await t.newTenant('Concurrency');
    const key = 'concurrent-order-key-0001';
    const body = { amount: 11800, currency: 'PEN', description: 'Plan Professional', metadata: { run: 'concurrency' } };
    const results = await concurrentPosts(`${t.url}/v1/orders`, { ...bearer(tenant.apiKey), 'Idempotency-Key': key }, body, 50);

    const created = results.filter((r) => r.status === 201);
    const inProgress = results.filter((r) => r.status === 409);
    expect(created.length + inProgress.length, JSON.stringify(results.map((r) => [r.status, r.body.code]))).toBe(50);
    expect(created.length).toBeGreaterThanOrEqual(1);
    // On MariaDB the requests really overlap, so some must meet the first one still executing. SQLite
    // (better-sqlite3) is synchronous: one request runs to completion before the next is read, so
    // there every twin is a replay, which the assertions below still hold to the same order.
    if (TEST_DB === 'mysql') expect(inProgress.length).toBeGreaterThanOrEqual(1);
    for (const r of inProgress) {
      expect(r.body.code).toBe('idempotency_request_in_progress');
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const first = created[0]!.body;
    expect(first.id).toMatch(/^ord_/);
    for (const r of created) expect(r.body).toEqual(first);
    // Exactly one request executed; every other 201 is a replay of it.
    expect(created.filter((r) => r.headers[REPLAYED] === undefined)).toHaveLength(1);

    const list = await t.http.get('/v1/orders?limit=100').set(bearer(tenant.apiKey));
    expect(list.body.data.map((o: { id: string }) => o.id)).toEqual([first.id]);

    const replay = await t.http.post('/v1/orders').set(bearer(tenant.apiKey)).set('Idempotency-Key', key).send(body);
    expect(replay.status).toBe(201);
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(replay.headers['content-type']).toMatch(/^application\/json/);
    expect(replay.body).toEqual(first);

    const reused = await t.http.post('/v1/orders').set(bearer(tenant.apiKey)).set('Idempotency-Key', key).send({ ...body, amount: 11801 });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
    expect((await t.http.get('/v1/orders').set(bearer(tenant.apiKey))).body.data).toHaveLength(1);
  });

  it('replays a completed request verbatim and refuses the key with another body or path', async () => {
    const key = freshKey();
    const body = { amount: 2500, currency: 'USD', reference: `ref-${key}` };
    const first = await t.http.post('/v1/orders').set(withKey(key)).send(body);
    expect(first.status).toBe(201);
    expect(first.headers[REPLAYED]).toBeUndefined();

    const replay = await t.http.post('/v1/orders').set(withKey(key)).send(body);
    expect(replay.status).toBe(201);
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(replay.text).toBe(first.text);

    const otherBody = await t.http.post('/v1/orders').set(withKey(key)).send({ ...body, amount: 2501 });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body).toMatchObject({ code: 'idempotency_key_reused' });
    expect(otherBody.headers['content-type']).toMatch(/^application\/problem\+json/);

    const otherPath = await t.http.post('/v1/customers').set(withKey(key)).send(body);
    expect(otherPath.status).toBe(422);
    expect(otherPath.body.code).toBe('idempotency_key_reused');

    // Still exactly one order with that reference.
    const byRef = await t.http.get(`/v1/orders?reference=ref-${key}`).set(auth);
    expect(byRef.body.data.map((o: { id: string }) => o.id)).toEqual([first.body.id]);
  });

  it('fingerprints the canonical JSON: the same data with keys in another order is a replay', async () => {
    const key = freshKey();
    const first = await t.http
      .post('/v1/orders')
      .set(withKey(key))
      .send({ amount: 300, currency: 'PEN', metadata: { a: '1', b: '2' }, items: [{ description: 'x', quantity: 1, unit_amount: 300 }] });
    expect(first.status).toBe(201);
    const reordered = await t.http
      .post('/v1/orders')
      .set(withKey(key))
      .send({ items: [{ unit_amount: 300, quantity: 1, description: 'x' }], metadata: { b: '2', a: '1' }, currency: 'PEN', amount: 300 });
    expect(reordered.status).toBe(201);
    expect(reordered.headers[REPLAYED]).toBe('true');
    expect(reordered.body).toEqual(first.body);
  });

  it('does not store a request rejected by validation: the fixed request executes with the same key', async () => {
    const key = freshKey();
    const bad = await t.http.post('/v1/orders').set(withKey(key)).send({ amount: -5, currency: 'PEN' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'validation_error', param: 'amount' });
    const badAgain = await t.http.post('/v1/orders').set(withKey(key)).send({ amount: 500, currency: 'PEN', items: [{ description: 'x', quantity: 1, unit_amount: 1 }] });
    expect(badAgain.status).toBe(400);
    expect(badAgain.body.param).toBe('items');
    const buyer = await t.http.post('/v1/customers').set(auth).send({ email: `${freshKey()}@example.com` });
    const unknownPackage = await t.http.post('/v1/orders').set(withKey(key)).send({ currency: 'PEN', credit_package: 'gold', customer_id: buyer.body.id });
    expect(unknownPackage.body.code).toBe('unknown_credit_package');

    const fixed = await t.http.post('/v1/orders').set(withKey(key)).send({ amount: 500, currency: 'PEN' });
    expect(fixed.status).toBe(201);
    expect(fixed.headers[REPLAYED]).toBeUndefined();
    const replay = await t.http.post('/v1/orders').set(withKey(key)).send({ amount: 500, currency: 'PEN' });
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(replay.body.id).toBe(fixed.body.id);
  });

  it('stores an error that happened after validation (duplicate_reference) and replays it verbatim', async () => {
    const reference = `dup-${freshKey()}`;
    const existing = await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN', reference });
    expect(existing.status).toBe(201);
    const key = freshKey();
    const body = { amount: 200, currency: 'PEN', reference };
    const conflict = await t.http.post('/v1/orders').set(withKey(key)).send(body);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ code: 'duplicate_reference', param: 'reference' });
    expect(conflict.body.detail).toContain(existing.body.id);

    const replay = await t.http.post('/v1/orders').set(withKey(key)).set('X-Request-Id', 'replay-check-1').send(body);
    expect(replay.status).toBe(409);
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(replay.headers['content-type']).toMatch(/^application\/problem\+json/);
    // Verbatim: even the original request_id, not the replay's own.
    expect(replay.text).toBe(conflict.text);
    expect(replay.body.request_id).toBe(conflict.body.request_id);
    expect(replay.headers['x-request-id']).toBe('replay-check-1');
  });

  it('applies to a consumption: the answer is stored before it is sent, the replay debits nothing; a handler’s pre-effect error frees the key, a later error is stored', async () => {
    const customer = await t.http.post('/v1/customers').set(auth).send({ email: `${freshKey()}@example.com` });
    await t.http.post(`/v1/customers/${customer.body.id}/credits/grants`).set(auth).send({ credits: 10, reason: 'test' });
    const key = freshKey();
    const body = { credits: 3, reference: `job-${key}` };
    // resource_not_found comes from the service, after the key began: the key is released, not stored.
    const unknown = await t.http.post('/v1/customers/cus_nobody/credits/consume').set(withKey(key)).send(body);
    expect(unknown.status).toBe(404);
    const path = `/v1/customers/${customer.body.id}/credits/consume`;
    const first = await t.http.post(path).set(withKey(key)).send(body);
    expect(first.status).toBe(201);
    expect(first.headers[REPLAYED]).toBeUndefined();
    const replay = await t.http.post(path).set(withKey(key)).send(body);
    expect(replay.status).toBe(201);
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(replay.text).toBe(first.text);
    const balance = await t.http.get(`/v1/customers/${customer.body.id}/credits`).set(auth);
    expect(balance.body.balance).toBe(7);

    // insufficient_credits debited nothing: the key is released, and once credits arrive the same request runs.
    const tooMuch = { credits: 50, reference: `job-${freshKey()}` };
    const otherKey = freshKey();
    const refused = await t.http.post(path).set(withKey(otherKey)).send(tooMuch);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('insufficient_credits');
    await t.http.post(`/v1/customers/${customer.body.id}/credits/grants`).set(auth).send({ credits: 100, reason: 'test' });
    const afterGrant = await t.http.post(path).set(withKey(otherKey)).send(tooMuch);
    expect(afterGrant.status).toBe(201);
    expect(afterGrant.headers[REPLAYED]).toBeUndefined();

    // credit_reference_reused is an answer, not a rejected input: stored, and replayed verbatim.
    const reusedKey = freshKey();
    const reused = await t.http.post(path).set(withKey(reusedKey)).send({ ...body, credits: 4 });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('credit_reference_reused');
    const reusedAgain = await t.http.post(path).set(withKey(reusedKey)).send({ ...body, credits: 4 });
    expect(reusedAgain.headers[REPLAYED]).toBe('true');
    expect(reusedAgain.text).toBe(reused.text);
  });

  it('accepts keys of 1–255 printable characters and rejects a 256-character key', async () => {
    const long = await t.http.post('/v1/orders').set(withKey('k'.repeat(256))).send({ amount: 100, currency: 'PEN' });
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ code: 'validation_error', param: 'Idempotency-Key' });

    const max = 'K'.repeat(250) + String(n++).padStart(5, '0');
    const ok = await t.http.post('/v1/orders').set(withKey(max)).send({ amount: 100, currency: 'PEN' });
    expect(ok.status).toBe(201);
    const replay = await t.http.post('/v1/orders').set(withKey(max)).send({ amount: 100, currency: 'PEN' });
    expect(replay.headers[REPLAYED]).toBe('true');

    // Keys are case-sensitive: the lower-case twin is another key.
    const twin = await t.http.post('/v1/orders').set(withKey(max.toLowerCase())).send({ amount: 100, currency: 'PEN' });
    expect(twin.status).toBe(201);
    expect(twin.headers[REPLAYED]).toBeUndefined();
    expect(twin.body.id).not.toBe(ok.body.id);
  });

  it('applies to PATCH /v1/customers/{id}: a replay does not execute again', async () => {
    const customer = await t.http.post('/v1/customers').set(auth).send({ email: `${freshKey()}@example.com`, name: 'Original' });
    const key = freshKey();
    const first = await t.http.patch(`/v1/customers/${customer.body.id}`).set(withKey(key)).send({ name: 'Via key' });
    expect(first.status).toBe(200);
    expect(first.body.name).toBe('Via key');

    const direct = await t.http.patch(`/v1/customers/${customer.body.id}`).set(auth).send({ name: 'Changed later' });
    expect(direct.status).toBe(200);

    const replay = await t.http.patch(`/v1/customers/${customer.body.id}`).set(withKey(key)).send({ name: 'Via key' });
    expect(replay.status).toBe(200);
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect((await t.http.get(`/v1/customers/${customer.body.id}`).set(auth)).body.name).toBe('Changed later');

    const reused = await t.http.patch(`/v1/customers/${customer.body.id}`).set(withKey(key)).send({ name: 'Other' });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
  });

  it('applies to POST /v1/orders/{id}/cancel: the replay returns the canceled order', async () => {
    const order = await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN' });
    const key = freshKey();
    const first = await t.http.post(`/v1/orders/${order.body.id}/cancel`).set(withKey(key));
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('canceled');

    const replay = await t.http.post(`/v1/orders/${order.body.id}/cancel`).set(withKey(key));
    expect(replay.status).toBe(200);
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(replay.body).toEqual(first.body);

    // Without the key, a second cancel executes and is refused.
    const again = await t.http.post(`/v1/orders/${order.body.id}/cancel`).set(auth);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('order_not_cancelable');
  });
});


describe('Idempotency-Key lease (IDEMPOTENCY_LEASE=1s)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ IDEMPOTENCY_LEASE: '1s' });
  });
  afterAll(async () => t.close());

  it('a key whose request died is in progress until the lease ends, then executes anew', async () => {
    const auth = bearer(t.apiKey);
    const key = 'died-mid-request';
    const body = { amount: 700, currency: 'PEN' };
    // Simulates a process killed mid-request: the record is begun and never completed.
    const outcome = await t.app.get(IdempotencyService).begin(t.appId, key, requestFingerprint('POST', '/v1/orders', body));
    expect(outcome.kind).toBe('execute');
    const begunAt = Date.now();

    const during = await t.http.post('/v1/orders').set(auth).set('Idempotency-Key', key).send(body);
    expect(Date.now() - begunAt).toBeLessThan(1000);
    expect(during.status).toBe(409);
    expect(during.body.code).toBe('idempotency_request_in_progress');
    expect((await t.http.get('/v1/orders').set(auth)).body.data).toHaveLength(0);

    await sleep(Math.max(0, 1100 - (Date.now() - begunAt)));
    const after = await t.http.post('/v1/orders').set(auth).set('Idempotency-Key', key).send(body);
    expect(after.status).toBe(201);
    expect(after.headers[REPLAYED]).toBeUndefined();

    const replay = await t.http.post('/v1/orders').set(auth).set('Idempotency-Key', key).send(body);
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(replay.body.id).toBe(after.body.id);
    expect((await t.http.get('/v1/orders').set(auth)).body.data).toHaveLength(1);
  });

  it('an answer that cannot be stored is not sent: 500, the key in progress until its lease ends, then the retry answers the first order', async () => {
    const auth = bearer(t.apiKey);
    const key = 'answer-not-stored';
    const body = { amount: 900, currency: 'PEN' };
    const complete = vi.spyOn(t.app.get(IdempotencyService), 'complete').mockRejectedValueOnce(new Error('database went away'));
    try {
      const failed = await t.http.post('/v1/orders').set(auth).set('Idempotency-Key', key).send(body);
      expect(failed.status).toBe(500);
      expect(failed.body.code).toBe('internal_error');
      const failedAt = Date.now();
      const during = await t.http.post('/v1/orders').set(auth).set('Idempotency-Key', key).send(body);
      expect(during.body.code).toBe('idempotency_request_in_progress');

      await sleep(Math.max(0, 1100 - (Date.now() - failedAt)));
      // The first attempt's order exists; the retry derives the same id from the key's record and answers it.
      const retry = await t.http.post('/v1/orders').set(auth).set('Idempotency-Key', key).send(body);
      expect(retry.status).toBe(201);
      const orders = (await t.http.get('/v1/orders').set(auth)).body.data as { id: string; amount: number }[];
      expect(orders.filter((o) => o.amount === 900).map((o) => o.id)).toEqual([retry.body.id]);
    } finally {
      complete.mockRestore();
    }
  });
});

describe('Idempotency-Key retention (IDEMPOTENCY_TTL=1s)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ IDEMPOTENCY_TTL: '1s' });
  });
  afterAll(async () => t.close());

  it('after the retention period the key is free: another body executes anew', async () => {
    const auth = { ...bearer(t.apiKey), 'Idempotency-Key': 'short-lived-key' };
    const first = await t.http.post('/v1/orders').set(auth).send({ amount: 100, currency: 'PEN' });
    expect(first.status).toBe(201);
    const startedAt = Date.now();
    expect((await t.http.post('/v1/orders').set(auth).send({ amount: 200, currency: 'PEN' })).status).toBe(422);

    await sleep(Math.max(0, 1100 - (Date.now() - startedAt)));
    const fresh = await t.http.post('/v1/orders').set(auth).send({ amount: 200, currency: 'PEN' });
    expect(fresh.status).toBe(201);
    expect(fresh.headers[REPLAYED]).toBeUndefined();
    expect(fresh.body.id).not.toBe(first.body.id);
    expect(fresh.body.amount).toBe(200);

    const replay = await t.http.post('/v1/orders').set(auth).send({ amount: 200, currency: 'PEN' });
    expect(replay.headers[REPLAYED]).toBe('true');
    expect(replay.body.id).toBe(fresh.body.id);
  });
});
