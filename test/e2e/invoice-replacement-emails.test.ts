/**
 * The customer's side of a document SUNAT rejected and SmartPay replaced: one e-mail says B001-X was replaced by
 * B001-Y and carries Y's PDF and signed XML — once, also when the issuing job runs again — in the customer's language;
 * a receipt still waiting when the replacement is issued carries the replacement instead (one e-mail for the sale),
 * also when its send job had already composed it; a receipt whose send began (Postmark down) counts as sent; a
 * document the customer never got by e-mail (a credit note, receipts switched off) is replaced silently. Through
 * the real HTTP API, the SUNAT simulator over SOAP and the Postmark sandbox's stored messages.
 */
import { MikroORM } from '@mikro-orm/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InvoiceIssuer } from '../../src/invoices/invoice-issuer';
import { EmailComposer } from '../../src/notifications/email-composer';
import { EmailMessage } from '../../src/notifications/email-message.entity';
import { type Client, createOrder, payWithCulqi } from '../support/charge-fixtures';
import { clearSunatOutcomes, documentFiles, forceSunatOutcome, type InvoiceView, waitForAnsweredSale, waitForInvoices, uniqueEmail } from '../support/invoices';
import { clearFault, injectFault, type PostmarkMessage, postmarkMessages, type SandboxInfo } from '../support/sandbox-client';
import { startSandboxApp } from '../support/sandbox-app';
import { bearer, type TestApp } from '../support/test-app';
import { sleep, until } from '../support/wait';

const ENV = {
  SANDBOX_SUNAT_SCHEMA_VALIDATION: 'on',
  JOBS_POLL_INTERVAL: '50ms',
  EVENTS_DISPATCH_INTERVAL: '50ms',
  INVOICE_SUBMIT_RETRY_SCHEDULE: '200ms,200ms,200ms',
  // A send that found Postmark down is retried within the test (the job queue's own backoff when Postmark cannot
  // even be asked whether it has the message). Forty tries (≈ 12 s): the receipt must still be retrying when the
  // test brings Postmark back after the rejection and the replacement, which takes longer on a loaded machine.
  MAIL_RETRY_SCHEDULE: Array.from({ length: 40 }, () => '300ms').join(','),
  JOBS_RETRY_BASE: '100ms',
  JOBS_RETRY_MAX: '500ms',
  CIRCUIT_BREAKER_THRESHOLD: '1000',
};

const names = (m: PostmarkMessage) => m.Attachments.map((a) => a.Name).sort();

