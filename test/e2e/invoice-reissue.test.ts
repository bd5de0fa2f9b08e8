/**
 * Issuing a rejected document again by hand, once INVOICE_MAX_REISSUES is spent (0 here: no automatic reissue):
 * `POST /v1/invoices/{id}/reissue` issues the corrected document under the next number exactly as the automatic
 * reissue does (accepted by the SUNAT simulator, `invoice.issued`, the customer e-mailed with the new PDF and XML,
 * the critical alert resolved); 409 `invoice_not_reissuable` for an accepted or already replaced document, 404 for
 * an unknown or foreign one; concurrent calls issue one document; Idempotency-Key replays; the dashboard's bridge
 * (audited) and `invoices:reissue` from the command line. Real HTTP, real SOAP, the Postmark sandbox's messages.
 */
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin } from '../support/admin-client';
import { type Client, createOrder, expectProblem, getOrder, listEvents, payWithCulqi } from '../support/charge-fixtures';
import { run, shellEnv } from '../support/child-process';
import { clearSunatOutcomes, documentFiles, forceSunatOutcome, type InvoiceView, listInvoices, waitForAnsweredSale, waitForInvoices, uniqueEmail } from '../support/invoices';
import { postmarkMessages, type SandboxInfo } from '../support/sandbox-client';
import { startSandboxApp } from '../support/sandbox-app';
import { bearer, type TestApp } from '../support/test-app';
import { LOG_DIR, TEST_DB } from '../support/test-env';
import { sleep, until } from '../support/wait';

const ENV = {
  SANDBOX_SUNAT_SCHEMA_VALIDATION: 'on',
  JOBS_POLL_INTERVAL: '50ms',
  EVENTS_DISPATCH_INTERVAL: '50ms',
  INVOICE_SUBMIT_RETRY_SCHEDULE: '200ms,200ms,200ms',
  INVOICE_MAX_REISSUES: '0',
  CIRCUIT_BREAKER_THRESHOLD: '1000',
};

/** The built CLI, as `npm run smartpay --` runs it (build dist/ first: `node scripts/build.mjs`). */
const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');


interface AlertView {
  id: string;
  rule: string;
  severity: string;
  status: string;
  resolved_by: string | null;
  data: { invoice_id?: string };
}

