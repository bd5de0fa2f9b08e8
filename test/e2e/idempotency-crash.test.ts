import { MikroORM, RequestContext } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChargesService } from '../../src/charges/charges.service';
import { createChargeSchema } from '../../src/charges/charge.schemas';
import { IdempotencyService } from '../../src/common/idempotency/idempotency.service';
import { requestFingerprint } from '../../src/common/idempotency/request-fingerprint';
import { createOrderSchema } from '../../src/orders/order.schemas';
import { OrdersService } from '../../src/orders/orders.service';
import { culqiCardToken, culqiChargesFor, sandboxInfo, type SandboxInfo } from '../support/sandbox-client';
import { bearer, startTestApp, type TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A request that committed its effect and then died before its Idempotency-Key stored the answer:
 * after the key's lease, the client's retry must find that effect, not create a second one.
 * The "first attempt" runs the service exactly as the interceptor would, and never completes the key.
 */
describe('Idempotency-Key retries after the first attempt died', () => {
  let t: TestApp;
  let info: SandboxInfo;
  beforeAll(async () => {
    t = await startTestApp({ IDEMPOTENCY_LEASE: '1s' });
    info = await sandboxInfo(t);
  });
  afterAll(async () => t.close());

  const diedAfterCommit = async <T>(key: string, path: string, body: unknown, effect: (scope: { recordId: string; createdAt: Date }) => Promise<T>) => {
    const outcome = await t.app.get(IdempotencyService).begin(t.appId, key, requestFingerprint('POST', path, body));
    if (outcome.kind !== 'execute') throw new Error('expected to execute');
    return RequestContext.create(t.app.get(MikroORM).em, () => effect({ recordId: outcome.recordId, createdAt: outcome.createdAt }));
  };

  it('an order: the retry answers the order the first attempt created; there is one', async () => {
    const key = `crash-order-${Date.now()}`;
    const body = { amount: 4321, currency: 'PEN', description: 'died after commit' };
    const first = await diedAfterCommit(key, '/v1/orders', body, (scope) =>
      t.app.get(OrdersService).create({ appId: t.appId, keyId: 'key_x' }, createOrderSchema.parse(body), scope),
    );
    // While the lease holds, the retry is told to wait.
    expect((await t.http.post('/v1/orders').set(bearer(t.apiKey)).set('Idempotency-Key', key).send(body)).status).toBe(409);
    await sleep(1_200);
    const retry = await t.http.post('/v1/orders').set(bearer(t.apiKey)).set('Idempotency-Key', key).send(body);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.id);
    const listed = await t.http.get('/v1/orders?limit=100').set(bearer(t.apiKey));
    expect(listed.body.data.filter((o: { description: string }) => o.description === 'died after commit')).toHaveLength(1);
    const replay = await t.http.post('/v1/orders').set(bearer(t.apiKey)).set('Idempotency-Key', key).send(body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(first.id);
  });

  it('a charge: the retry answers the first attempt’s charge instead of 409 or a second gateway charge', async () => {
    const order = await t.http.post('/v1/orders').set(bearer(t.apiKey)).send({ amount: 1500, currency: 'PEN', customer: { email: 'crash@example.com' } });
    const token = await culqiCardToken(info, '4111111111111111');
    const path = `/v1/orders/${order.body.id}/charges`;
    const body = { gateway: 'culqi', source: { type: 'card_token', token } };
    const key = `crash-charge-${Date.now()}`;
    const first = await diedAfterCommit(key, path, body, (scope) =>
      t.app.get(ChargesService).create({ appId: t.appId, keyId: 'key_x' }, order.body.id, createChargeSchema.parse(body), scope),
    );
    expect(first.status).toBe('succeeded');
    await sleep(1_200);
    const retry = await t.http.post(path).set(bearer(t.apiKey)).set('Idempotency-Key', key).send(body);
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ id: first.id, status: 'succeeded' });
    expect(await culqiChargesFor(info, first.id)).toHaveLength(1);
    // Without the key, a second charge on the paid order is refused as before.
    const other = await t.http.post(path).set(bearer(t.apiKey)).send({ gateway: 'culqi', source: { type: 'card_token', token: await culqiCardToken(info, '4111111111111111') } });
    expect(other.status).toBe(409);
  });
});
