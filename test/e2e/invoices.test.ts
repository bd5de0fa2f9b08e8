/**
 * Issue 11 — SUNAT electronic invoices end to end: a paid order gets exactly one boleta or factura, numbered in its
 * series, signed, accepted by the SUNAT simulator over real SOAP, with the receipt e-mail carrying its PDF; refunds
 * get credit notes; SUNAT's rejection, observation and exception paths; several instances number without gaps.
 * Through the real HTTP API and the in-process sandboxes, on SQLite and MariaDB/MySQL.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBase62 } from '../../src/common/secrets';
import { SqlRunner } from '../../src/database/sql-runner';
import { InvoiceIssuer } from '../../src/invoices/invoice-issuer';
import { validateUbl } from '../../src/invoices/ubl/ubl-schema';
import { verifyUblSignature } from '../../src/invoices/ubl/ubl-signer';
import { type Client, createOrder, getOrder, payWithCulqi } from '../support/charge-fixtures';
import { createCustomer } from '../support/credits';
import {
  clearSunatOutcomes,
  createFacturaCustomer,
  forceSunatOutcome,
  type InvoiceView,
  listInvoices,
  sunatDocuments,
  waitForAnsweredSale,
  waitForInvoices,
} from '../support/invoices';
import { postmarkMessages, type SandboxInfo } from '../support/sandbox-client';
import { startSandboxApp } from '../support/sandbox-app';
import { bearer, startTestApp, type TestApp } from '../support/test-app';
import { TEST_DB } from '../support/test-env';
import { postCulqiChargeSucceeded } from '../support/culqi-webhooks';
import { until } from '../support/wait';

const CULQI_USER = 'culqi-hooks';
const CULQI_PASSWORD = randomBase62(24);

const ENV = {
  CULQI_WEBHOOK_USER: CULQI_USER,
  CULQI_WEBHOOK_PASSWORD: CULQI_PASSWORD,
  // The simulator checks every document against the UBL 2.1 XSDs, as SUNAT does (off by default in the tests).
  SANDBOX_SUNAT_SCHEMA_VALIDATION: 'on',
  JOBS_POLL_INTERVAL: '50ms',
  INVOICE_SUBMIT_RETRY_SCHEDULE: '200ms,200ms,200ms',
  CIRCUIT_BREAKER_THRESHOLD: '1000',
};

async function paidOrder(c: Client, info: SandboxInfo, opts: { customerId?: string; amount?: number; email?: string } = {}): Promise<string> {
  const orderId = await createOrder(c, opts);
  await payWithCulqi(c, info, orderId);
  return orderId;
}

async function refund(c: Client, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await c.t.http.post('/v1/refunds').set(bearer(c.key)).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Record<string, unknown>;
}

describe('SUNAT invoices', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;

  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp(ENV));
  });
  afterEach(async () => clearSunatOutcomes(info));
  afterAll(async () => t.close());

  it('a paid order gets one boleta, accepted by SUNAT, schema-valid and signed; the receipt carries its PDF and XML', async () => {
    const email = `boleta.${Date.now()}@example.com`;
    const orderId = await paidOrder(c, info, { email, amount: 11800 });
    const boleta = await waitForAnsweredSale(c, orderId);
    expect(boleta).toMatchObject({ type: 'boleta', type_code: '03', series: 'B001', status: 'accepted', currency: 'PEN', subtotal: 10000, igv: 1800, total: 11800 });
    expect(boleta.full_number).toBe(`B001-${String(boleta.number).padStart(8, '0')}`);
    expect(boleta.sunat).toMatchObject({ code: '0' });
    expect((await getOrder(c, orderId)).invoice_id).toBe(boleta.id);

    const xml = await c.t.http.get(`/v1/invoices/${boleta.id}/xml`).set(bearer(c.key));
    expect(xml.status).toBe(200);
    expect(xml.headers['content-type']).toMatch(/application\/xml/);
    const validation = await validateUbl(xml.text, 'Invoice');
    expect(validation.errors).toEqual([]);
    const signature = verifyUblSignature(xml.text);
    expect(signature.valid, signature.errors.join('; ')).toBe(true);
    expect(xml.text).toContain(boleta.hash);

    const pdf = await c.t.http.get(`/v1/invoices/${boleta.id}/pdf`).set(bearer(c.key)).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (b: Buffer) => chunks.push(b));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');

    const [receipt] = await until(() => postmarkMessages(info, { to: email }), (m) => m.length > 0, 20_000, 'the receipt');
    expect(receipt!.Attachments.map((a) => a.Name).sort()).toEqual([`20000000001-03-B001-${boleta.number}.pdf`, `20000000001-03-B001-${boleta.number}.xml`]);
    expect(receipt!.TextBody).toContain(boleta.full_number);
    // One receipt, also after the invoice is accepted.
    expect(await postmarkMessages(info, { to: email })).toHaveLength(1);

    const events = await c.t.http.get('/v1/events').query({ limit: '100' }).set(bearer(c.key));
    const mine = (events.body.data as { type: string; data: { id?: string } }[]).filter((e) => e.data.id === boleta.id).map((e) => e.type);
    expect(mine.sort()).toEqual(['invoice.accepted', 'invoice.issued']);
  });

  it('a buyer who asks for facturas with a valid RUC gets a factura F001', async () => {
    const customerId = await createFacturaCustomer(c);
    const orderId = await paidOrder(c, info, { customerId, amount: 23600 });
    const factura = await waitForAnsweredSale(c, orderId);
    expect(factura).toMatchObject({ type: 'factura', type_code: '01', series: 'F001', status: 'accepted', subtotal: 20000, igv: 3600, total: 23600 });
    expect(factura.customer).toEqual({ document_type: 'RUC', document_number: '20100070970', name: 'SUPERMERCADOS PERUANOS S.A.' });
  });

  it('the issuing job running again, even concurrently, issues no second document', async () => {
    const orderId = await paidOrder(c, info);
    const first = await waitForAnsweredSale(c, orderId);
    const issuer = t.app.get(InvoiceIssuer);
    const again = await Promise.all([issuer.issueForOrder(orderId), issuer.issueForOrder(orderId), issuer.issueForOrder(orderId)]);
    expect(again.map((i) => i?.id)).toEqual([first.id, first.id, first.id]);
    expect(await listInvoices(c, { order_id: orderId })).toHaveLength(1);
  });

  it('a run that dies between taking the number and signing leaves it to the retried job: same number, no gap, not shown meanwhile', async () => {
    const issuer = t.app.get(InvoiceIssuer);
    const sql = t.app.get(SqlRunner);
    // This order's signing step fails as a crash would (the job is not completed, so the queue runs it again);
    // until the test says so, the retries fail too, so the half-issued row can be looked at.
    const orderId = await createOrder(c);
    let crash = true;
    type Finish = (issuer: unknown, numbered: { orderId: string }, links: unknown) => Promise<unknown>;
    const target = issuer as unknown as { finish: Finish };
    const finish = target.finish.bind(issuer);
    const spy = vi.spyOn(target, 'finish').mockImplementation(async (...args) => {
      if (crash && args[1].orderId === orderId) throw new Error('killed between the two steps');
      return finish(...args);
    });
    try {
      await payWithCulqi(c, info, orderId);
      const [row] = await until(
        () => sql.all<{ id: string; status: string; number: number; xml: string }>('select id, status, number, xml from invoices where order_id = ?', [orderId]),
        (rows) => rows.length === 1,
        10_000,
        'the numbered row',
      );
      expect(row).toMatchObject({ status: 'numbered', xml: '' });
      // Not a document yet: not listed, not found, and the order does not point at it.
      expect(await listInvoices(c, { order_id: orderId })).toEqual([]);
      expect((await c.t.http.get(`/v1/invoices/${row!.id}`).set(bearer(c.key))).status).toBe(404);
      expect((await getOrder(c, orderId)).invoice_id ?? null).toBeNull();
      // The next number goes to the next order: this one keeps its number.
      const next = await paidOrder(c, info);
      const nextDoc = await waitForAnsweredSale(c, next);
      expect(nextDoc.number).toBe(row!.number + 1);

      crash = false;
      const doc = await waitForAnsweredSale(c, orderId);
      expect(doc).toMatchObject({ id: row!.id, number: row!.number, series: 'B001', status: 'accepted' });
      expect(verifyUblSignature((await c.t.http.get(`/v1/invoices/${doc.id}/xml`).set(bearer(c.key))).text).valid).toBe(true);
      expect((await getOrder(c, orderId)).invoice_id).toBe(doc.id);
      expect(await sql.all('select id from invoices where order_id = ?', [orderId])).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('ten duplicated Culqi webhooks of the payment, racing ten runs of the issuing job, issue one boleta', async () => {
    const orderId = await createOrder(c);
    const paid = await payWithCulqi(c, info, orderId);
    const webhook = () => postCulqiChargeSucceeded(t, { user: CULQI_USER, password: CULQI_PASSWORD }, paid.gateway_charge_id as string);
    const issuer = t.app.get(InvoiceIssuer);
    const answers = await Promise.all([...Array.from({ length: 10 }, webhook), ...Array.from({ length: 10 }, () => issuer.issueForOrder(orderId))]);
    for (const a of answers.slice(0, 10)) expect((a as Response).status).toBe(200);
    const ids = new Set(answers.slice(10).map((i) => (i as { id: string } | null)?.id));
    expect(ids.size).toBe(1);
    await waitForAnsweredSale(c, orderId);
    // Let every queued job finish, then look again: one document, one order.paid, one receipt.
    await new Promise((r) => setTimeout(r, 500));
    const docs = await listInvoices(c, { order_id: orderId });
    expect(docs).toHaveLength(1);
    expect(ids.has(docs[0]!.id)).toBe(true);
    expect((await getOrder(c, orderId)).invoice_id).toBe(docs[0]!.id);
  });

  it('a full refund issues one credit note repeating the lines; a partial refund one for the part', async () => {
    const full = await paidOrder(c, info, { amount: 11800 });
    const boleta = await waitForAnsweredSale(c, full);
    await refund(c, { order_id: full });
    const [, note] = await waitForInvoices(c, full, (l) => l.some((i) => i.type === 'credit_note' && i.status === 'accepted'));
    expect(note).toMatchObject({ type: 'credit_note', type_code: '07', series: 'BC01', total: 11800, reference_invoice_id: boleta.id, credit_note_reason: { code: '01' } });
    expect(note!.lines).toEqual(boleta.lines);
    const noteXml = await c.t.http.get(`/v1/invoices/${note!.id}/xml`).set(bearer(c.key));
    expect((await validateUbl(noteXml.text, 'CreditNote')).errors).toEqual([]);
    expect(noteXml.text).toContain(`B001-${boleta.number}`);

    const customerId = await createFacturaCustomer(c);
    const partial = await paidOrder(c, info, { customerId, amount: 50000 });
    const factura = await waitForAnsweredSale(c, partial);
    await refund(c, { order_id: partial, amount: 12345 });
    const notes = (await waitForInvoices(c, partial, (l) => l.some((i) => i.type === 'credit_note' && i.status === 'accepted'))).filter((i) => i.type === 'credit_note');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ series: 'FC01', total: 12345, reference_invoice_id: factura.id, credit_note_reason: { code: '09' } });
    expect(notes[0]!.subtotal + notes[0]!.igv).toBe(12345);
  });

  it('a rejected document burns its number; a corrected one is issued under the next and accepted; an alert says so', async () => {
    await forceSunatOutcome(info, '2800', 1);
    const orderId = await paidOrder(c, info);
    const docs = await waitForInvoices(c, orderId, (l) => l.some((i) => i.status === 'accepted'), 'the replacement accepted');
    const [rejected, replacement] = docs;
    expect(rejected).toMatchObject({ status: 'rejected', sunat: { code: '2800' } });
    expect(replacement).toMatchObject({ status: 'accepted', series: rejected!.series, replaces_invoice_id: rejected!.id });
    expect(replacement!.number).toBeGreaterThan(rejected!.number);
    expect((await getOrder(c, orderId)).invoice_id).toBe(replacement!.id);
    const alerts = await c.t.http.get('/v1/alerts').set(bearer(c.key));
    expect((alerts.body.data as { rule: string; data: { invoice_id: string } }[]).some((a) => a.rule === 'invoice_rejected' && a.data.invoice_id === rejected!.id)).toBe(true);
  });

  it('an observation (4xxx) is accepted with the observation stored', async () => {
    await forceSunatOutcome(info, '4287', 1);
    const orderId = await paidOrder(c, info);
    const doc = await waitForAnsweredSale(c, orderId);
    expect(doc.status).toBe('accepted_with_observations');
    expect(doc.sunat!.observations.map((o) => o.code)).toContain('4287');
  });

  it('an exception (SOAP fault 0100–1999) resends the same document, which is then accepted under the same number', async () => {
    await forceSunatOutcome(info, '0130', 1);
    const orderId = await paidOrder(c, info);
    const doc = await waitForAnsweredSale(c, orderId);
    expect(doc.status).toBe('accepted');
    const received = (await sunatDocuments(info)).filter((d) => d.series === doc.series && Number(d.number) === doc.number);
    expect(received.length).toBeGreaterThanOrEqual(1);
    expect(await listInvoices(c, { order_id: orderId })).toHaveLength(1);
  });

  it('a document SUNAT never takes is resent the same on the whole schedule, then marked error with an invoice_stuck alert', async () => {
    // The first send and one resend per entry of INVOICE_SUBMIT_RETRY_SCHEDULE (3): four faults exhaust it.
    await forceSunatOutcome(info, '0100', 4);
    const orderId = await paidOrder(c, info);
    const [doc] = await waitForInvoices(c, orderId, (l) => l[0]?.status === 'error', 'the document given up');
    expect(doc).toMatchObject({ status: 'error', sunat: { code: '0100' } });
    const sends = (await sunatDocuments(info)).filter((d) => d.series === doc!.series && Number(d.number) === doc!.number);
    expect(sends.map((d) => d.code)).toEqual(['0100', '0100', '0100', '0100']);
    const alerts = await until(
      async () => (await c.t.http.get('/v1/alerts').set(bearer(c.key))).body.data as { rule: string; severity: string; data: { invoice_id: string; attempts: number } }[],
      (l) => l.some((a) => a.rule === 'invoice_stuck' && a.data.invoice_id === doc!.id),
      10_000,
      'the invoice_stuck alert',
    );
    expect(alerts.find((a) => a.rule === 'invoice_stuck' && a.data.invoice_id === doc!.id)).toMatchObject({ severity: 'critical', data: { attempts: 4 } });
    // Given up means given up: nothing more is sent, and no other document is issued for the sale.
    await new Promise((r) => setTimeout(r, 600));
    expect((await sunatDocuments(info)).filter((d) => d.series === doc!.series && Number(d.number) === doc!.number)).toHaveLength(4);
    expect(await listInvoices(c, { order_id: orderId })).toHaveLength(1);
  });

  it('the list filters by order, type and status; another app sees none of them', async () => {
    const facturas = await listInvoices(c, { type: 'factura' });
    expect(facturas.length).toBeGreaterThan(0);
    expect(facturas.every((i) => i.type === 'factura')).toBe(true);
    const other = await t.newTenant('Other');
    const res = await c.t.http.get('/v1/invoices').set(bearer(other.apiKey));
    expect(res.body.data).toEqual([]);
    const one = await c.t.http.get(`/v1/invoices/${facturas[0]!.id}`).set(bearer(other.apiKey));
    expect(one.status).toBe(404);
  });
});

describe.runIf(TEST_DB === 'mysql')('SUNAT invoices on two instances sharing MariaDB/MySQL', () => {
  let one: TestApp;
  let two: TestApp;

  beforeAll(async () => {
    one = await startTestApp(ENV);
    two = await startTestApp(ENV, { sameDatabaseAs: one });
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  it('200 orders paid concurrently over both instances are numbered 1..200 in their series: no gap, no duplicate', async () => {
    const sides = await Promise.all([one, two].map((app) => startSandboxAppFor(app)));
    const customer = await createCustomer(sides[0]!.c);
    const orders = await Promise.all(Array.from({ length: 200 }, (_, i) => paidOrder(sides[i % 2]!.c, sides[i % 2]!.info, { customerId: customer })));
    const numbers = await until(() => invoiceNumbers(one), (n) => n.length >= 200, 150_000, '200 boletas');
    expect(numbers).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const c1 = sides[0]!.c;
    const invoiced = await Promise.all(orders.map(async (orderId) => (await getOrder(c1, orderId)).invoice_id));
    expect(new Set(invoiced).size).toBe(200);
    expect(invoiced.every((id) => typeof id === 'string' && id.startsWith('inv_'))).toBe(true);
  }, 240_000);
});

async function startSandboxAppFor(t: TestApp): Promise<{ c: Client; info: SandboxInfo }> {
  const res = await t.http.get('/v1/sandbox').set(bearer(t.apiKey));
  return { c: { t, key: t.apiKey }, info: res.body as SandboxInfo };
}

/** Every B001 number issued, sorted, read from the database through the API's list (all pages). */
async function invoiceNumbers(t: TestApp): Promise<number[]> {
  const numbers: number[] = [];
  let cursor: string | undefined;
  for (;;) {
    const res = await t.http.get('/v1/invoices').query({ limit: '100', type: 'boleta', ...(cursor ? { cursor } : {}) }).set(bearer(t.apiKey));
    const page = res.body as { data: InvoiceView[]; has_more: boolean; next_cursor?: string | null };
    numbers.push(...page.data.filter((i) => i.series === 'B001').map((i) => i.number));
    if (!page.has_more || page.data.length === 0) break;
    cursor = page.next_cursor ?? page.data[page.data.length - 1]!.id;
  }
  return numbers.sort((a, b) => a - b);
}
