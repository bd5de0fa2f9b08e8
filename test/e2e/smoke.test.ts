import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('creates and reads an order', async () => {
    const created = await t.http.post('/v1/orders').set(bearer(t.apiKey)).send({ amount: 1050, currency: 'PEN' });
    expect(created.status).toBe(201);
    const read = await t.http.get(`/v1/orders/${created.body.id}`).set(bearer(t.apiKey));
    expect(read.body).toEqual(created.body);
  });

  it('answers malformed JSON with invalid_json', async () => {
    const res = await t.http.post('/v1/orders').set(bearer(t.apiKey)).set('content-type', 'application/json').send('{"amount":1,');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_json');
  });
});