describe('the e-mail of a document issued to replace a rejected one', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;

  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp(ENV));
  });
  afterEach(async () => {
    await clearSunatOutcomes(info);
    await clearFault(info, 'sunat');
    await clearFault(info, 'postmark');
  });
  afterAll(async () => t.close());

  const emailsOf = (orderId: string) => t.app.get(MikroORM).em.fork().find(EmailMessage, { orderId }, { orderBy: { id: 'asc' } });

  async function paidOrder(client: Client, opts: { email?: string; customerId?: string }): Promise<string> {
    const orderId = await createOrder(client, { ...opts, amount: 11800 });
    await payWithCulqi(client, info, orderId);
    return orderId;
  }

  /** The order's rejected sale document and the one that replaced it, once the replacement is accepted. */
  async function replacedSale(client: Client, orderId: string): Promise<[InvoiceView, InvoiceView]> {
    const docs = await waitForInvoices(client, orderId, (l) => l.some((i) => i.type !== 'credit_note' && i.status === 'accepted'), 'the replacement accepted');
    const [rejected, replacement] = docs.filter((i) => i.type !== 'credit_note');
    expect(rejected).toMatchObject({ status: 'rejected', sunat: { code: '2800' } });
    expect(replacement).toMatchObject({ status: 'accepted', replaces_invoice_id: rejected!.id, series: rejected!.series });
    return [rejected!, replacement!];
  }

  it('a receipt the customer already got: one e-mail in Spanish says the boleta was replaced and carries the new PDF and XML; the issuing job run again sends nothing more', async () => {
    const to = uniqueEmail('ana');
    // SUNAT takes its time over the first boleta, so the receipt with its PDF goes out before the rejection.
    await injectFault(info, 'sunat', { mode: 'latency', latency_ms: 2500, count: 1 });
    await forceSunatOutcome(info, '2800', 1);
    const orderId = await paidOrder(c, { email: to });
    const [receipt] = await until(() => postmarkMessages(info, { to }), (m) => m.length === 1, 20_000, 'the receipt');
    const [rejected, replacement] = await replacedSale(c, orderId);
    expect(receipt!.Tag).toBe('receipt');
    expect(names(receipt!)).toEqual(documentFiles(rejected).sort());

    const messages = await until(() => postmarkMessages(info, { to }), (m) => m.length === 2, 20_000, 'the replacement e-mail');
    const notice = messages.find((m) => m.Tag === 'invoice_replaced')!;
    expect(notice).toBeDefined();
    expect(notice.Subject).toContain(`Tu boleta de venta ${rejected.full_number} fue reemplazada por ${replacement.full_number}`);
    expect(notice.HtmlBody).toContain('lang="es"');
    expect(notice.TextBody).toContain(`SUNAT rechazó la boleta de venta ${rejected.full_number}`);
    expect(notice.TextBody).toContain('S/ 118.00');
    expect(names(notice)).toEqual(documentFiles(replacement).sort());
    // The XML attached is the signed document exactly as SUNAT received it.
    const xml = await t.http.get(`/v1/invoices/${replacement.id}/xml`).set(bearer(c.key));
    const attachedXml = notice.Attachments.find((a) => a.Name.endsWith('.xml'))!;
    expect(Buffer.from(attachedXml.Content, 'base64').toString('utf8')).toBe(xml.text);
    expect(Buffer.from(notice.Attachments.find((a) => a.Name.endsWith('.pdf'))!.Content, 'base64').subarray(0, 5).toString()).toBe('%PDF-');

    // The replacement's issuing job again, three times at once (a retried job, a lease taken over): no second e-mail.
    const issuer = t.app.get(InvoiceIssuer);
    const again = await Promise.all([1, 2, 3].map(() => issuer.issueForOrder(orderId, { attempt: 2, replaces: rejected.id })));
    expect(again.map((i) => i?.id)).toEqual([replacement.id, replacement.id, replacement.id]);
    await sleep(1_000);
    expect(await postmarkMessages(info, { to })).toHaveLength(2);
    const rows = await emailsOf(orderId);
    expect(rows.map((e) => [e.kind, e.status]).sort()).toEqual([
      ['invoice_replaced', 'sent'],
      ['receipt', 'sent'],
    ]);
    expect(rows.find((e) => e.kind === 'invoice_replaced')!.dedupeKey).toBe(`invoice_replaced:${rejected.id}`);
  });

  it('speaks English to an English customer (a factura)', async () => {
    const to = uniqueEmail('buyer');
    const customer = await t.http
      .post('/v1/customers')
      .set(bearer(c.key))
      .send({ email: to, name: 'Compras', locale: 'en', document: { type: 'RUC', number: '20100070970' }, billing: { invoice_type: 'factura', business_name: 'SUPERMERCADOS PERUANOS S.A.' } });
    expect(customer.status, JSON.stringify(customer.body)).toBe(201);
    await injectFault(info, 'sunat', { mode: 'latency', latency_ms: 2500, count: 1 });
    await forceSunatOutcome(info, '2800', 1);
    const orderId = await paidOrder(c, { customerId: customer.body.id as string });
    await until(() => postmarkMessages(info, { to }), (m) => m.length === 1, 20_000, 'the receipt');
    const [rejected, replacement] = await replacedSale(c, orderId);
    expect(replacement.type).toBe('factura');
    const messages = await until(() => postmarkMessages(info, { to }), (m) => m.length === 2, 20_000, 'the replacement e-mail');
    const notice = messages.find((m) => m.Tag === 'invoice_replaced')!;
    expect(notice.Subject).toContain(`Your invoice ${rejected.full_number} was replaced by ${replacement.full_number}`);
    expect(notice.HtmlBody).toContain('lang="en"');
    expect(notice.TextBody).toContain('Your payment is unchanged');
    expect(names(notice)).toEqual(documentFiles(replacement).sort());
  });

  it('a receipt still waiting when the replacement is issued carries the replacement — one e-mail for the sale — also when its job had composed it already', async () => {
    const to = uniqueEmail('waiting');
    const orderId = await createOrder(c, { email: to, amount: 11800 });
    // The receipt's send job composes the e-mail (with the first boleta) and then stalls before marking it `sending`,
    // until the test lets it go: the rejection and the replacement happen meanwhile.
    const composer = t.app.get(EmailComposer);
    const compose = composer.compose.bind(composer);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let composedFirst: string | null = null;
    const spy = vi.spyOn(composer, 'compose').mockImplementation(async (email) => {
      const composed = await compose(email);
      if (email.kind === 'receipt' && email.orderId === orderId && composedFirst === null) {
        composedFirst = String(email.context.invoice_id);
        await gate;
      }
      return composed;
    });
    try {
      // SUNAT answers late enough that the receipt job has composed the e-mail before the rejection.
      await injectFault(info, 'sunat', { mode: 'latency', latency_ms: 1000, count: 1 });
      await forceSunatOutcome(info, '2800', 1);
      await payWithCulqi(c, info, orderId);
      const [rejected, replacement] = await replacedSale(c, orderId);
      await until(() => Promise.resolve(composedFirst), (v) => v !== null, 10_000, 'the receipt composed');
      expect(composedFirst).toBe(rejected.id);
      const [waiting] = await emailsOf(orderId);
      expect(waiting).toMatchObject({ kind: 'receipt', status: 'queued' });
      expect(waiting!.context.invoice_id).toBe(replacement.id);
      release();

      const [receipt] = await until(() => postmarkMessages(info, { to }), (m) => m.length === 1, 20_000, 'the receipt');
      expect(receipt!.Tag).toBe('receipt');
      expect(names(receipt!)).toEqual(documentFiles(replacement).sort());
      expect(receipt!.TextBody).toContain(replacement.full_number);
      expect(receipt!.TextBody).not.toContain(rejected.full_number);
      await sleep(1_000);
      expect(await postmarkMessages(info, { to })).toHaveLength(1);
      expect((await emailsOf(orderId)).map((e) => [e.kind, e.status])).toEqual([['receipt', 'sent']]);
    } finally {
      release();
      spy.mockRestore();
    }
  });

  it('a receipt whose send began (Postmark down) counts as sent: it goes out with the first boleta once Postmark is back, and the replacement e-mail with the second', async () => {
    const to = uniqueEmail('down');
    await injectFault(info, 'postmark', { mode: 'down' });
    // SUNAT answers late enough that the receipt's first send has begun (and failed) before the rejection.
    await injectFault(info, 'sunat', { mode: 'latency', latency_ms: 1500, count: 1 });
    await forceSunatOutcome(info, '2800', 1);
    const orderId = await paidOrder(c, { email: to });
    const [rejected, replacement] = await replacedSale(c, orderId);
    const rows = await until(() => emailsOf(orderId), (e) => e.some((m) => m.kind === 'invoice_replaced'), 20_000, 'the replacement e-mail asked for');
    expect(rows.find((e) => e.kind === 'receipt')!.status).toBe('sending');
    await clearFault(info, 'postmark');

    const messages = await until(() => postmarkMessages(info, { to }), (m) => m.length === 2, 30_000, 'both e-mails');
    expect(names(messages.find((m) => m.Tag === 'receipt')!)).toEqual(documentFiles(rejected).sort());
    expect(names(messages.find((m) => m.Tag === 'invoice_replaced')!)).toEqual(documentFiles(replacement).sort());
    // Its own waits allow 20 s + 30 s (SUNAT's injected latency, then mail retries while Postmark is down): the
    // suite's 30 s default would cut them short on a loaded machine.
  }, 60_000);

  it('a rejected credit note is replaced without an e-mail: the refund e-mail never carried it', async () => {
    const to = uniqueEmail('refund');
    const orderId = await paidOrder(c, { email: to });
    await waitForAnsweredSale(c, orderId);
    await until(() => postmarkMessages(info, { to }), (m) => m.length === 1, 20_000, 'the receipt');
    await forceSunatOutcome(info, '2800', 1);
    const refund = await t.http.post('/v1/refunds').set(bearer(c.key)).send({ order_id: orderId });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    const notes = (await waitForInvoices(c, orderId, (l) => l.some((i) => i.type === 'credit_note' && i.status === 'accepted'), 'the replacement credit note')).filter((i) => i.type === 'credit_note');
    expect(notes.map((n) => n.status)).toEqual(['rejected', 'accepted']);
    expect(notes[1]!.replaces_invoice_id).toBe(notes[0]!.id);
    await until(() => postmarkMessages(info, { to }), (m) => m.length === 2, 20_000, 'the refund e-mail');
    await sleep(1_000);
    expect((await postmarkMessages(info, { to })).map((m) => m.Tag).sort()).toEqual(['receipt', 'refund']);
    expect((await emailsOf(orderId)).map((e) => e.kind).sort()).toEqual(['receipt', 'refund']);
  });

  it('an app that switched receipts off: the customer never had the document, so its replacement is not e-mailed either', async () => {
    // (Another tenant would share the sandbox issuer's series numbers with this one, which the SUNAT simulator
    // refuses as duplicates: the switch is flipped on this app and back.)
    const receipts = (on: boolean) => t.http.patch('/v1/app').set(bearer(c.key)).send({ customer_emails: { receipt: on } });
    expect((await receipts(false)).status).toBe(200);
    try {
      const to = uniqueEmail('off');
      await forceSunatOutcome(info, '2800', 1);
      const orderId = await paidOrder(c, { email: to });
      await replacedSale(c, orderId);
      await until(() => emailsOf(orderId), (e) => e.length === 1 && e[0]!.status === 'skipped', 20_000, 'the receipt skipped');
      await sleep(1_000);
      expect((await emailsOf(orderId)).map((e) => [e.kind, e.status])).toEqual([['receipt', 'skipped']]);
      expect(await postmarkMessages(info, { to })).toEqual([]);
    } finally {
      await receipts(true);
    }
  });
});