describe('issuing a rejected document again by hand', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;

  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp(ENV));
  });
  afterEach(async () => clearSunatOutcomes(info));
  afterAll(async () => t.close());

  const reissue = (id: string, key = c.key, headers: Record<string, string> = {}) => t.http.post(`/v1/invoices/${id}/reissue`).set(bearer(key)).set(headers).send({});

  /** The simulator's next answer is `code` — for the next document sent, not one still on its way from a test before. */
  async function nextSunatAnswer(code: string): Promise<void> {
    await until(() => listInvoices(c, { status: 'issued' }), (l) => l.length === 0, 20_000, 'every document answered');
    await forceSunatOutcome(info, code, 1);
  }

  /** A paid order whose boleta SUNAT rejected, left rejected (no reissue left), after its receipt went out. */
  async function rejectedSale(to = uniqueEmail('ana')): Promise<{ orderId: string; rejected: InvoiceView; to: string }> {
    await nextSunatAnswer('2800');
    const orderId = await createOrder(c, { email: to, amount: 11800 });
    await payWithCulqi(c, info, orderId);
    const [rejected] = await waitForInvoices(c, orderId, (l) => l[0]?.status === 'rejected', 'the boleta rejected');
    await until(() => postmarkMessages(info, { to }), (m) => m.length === 1, 20_000, 'the receipt');
    return { orderId, rejected: rejected!, to };
  }

  async function alertOf(invoiceId: string): Promise<AlertView | undefined> {
    const res = await t.http.get('/v1/alerts').query({ limit: '100' }).set(bearer(c.key));
    return (res.body.data as AlertView[]).find((a) => a.rule === 'invoice_rejected' && a.data.invoice_id === invoiceId);
  }

  /** Every B001 number of the app, ascending. */
  async function boletaNumbers(): Promise<number[]> {
    return (await listInvoices(c, { type: 'boleta' })).filter((i) => i.series === 'B001').map((i) => i.number).sort((a, b) => a - b);
  }

  it('max reissues spent: the boleta stays rejected with a critical alert; the reissue issues it under the next number, accepted, e-mailed, the alert resolved', async () => {
    const { orderId, rejected, to } = await rejectedSale();
    await sleep(500);
    expect(await listInvoices(c, { order_id: orderId })).toHaveLength(1);
    expect(await alertOf(rejected.id)).toMatchObject({ severity: 'critical', status: 'open' });
    const before = await boletaNumbers();

    const res = await reissue(rejected.id);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const issued = res.body as InvoiceView & { object: string };
    expect(issued).toMatchObject({ object: 'invoice', type: 'boleta', series: 'B001', status: 'issued', order_id: orderId, replaces_invoice_id: rejected.id, total: 11800 });
    expect(issued.number).toBe(before[before.length - 1]! + 1);

    const accepted = await waitForAnsweredSale(c, orderId);
    expect(accepted).toMatchObject({ id: issued.id, status: 'accepted', sunat: { code: '0' } });
    expect((await getOrder(c, orderId)).invoice_id).toBe(issued.id);
    expect(await boletaNumbers()).toEqual([...before, issued.number]);
    expect((await listEvents(c, 'invoice.issued')).filter((e) => e.data.id === issued.id)).toHaveLength(1);

    const messages = await until(() => postmarkMessages(info, { to }), (m) => m.length === 2, 20_000, 'the replacement e-mail');
    const notice = messages.find((m) => m.Tag === 'invoice_replaced')!;
    expect(notice.Subject).toContain(`${rejected.full_number} fue reemplazada por ${issued.full_number}`);
    expect(notice.Attachments.map((a) => a.Name).sort()).toEqual(documentFiles(issued).sort());
    expect(await alertOf(rejected.id)).toMatchObject({ status: 'resolved', resolved_by: 'system' });
  });

  it('409 invoice_not_reissuable for an accepted document and for one already replaced (naming its replacement); 404 for an unknown id and for another app’s', async () => {
    const orderId = await createOrder(c, { email: uniqueEmail('ok'), amount: 11800 });
    await payWithCulqi(c, info, orderId);
    const accepted = await waitForAnsweredSale(c, orderId);
    const refused = await reissue(accepted.id);
    expectProblem(refused, 409, 'invoice_not_reissuable');
    expect(refused.body.detail).toContain(`${accepted.full_number} is accepted`);

    const { rejected } = await rejectedSale();
    const first = await reissue(rejected.id);
    expect(first.status).toBe(201);
    const again = await reissue(rejected.id);
    expectProblem(again, 409, 'invoice_not_reissuable');
    expect(again.body.detail).toBe(`${rejected.full_number} was already replaced by ${first.body.full_number} (${first.body.id})`);

    expectProblem(await reissue('inv_01M00000000000000000000000'), 404, 'resource_not_found');
    const other = await t.newTenant('Other');
    expectProblem(await reissue(rejected.id, other.apiKey), 404, 'resource_not_found');
  });

  it('five concurrent reissue calls for one document issue exactly one, under the next number; the others answer 409 naming it', async () => {
    const { orderId, rejected } = await rejectedSale();
    const before = await boletaNumbers();
    const answers = await Promise.all(Array.from({ length: 5 }, () => reissue(rejected.id)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const created = answers.find((a) => a.status === 201)!.body as InvoiceView;
    for (const loser of answers.filter((a) => a.status === 409)) {
      expect(loser.body.code).toBe('invoice_not_reissuable');
      expect(loser.body.detail).toContain(`already replaced by ${created.full_number}`);
    }
    expect(created.number).toBe(before[before.length - 1]! + 1);
    const docs = await listInvoices(c, { order_id: orderId });
    expect(docs.map((d) => d.id).sort()).toEqual([rejected.id, created.id].sort());
    expect(await boletaNumbers()).toEqual([...before, created.number]);
  });

  it('with an Idempotency-Key, the same request again replays the stored 201 and issues nothing more', async () => {
    const { orderId, rejected } = await rejectedSale();
    const key = `reissue-${rejected.id}`;
    const first = await reissue(rejected.id, c.key, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    const replay = await reissue(rejected.id, c.key, { 'Idempotency-Key': key });
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await listInvoices(c, { order_id: orderId })).toHaveLength(2);
  });

  it('a rejected credit note is issued again as a credit note referencing the sale document', async () => {
    const orderId = await createOrder(c, { email: uniqueEmail('note'), amount: 11800 });
    await payWithCulqi(c, info, orderId);
    const boleta = await waitForAnsweredSale(c, orderId);
    await nextSunatAnswer('2800');
    expect((await t.http.post('/v1/refunds').set(bearer(c.key)).send({ order_id: orderId, amount: 5000 })).status).toBe(201);
    const [note] = (await waitForInvoices(c, orderId, (l) => l.some((i) => i.type === 'credit_note' && i.status === 'rejected'), 'the note rejected')).filter((i) => i.type === 'credit_note');
    const res = await reissue(note!.id);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ type: 'credit_note', series: 'BC01', total: 5000, reference_invoice_id: boleta.id, replaces_invoice_id: note!.id });
    const docs = await waitForInvoices(c, orderId, (l) => l.some((i) => i.id === res.body.id && i.status === 'accepted'), 'the new note accepted');
    expect(docs.filter((i) => i.type === 'credit_note').map((i) => i.status)).toEqual(['rejected', 'accepted']);
  });

  it('the dashboard: an admin reissues through the /v1 bridge and the audit log records it; a viewer may not', async () => {
    const { rejected } = await rejectedSale();
    const path = `/admin/api/apps/${t.appId}/v1/invoices/${rejected.id}/reissue`;
    const viewer = await signedInAdmin(t, 'viewer');
    const forbidden = await viewer.post(path, {});
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('forbidden');

    const admin = await signedInAdmin(t, 'admin');
    const res = await admin.post(path, {});
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ replaces_invoice_id: rejected.id, status: 'issued' });
    const log = await until(
      () => admin.get('/admin/api/audit-log?limit=20'),
      (r) => r.body.data.some((e: { action: string; status: number | null }) => e.action === 'invoice.reissue' && e.status === 201),
      5_000,
      'the audit entry completed',
    );
    expect(log.body.data.find((e: { action: string }) => e.action === 'invoice.reissue')).toMatchObject({ admin_email: admin.email, method: 'POST', app_id: t.appId, target_id: rejected.id, status: 201, path });
  });

  it('invoices:reissue <id> on the command line issues it through the running workers and prints the new document; it refuses one already replaced', async () => {
    const { orderId, rejected } = await rejectedSale();
    const cli = (args: string[]) =>
      run(process.execPath, [CLI, ...args], { cwd: ROOT, env: shellEnv({ DATABASE_URL: t.database.url, LOG_LEVEL: 'info', LOG_FILE: join(LOG_DIR, `${TEST_DB}-cli-${process.pid}.log`) }), timeoutMs: 60_000 });
    const out = await cli(['invoices:reissue', rejected.id]);
    expect(out.code, out.stderr).toBe(0);
    const printed = JSON.parse(out.stdout) as InvoiceView & { object: string };
    expect(printed).toMatchObject({ object: 'invoice', type: 'boleta', series: 'B001', order_id: orderId, replaces_invoice_id: rejected.id });
    expect(printed.number).toBeGreaterThan(rejected.number);
    const accepted = await waitForAnsweredSale(c, orderId);
    expect(accepted.id).toBe(printed.id);

    const again = await cli(['invoices:reissue', rejected.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${rejected.full_number} was already replaced by ${printed.full_number}`);
    const unknown = await cli(['invoices:reissue', 'inv_01M00000000000000000000000']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no invoice with id inv_01M00000000000000000000000');
  });
});
