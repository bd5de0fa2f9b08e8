/**
 * Issue 11 — the daily summary (resumen diario) of an issuer configured with `boletas: daily_summary`: boletas and
 * their credit notes are issued as usual but not sent one by one; the day after, one RC per issuer and day (split at
 * INVOICE_SUMMARY_MAX_LINES) goes with sendSummary, SUNAT's ticket is polled through 98 to its CDR, and that answer
 * decides every document in it — acceptance, rejection (numbers burned, corrected documents reissued into the next
 * summary) and exceptions (the same summary resent). Facturas still go with sendBill. Real HTTP, real SOAP to the
 * in-process SUNAT simulator with the SummaryDocuments XSD check on, SQLite and MariaDB/MySQL.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqlRunner } from '../../src/database/sql-runner';
import { DailySummaries } from '../../src/invoices/summary/daily-summaries';
import { generateDemoCredentials } from '../../src/invoices/ubl/signing-credentials';
import { validateUbl } from '../../src/invoices/ubl/ubl-schema';
import { verifyUblSignature } from '../../src/invoices/ubl/ubl-signer';
import { type Client, createOrder, payWithCulqi } from '../support/charge-fixtures';
import { clearSunatOutcomes, createFacturaCustomer, forceSunatOutcome, type InvoiceView, listInvoices, sunatDocuments, waitForAnsweredSale, waitForInvoices } from '../support/invoices';
import type { SandboxInfo } from '../support/sandbox-client';
import { startSandboxApp } from '../support/sandbox-app';
import { bearer, type TestApp } from '../support/test-app';
import { until } from '../support/wait';

const RUC = '20000000001';
const DAY = 86_400_000;

function issuerEnv(): Record<string, string> {
  const signing = generateDemoCredentials({ ruc: RUC, legalName: 'SMARTPAY RESUMENES S.A.C.', validDays: 30 });
  const pemFile = join(mkdtempSync(join(tmpdir(), 'smartpay-rc-')), 'cpe.pem');
  writeFileSync(pemFile, `${signing.privateKeyPem}\n${signing.certificatePem}`);
  return {
    SUNAT_ISSUERS: JSON.stringify([
      {
        app: '*',
        ruc: RUC,
        legal_name: 'SMARTPAY RESUMENES S.A.C.',
        address: { line: 'AV. JAVIER PRADO ESTE 123', district: 'SAN ISIDRO', province: 'LIMA', department: 'LIMA', ubigeo: '150131' },
        certificate: { pem_file: pemFile },
        sol_user: 'MODDATOS',
        sol_password: 'moddatos',
        boletas: 'daily_summary',
      },
    ]),
    SANDBOX_SUNAT_SCHEMA_VALIDATION: 'on',
    JOBS_POLL_INTERVAL: '50ms',
    INVOICE_SUBMIT_RETRY_SCHEDULE: '200ms,200ms,200ms',
    INVOICE_SUMMARY_POLL_SCHEDULE: '100ms,100ms,100ms,100ms',
    INVOICE_SUMMARY_MAX_LINES: '3',
    CIRCUIT_BREAKER_THRESHOLD: '1000',
  };
}

interface SummaryRow {
  id: string;
  document_id: string;
  reference_date: string;
  issue_date: string;
  line_count: number | string;
  status: string;
  xml: string;
  ticket: string | null;
}

describe('SUNAT daily summaries (boletas: daily_summary)', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  let summaries: DailySummaries;
  /** Each test summarises "the next day" of a different day, so summary counters do not carry over. */
  let day = 0;
  const nextDay = (): Date => new Date(Date.now() + ++day * DAY);
  const limaDate = (at: Date): string => new Date(at.getTime() - 5 * 3_600_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp(issuerEnv()));
    summaries = t.app.get(DailySummaries);
  });
  afterEach(async () => clearSunatOutcomes(info));
  afterAll(async () => t.close());

  async function paidBoleta(amount = 11800): Promise<InvoiceView> {
    const orderId = await createOrder(c, { amount });
    await payWithCulqi(c, info, orderId);
    const [boleta] = await waitForInvoices(c, orderId, (l) => l.length === 1, `the boleta of ${orderId}`);
    return boleta!;
  }

  async function summaryRows(): Promise<SummaryRow[]> {
    return t.app.get(SqlRunner).all<SummaryRow>('select * from invoice_summaries order by created_at, id', []);
  }

  async function invoice(id: string): Promise<InvoiceView> {
    const res = await t.http.get(`/v1/invoices/${id}`).set(bearer(c.key));
    expect(res.status).toBe(200);
    return res.body as InvoiceView;
  }

  const settled = (ids: string[]) => until(() => Promise.all(ids.map(invoice)), (l) => l.every((i) => i.status !== 'issued'), 20_000, `${ids.join(', ')} answered`);

  it('boletas and their notes wait for the summary; the day after one RC carries them, SUNAT accepts it, each document is accepted', async () => {
    const a = await paidBoleta(11800);
    const b = await paidBoleta(5000);
    const refund = await c.t.http.post('/v1/refunds').set(bearer(c.key)).send({ order_id: a.order_id, amount: 1800 });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    const [, note] = await waitForInvoices(c, a.order_id, (l) => l.length === 2, 'the credit note');
    expect(note!).toMatchObject({ type: 'credit_note', series: 'BC01', status: 'issued' });

    // A factura still goes on its own, with sendBill, at once.
    const customerId = await createFacturaCustomer(c);
    const facturaOrder = await createOrder(c, { customerId });
    await payWithCulqi(c, info, facturaOrder);
    expect(await waitForAnsweredSale(c, facturaOrder)).toMatchObject({ type: 'factura', status: 'accepted', summary: null });

    // Nothing of the B family was sent by itself, and today's documents are not summarised today.
    await new Promise((r) => setTimeout(r, 500));
    expect((await sunatDocuments(info)).filter((d) => String(d.file_name).includes('-03-') || String(d.file_name).includes('-07-'))).toEqual([]);
    expect(await summaries.run(new Date())).toEqual([]);
    for (const id of [a.id, b.id, note!.id]) expect(await invoice(id)).toMatchObject({ status: 'issued', summary: null });

    const tomorrow = nextDay();
    const built = await summaries.run(tomorrow);
    expect(built).toHaveLength(1);
    const rc = `RC-${limaDate(tomorrow).replaceAll('-', '')}-1`;
    expect(built[0]).toMatchObject({ documentId: rc, referenceDate: a.issue_date, lineCount: 3 });

    const answered = await settled([a.id, b.id, note!.id]);
    for (const doc of answered) {
      expect(doc).toMatchObject({ status: 'accepted', summary: rc });
      expect(doc.sunat?.code).toBe('0');
      expect(doc.sunat?.description).toContain(rc);
    }
    const [row] = (await summaryRows()).filter((s) => s.document_id === rc);
    expect(row).toMatchObject({ status: 'accepted', issue_date: limaDate(tomorrow), reference_date: a.issue_date });
    expect(row!.ticket).toMatch(/^\d+$/);
    // The summary as sent: schema-valid SummaryDocuments, signed, one line per document.
    expect(await validateUbl(row!.xml, 'SummaryDocuments')).toEqual({ valid: true, errors: [] });
    expect(verifyUblSignature(row!.xml).valid).toBe(true);
    for (const id of ['B001-' + a.number, 'B001-' + b.number, 'BC01-' + note!.number]) expect(row!.xml).toContain(`<cbc:ID>${id}</cbc:ID>`);
    const sent = (await sunatDocuments(info)).filter((d) => d.operation === 'sendSummary');
    expect(sent.map((d) => d.file_name)).toEqual([`${RUC}-${rc}.zip`]);

    // Run again (another instance, the next tick): nothing is waiting, nothing is summarised twice.
    expect(await summaries.run(tomorrow)).toEqual([]);
  });

  it('a day with more documents than INVOICE_SUMMARY_MAX_LINES goes in several summaries; racing runs put each document in exactly one', async () => {
    const docs = await Promise.all(Array.from({ length: 5 }, (_, i) => paidBoleta(1000 + i)));
    const when = nextDay();
    const built = (await Promise.all([summaries.run(when), summaries.run(when), summaries.run(when)])).flat();
    // Whatever a losing run left behind, the next tick takes.
    built.push(...(await summaries.run(when)));
    const lines = built.map((s) => s.lineCount).sort();
    expect(lines.reduce((x, y) => x + y, 0)).toBe(5);
    expect(lines.every((n) => n <= 3)).toBe(true);
    expect(new Set(built.map((s) => s.documentId)).size).toBe(built.length);
    const answered = await settled(docs.map((d) => d.id));
    expect(answered.every((d) => d.status === 'accepted' && built.some((s) => s.documentId === d.summary))).toBe(true);
    for (const s of built) expect(answered.filter((d) => d.summary === s.documentId)).toHaveLength(s.lineCount);
  });

  it('a rejected summary rejects its documents, burns their numbers and reissues them into the next summary; an alert says so', async () => {
    const doc = await paidBoleta(2360);
    await forceSunatOutcome(info, '2800');
    const [first] = await summaries.run(nextDay());
    const [rejected] = await settled([doc.id]);
    expect(rejected).toMatchObject({ status: 'rejected', summary: first!.documentId });
    expect(rejected!.sunat?.code).toBe('2800');
    const list = await waitForInvoices(c, doc.order_id, (l) => l.length === 2, 'the reissued boleta');
    const reissued = list[1]!;
    expect(reissued).toMatchObject({ type: 'boleta', status: 'issued', replaces_invoice_id: doc.id, summary: null });
    expect(reissued.number).toBeGreaterThan(doc.number);
    const alerts = await until(
      async () => ((await t.http.get('/v1/alerts').set(bearer(c.key))).body.data as { rule: string; data: Record<string, unknown> }[]) ?? [],
      (l) => l.some((a) => a.rule === 'invoice_rejected' && a.data.document_id === first!.documentId),
      10_000,
      'the rejected-summary alert',
    );
    expect(alerts.find((a) => a.data.document_id === first!.documentId)!.data).toMatchObject({ documents: 1, reissued: 1, code: '2800' });

    const [second] = await summaries.run(nextDay());
    expect(second!.lineCount).toBe(1);
    const [accepted] = await settled([reissued.id]);
    expect(accepted).toMatchObject({ status: 'accepted', summary: second!.documentId });
  });

  it('an exception on sendSummary resends the same summary (same bytes), which SUNAT then takes and accepts', async () => {
    const doc = await paidBoleta(990);
    await forceSunatOutcome(info, '0100');
    const [summary] = await summaries.run(nextDay());
    const [accepted] = await settled([doc.id]);
    expect(accepted).toMatchObject({ status: 'accepted', summary: summary!.documentId });
    const sends = (await sunatDocuments(info)).filter((d) => d.file_name === `${RUC}-${summary!.documentId}.zip`).reverse();
    expect(sends.map((d) => [d.outcome, d.code])).toEqual([
      ['exception', '0100'],
      ['accepted', '0'],
    ]);
    const [row] = (await summaryRows()).filter((s) => s.id === summary!.id);
    expect(row!.xml).toBe(summary!.xml);
  });

  it('the list shows which summary reported each boleta', async () => {
    const all = await listInvoices(c, { type: 'boleta' });
    expect(all.length).toBeGreaterThan(0);
    for (const i of all) {
      if (i.status === 'accepted') expect(i.summary).toMatch(/^RC-\d{8}-\d+$/);
    }
  });
});
