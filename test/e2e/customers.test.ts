import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/common/ids';
import { bearer, startTestApp, type TestApp } from '../support/test-app';

/** Real-format RUCs with their SUNAT mod-11 check digit worked out by hand (20131312955 is SUNAT's own). */
const VALID_RUCS = ['20131312955', '20100047218', '20100070970', '20100000131', '10456789124', '15000000008', '16123456789', '17999999999'];

type Res = { status: number; body: Record<string, unknown>; headers: Record<string, string> };

describe('customers', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    auth = bearer(t.apiKey);
  });
  afterAll(async () => t.close());

  let seq = 0;
  const email = (tag = 'c') => `${tag}.${++seq}@example.com`;
  const create = async (body: object, key = auth) => {
    const res = await t.http.post('/v1/customers').set(key).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; [k: string]: unknown };
  };
  const expectValidation = (res: Res, params: string[]) => {
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('validation_error');
    expect((res.body.errors as { param: string }[]).map((e) => e.param)).toEqual(params);
    expect(res.body.param).toBe(params[0]);
  };

  describe('POST /v1/customers', () => {
    it('creates a customer with defaults and returns it on GET', async () => {
      const res = await t.http.post('/v1/customers').set(auth).send({ email: 'Ana@Example.com' });
      expect(res.status).toBe(201);
      expect(res.body.id).toMatch(/^cus_[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(res.body).toMatchObject({
        object: 'customer',
        email: 'Ana@Example.com',
        name: null,
        phone: null,
        document: null,
        billing: { invoice_type: 'boleta', business_name: null, address: null, invoice_email: null },
        metadata: {},
      });
      expect(res.body.updated_at).toBe(res.body.created_at);
      const read = await t.http.get(`/v1/customers/${res.body.id}`).set(auth);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(res.body);
    });

    it('stores every field, including a factura customer with RUC and business name', async () => {
      const body = {
        email: email(),
        name: 'Comercial Andina',
        phone: '+51987654321',
        document: { type: 'RUC', number: '20131312955' },
        billing: { invoice_type: 'factura', business_name: 'Comercial Andina S.A.C.', address: 'Av. Arequipa 123, Lima', invoice_email: 'facturas@example.com' },
        metadata: { crm: 'A-1' },
      };
      const c = await create(body);
      expect(c).toMatchObject(body);
    });

    it('accepts valid documents of every type', async () => {
      const docs = [
        { type: 'DNI', number: '45678912' },
        { type: 'DNI', number: '00000001' },
        ...VALID_RUCS.map((number) => ({ type: 'RUC', number })),
        { type: 'CE', number: 'X123' },
        { type: 'CE', number: '001234567890' },
        { type: 'PASSPORT', number: 'AB123456789C' },
        { type: 'PASSPORT', number: 'p1234' },
      ];
      for (const document of docs) {
        const c = await create({ email: email('doc'), document });
        expect(c.document).toEqual(document);
      }
    });

    it('rejects invalid documents naming document.number', async () => {
      const bad = [
        { type: 'DNI', number: '1234567' },
        { type: 'DNI', number: '123456789' },
        { type: 'DNI', number: '1234567A' },
        { type: 'RUC', number: '20131312954' }, // wrong check digit
        { type: 'RUC', number: '20100047219' },
        { type: 'RUC', number: '20100070971' },
        { type: 'RUC', number: '20100000130' }, // remainder 0 must give check digit 1
        { type: 'RUC', number: '30131312955' }, // bad prefix
        { type: 'RUC', number: '2013131295' },
        { type: 'RUC', number: '201313129550' },
        { type: 'RUC', number: '2013131295A' },
        { type: 'CE', number: 'X12' },
        { type: 'CE', number: 'X12345678901' + '2' },
        { type: 'PASSPORT', number: 'AB-12345' },
        { type: 'PASSPORT', number: 'AB 12345' },
      ];
      for (const document of bad) {
        const res = await t.http.post('/v1/customers').set(auth).send({ email: email('bad'), document });
        expectValidation(res, ['document.number']);
      }
      expectValidation(await t.http.post('/v1/customers').set(auth).send({ email: email(), document: { type: 'LE', number: '12345678' } }), ['document.type']);
      expectValidation(await t.http.post('/v1/customers').set(auth).send({ email: email(), document: { type: 'DNI' } }), ['document.number']);
    });

    it('requires a RUC and a business name for factura', async () => {
      expectValidation(
        await t.http
          .post('/v1/customers')
          .set(auth)
          .send({ email: email(), document: { type: 'DNI', number: '45678912' }, billing: { invoice_type: 'factura', business_name: 'X SAC' } }),
        ['billing.invoice_type'],
      );
      expectValidation(
        await t.http.post('/v1/customers').set(auth).send({ email: email(), document: { type: 'RUC', number: '20131312955' }, billing: { invoice_type: 'factura' } }),
        ['billing.business_name'],
      );
      expectValidation(await t.http.post('/v1/customers').set(auth).send({ email: email(), billing: { invoice_type: 'factura' } }), [
        'billing.invoice_type',
        'billing.business_name',
      ]);
    });

    it('rejects bad e-mails, phones, unknown fields and unknown billing fields', async () => {
      expectValidation(await t.http.post('/v1/customers').set(auth).send({ email: 'not-an-email' }), ['email']);
      expectValidation(await t.http.post('/v1/customers').set(auth).send({}), ['email']);
      expectValidation(await t.http.post('/v1/customers').set(auth).send({ email: email(), phone: '98-765' }), ['phone']);
      expectValidation(await t.http.post('/v1/customers').set(auth).send({ email: email(), nickname: 'x' }), ['nickname']);
      expectValidation(await t.http.post('/v1/customers').set(auth).send({ email: email(), billing: { ruc: '20131312955' } }), ['billing.ruc']);
    });

    it('answers a duplicate e-mail (any case) with 409 customer_email_taken', async () => {
      const first = await create({ email: 'dup@example.com' });
      const res = await t.http.post('/v1/customers').set(auth).send({ email: 'DUP@Example.COM' });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'customer_email_taken', param: 'email' });
      expect(res.body.detail).toContain(first.id);
    });
  });

  describe('GET /v1/customers', () => {
    it('finds a customer by e-mail case-insensitively', async () => {
      const c = await create({ email: 'Lookup.Me@Example.com' });
      await create({ email: 'other.lookup@example.com' });
      for (const q of ['lookup.me@example.com', 'LOOKUP.ME@EXAMPLE.COM', 'Lookup.Me@Example.com']) {
        const res = await t.http.get('/v1/customers').query({ email: q }).set(auth);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
        expect(res.body.data.map((x: { id: string }) => x.id)).toEqual([c.id]);
      }
      const none = await t.http.get('/v1/customers').query({ email: 'nobody@example.com' }).set(auth);
      expect(none.body.data).toEqual([]);
    });

    it('lists newest first with cursor pagination', async () => {
      const key = bearer((await t.newTenant()).apiKey);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await create({ email: email('page') }, key)).id);
      const first = await t.http.get('/v1/customers?limit=3').set(key);
      expect(first.body.data.map((x: { id: string }) => x.id)).toEqual(ids.slice(2).reverse());
      expect(first.body.has_more).toBe(true);
      const second = await t.http.get(`/v1/customers?limit=3&cursor=${first.body.next_cursor}`).set(key);
      expect(second.body.data.map((x: { id: string }) => x.id)).toEqual(ids.slice(0, 2).reverse());
      expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
      expect((await t.http.get('/v1/customers?cursor=xyz').set(key)).body).toMatchObject({ code: 'validation_error', param: 'cursor' });
      expect((await t.http.get('/v1/customers?phone=1').set(key)).body).toMatchObject({ code: 'validation_error', param: 'phone' });
    });

    it('answers malformed and unknown ids with 404', async () => {
      for (const id of ['nope', newId('customer'), newId('order')]) {
        const res = await t.http.get(`/v1/customers/${id}`).set(auth);
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('resource_not_found');
      }
    });
  });

  describe('PATCH /v1/customers/{id}', () => {
    it('changes only the fields sent and merges billing field by field', async () => {
      const c = await create({
        email: email(),
        name: 'Ana',
        phone: '+51987654321',
        billing: { invoice_type: 'boleta', address: 'Jr. Cusco 1, Lima' },
        metadata: { a: '1' },
      });
      const res = await t.http.patch(`/v1/customers/${c.id}`).set(auth).send({ billing: { invoice_email: 'boletas@example.com' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: c.id,
        name: 'Ana',
        phone: '+51987654321',
        billing: { invoice_type: 'boleta', business_name: null, address: 'Jr. Cusco 1, Lima', invoice_email: 'boletas@example.com' },
        metadata: { a: '1' },
      });
      expect(res.body.created_at).toBe(c.created_at);
      expect(Date.parse(res.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(c.updated_at as string));
      expect((await t.http.get(`/v1/customers/${c.id}`).set(auth)).body).toEqual(res.body);

      const cleared = await t.http.patch(`/v1/customers/${c.id}`).set(auth).send({ billing: { address: null } });
      expect(cleared.body.billing).toEqual({ invoice_type: 'boleta', business_name: null, address: null, invoice_email: 'boletas@example.com' });
    });

    it('clears name, phone and document with null', async () => {
      const c = await create({ email: email(), name: 'Luis', phone: '987654321', document: { type: 'DNI', number: '45678912' } });
      const res = await t.http.patch(`/v1/customers/${c.id}`).set(auth).send({ name: null, phone: null, document: null });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: null, phone: null, document: null, email: c.email });
      expect((await t.http.get(`/v1/customers/${c.id}`).set(auth)).body).toMatchObject({ name: null, phone: null, document: null });
    });

    it('refuses a change that would leave a factura customer invalid, changing nothing', async () => {
      const c = await create({
        email: email(),
        document: { type: 'RUC', number: '20100047218' },
        billing: { invoice_type: 'factura', business_name: 'Banco S.A.A.' },
      });
      const patch = (body: object) => t.http.patch(`/v1/customers/${c.id}`).set(auth).send(body);
      expectValidation(await patch({ document: { type: 'DNI', number: '45678912' } }), ['billing.invoice_type']);
      expectValidation(await patch({ document: null }), ['billing.invoice_type']);
      expectValidation(await patch({ billing: { business_name: null } }), ['billing.business_name']);
      expectValidation(await patch({ document: { type: 'RUC', number: '20100047219' } }), ['document.number']);
      expect((await t.http.get(`/v1/customers/${c.id}`).set(auth)).body).toEqual(c);

      // Switching to boleta first makes the same document change valid.
      const ok = await patch({ document: { type: 'DNI', number: '45678912' }, billing: { invoice_type: 'boleta' } });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ document: { type: 'DNI', number: '45678912' }, billing: { invoice_type: 'boleta', business_name: 'Banco S.A.A.' } });
    });

    it('turns a RUC customer into a factura customer once a business name is given', async () => {
      const c = await create({ email: email(), document: { type: 'RUC', number: '10456789124' } });
      expectValidation(await t.http.patch(`/v1/customers/${c.id}`).set(auth).send({ billing: { invoice_type: 'factura' } }), ['billing.business_name']);
      const ok = await t.http
        .patch(`/v1/customers/${c.id}`)
        .set(auth)
        .send({ billing: { invoice_type: 'factura', business_name: 'Quispe Servicios E.I.R.L.' } });
      expect(ok.status).toBe(200);
      expect(ok.body.billing).toMatchObject({ invoice_type: 'factura', business_name: 'Quispe Servicios E.I.R.L.' });
    });

    it('changes the e-mail, refusing one another customer has (any case)', async () => {
      const a = await create({ email: email('a') });
      const b = await create({ email: email('b') });
      const taken = await t.http.patch(`/v1/customers/${b.id}`).set(auth).send({ email: (a.email as string).toUpperCase() });
      expect(taken.status).toBe(409);
      expect(taken.body).toMatchObject({ code: 'customer_email_taken', param: 'email' });
      expect((await t.http.get(`/v1/customers/${b.id}`).set(auth)).body.email).toBe(b.email);

      // Changing only the case of one's own e-mail is fine, and lookups follow the new address.
      const own = await t.http.patch(`/v1/customers/${b.id}`).set(auth).send({ email: 'Renamed.B@Example.com' });
      expect(own.status).toBe(200);
      const found = await t.http.get('/v1/customers?email=renamed.b@example.com').set(auth);
      expect(found.body.data.map((x: { id: string }) => x.id)).toEqual([b.id]);
    });

    it('answers 404 for unknown ids and 400 for unknown fields', async () => {
      expect((await t.http.patch(`/v1/customers/${newId('customer')}`).set(auth).send({ name: 'x' })).body.code).toBe('resource_not_found');
      const c = await create({ email: email() });
      expectValidation(await t.http.patch(`/v1/customers/${c.id}`).set(auth).send({ id: 'cus_x' }), ['id']);
    });
  });

  describe('GET /v1/customers/{id}/orders', () => {
    it("lists only that customer's orders, newest first, paginated", async () => {
      const c = await create({ email: email('hist') });
      const other = await create({ email: email('hist') });
      const mine: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await t.http.post('/v1/orders').set(auth).send({ amount: 1000 + i, currency: 'PEN', customer_id: c.id });
        expect(res.status).toBe(201);
        mine.push(res.body.id);
        await t.http.post('/v1/orders').set(auth).send({ amount: 1, currency: 'PEN', customer_id: other.id });
      }
      await t.http.post('/v1/orders').set(auth).send({ amount: 1, currency: 'PEN' });

      const res = await t.http.get(`/v1/customers/${c.id}/orders`).set(auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
      expect(res.body.data.map((o: { id: string }) => o.id)).toEqual([...mine].reverse());
      expect(res.body.data.every((o: { customer_id: string; latest_charge: unknown }) => o.customer_id === c.id && o.latest_charge === null)).toBe(true);

      const page1 = await t.http.get(`/v1/customers/${c.id}/orders?limit=2`).set(auth);
      expect(page1.body.has_more).toBe(true);
      const page2 = await t.http.get(`/v1/customers/${c.id}/orders?limit=2&cursor=${page1.body.next_cursor}`).set(auth);
      expect([...page1.body.data, ...page2.body.data].map((o: { id: string }) => o.id)).toEqual([...mine].reverse());
      expect(page2.body.has_more).toBe(false);
    });

    it('answers 404 for an unknown customer and 400 for bad query parameters', async () => {
      expect((await t.http.get(`/v1/customers/${newId('customer')}/orders`).set(auth)).status).toBe(404);
      expect((await t.http.get('/v1/customers/nope/orders').set(auth)).body.code).toBe('resource_not_found');
      const c = await create({ email: email() });
      expect((await t.http.get(`/v1/customers/${c.id}/orders?status=paid`).set(auth)).body).toMatchObject({ code: 'validation_error', param: 'status' });
      expect((await t.http.get(`/v1/customers/${c.id}/orders?limit=0`).set(auth)).body).toMatchObject({ code: 'validation_error', param: 'limit' });
    });
  });
});
