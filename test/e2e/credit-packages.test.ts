import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app';

interface OpenApiObject {
  properties: Record<string, { type?: string; enum?: string[] }>;
  required: string[];
}

/** The documented package object of GET /v1/credit-packages. */
async function documentedPackage(t: TestApp): Promise<OpenApiObject> {
  const doc = await t.http.get('/docs/openapi.json');
  expect(doc.status).toBe(200);
  return doc.body.paths['/v1/credit-packages'].get.responses['200'].content['application/json'].schema.properties.data.items as OpenApiObject;
}

let customers = 0;
async function newCustomer(t: TestApp, auth: Record<string, string>): Promise<string> {
  const res = await t.http.post('/v1/customers').set(auth).send({ email: `package-buyer-${++customers}@example.com` });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

describe('credit packages', () => {
  describe('built-in catalogue (no CREDIT_PACKAGES)', () => {
    let t: TestApp;
    let auth: Record<string, string>;
    beforeAll(async () => {
      t = await startTestApp();
      auth = bearer(t.apiKey);
    });
    afterAll(async () => t?.close());

    it('GET /v1/credit-packages lists basic, professional +10 % and enterprise +20 %, with both validities', async () => {
      const res = await t.http.get('/v1/credit-packages').set(auth);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        object: 'list',
        data: [
          { code: 'basic', name: 'Basic', credits: 100, bonus_credits: 0, prices: { PEN: 4900, USD: 1400 }, validity_days: 365, bonus_validity_days: 365 },
          { code: 'professional', name: 'Professional', credits: 500, bonus_credits: 50, prices: { PEN: 19900, USD: 5400 }, validity_days: 365, bonus_validity_days: 365 },
          { code: 'enterprise', name: 'Enterprise', credits: 2000, bonus_credits: 400, prices: { PEN: 69900, USD: 18900 }, validity_days: 365, bonus_validity_days: 365 },
        ],
      });
    });

    it('documents exactly the fields it answers, with the code as any string', async () => {
      const documented = await documentedPackage(t);
      const res = await t.http.get('/v1/credit-packages').set(auth);
      expect([...documented.required].sort()).toEqual(Object.keys(res.body.data[0]).sort());
      expect(documented.properties.code).toMatchObject({ type: 'string' });
      expect(documented.properties.code!.enum).toBeUndefined();
    });

    it('needs an API key', async () => {
      expect((await t.http.get('/v1/credit-packages')).status).toBe(401);
    });
  });

  describe('catalogue from CREDIT_PACKAGES', () => {
    const PACKAGES = [
      { code: 'team_plus', name: 'Team+', credits: 1000, bonus_credits: 250, prices: { PEN: 29900, USD: 8900 }, validity_days: 180, bonus_validity_days: 30 },
      { code: 'starter', name: 'Starter', credits: 50, bonus_credits: 0, prices: { PEN: 1990, USD: 590 } },
    ];
    let t: TestApp;
    let auth: Record<string, string>;
    let customerId: string;
    beforeAll(async () => {
      t = await startTestApp({ CREDIT_PACKAGES: JSON.stringify(PACKAGES), CREDIT_VALIDITY_DAYS: '90' });
      auth = bearer(t.apiKey);
      customerId = await newCustomer(t, auth);
    });
    afterAll(async () => t?.close());

    it('lists the configured packages only, in their order, filling the validity they leave out', async () => {
      const res = await t.http.get('/v1/credit-packages').set(auth);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual([PACKAGES[0], { ...PACKAGES[1], validity_days: 90, bonus_validity_days: 90 }]);
    });

    it('prices an order for a configured package in either currency', async () => {
      const pen = await t.http.post('/v1/orders').set(auth).send({ currency: 'PEN', credit_package: 'team_plus', customer_id: customerId });
      expect(pen.status, JSON.stringify(pen.body)).toBe(201);
      expect(pen.body).toMatchObject({ amount: 29900, currency: 'PEN', credit_package: 'team_plus', customer_id: customerId });
      expect(pen.body.items).toEqual([{ description: 'SmartPay credits: Team+ (1250 credits)', quantity: 1, unit_amount: 29900 }]);

      const usd = await t.http.post('/v1/orders').set(auth).send({ currency: 'USD', credit_package: 'starter', customer_id: customerId, amount: 590 });
      expect(usd.status, JSON.stringify(usd.body)).toBe(201);
      expect(usd.body).toMatchObject({ amount: 590, currency: 'USD', credit_package: 'starter' });
    });

    it('refuses a built-in package that is not configured, a contradicting amount and an order without a customer', async () => {
      const builtIn = await t.http.post('/v1/orders').set(auth).send({ currency: 'PEN', credit_package: 'professional', customer_id: customerId });
      expect(builtIn.status).toBe(400);
      expect(builtIn.body).toMatchObject({ code: 'unknown_credit_package', param: 'credit_package' });

      const cheaper = await t.http.post('/v1/orders').set(auth).send({ currency: 'PEN', credit_package: 'starter', customer_id: customerId, amount: 1000 });
      expect(cheaper.status).toBe(400);
      expect(cheaper.body).toMatchObject({ code: 'validation_error', param: 'amount' });

      const noCustomer = await t.http.post('/v1/orders').set(auth).send({ currency: 'PEN', credit_package: 'starter' });
      expect(noCustomer.status).toBe(400);
      expect(noCustomer.body).toMatchObject({ code: 'validation_error', param: 'customer_id' });
      expect(noCustomer.body.errors).toEqual([{ param: 'customer_id', message: 'required with credit_package (or `customer`): credits belong to a customer' }]);
    });
  });
});
