/**
 * Issue 9 acceptance (e-mail through Postmark): a paid order sends exactly one receipt through the
 * official `postmark` client to the sandbox, in Spanish (English for an English customer), amounts as
 * `S/ 118.00`; a Postmark 500 is retried, a 406 is not and the address is suppressed; a send whose
 * answer was lost is found by its metadata instead of sent twice; Postmark's webhooks are recorded.
 */
import { MikroORM } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailMessage } from '../../src/notifications/email-message.entity';
import { EmailSuppression } from '../../src/notifications/email-suppression.entity';
import { charge, createOrder, expectCharge, getOrder, mpToken, payWithCulqi, type Client } from '../support/charge-fixtures';
import { clearFault, culqiCardToken, injectFault, postmarkMessages, type SandboxInfo } from '../support/sandbox-client';
import { startSandboxApp } from '../support/sandbox-app';
import { bearer, type TestApp } from '../support/test-app';
import { until } from '../support/wait';

describe('e-mail through Postmark', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;

  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp({ MAIL_RETRY_SCHEDULE: '200ms,200ms,200ms', EVENTS_DISPATCH_INTERVAL: '50ms', JOBS_POLL_INTERVAL: '50ms' }));
  });
  afterAll(async () => t.close());

  const em = () => t.app.get(MikroORM).em.fork();
  const emailsOf = (orderId: string) => em().find(EmailMessage, { orderId }, { orderBy: { id: 'asc' } });
  const settled = (e: EmailMessage) => !['queued', 'sending'].includes(e.status);

  async function customer(email: string, locale?: 'es' | 'en', name = 'Ana Quispe'): Promise<string> {
    const res = await t.http.post('/v1/customers').set(bearer(c.key)).send({ email, name, ...(locale ? { locale } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  }

  async function paidOrderOf(customerId: string, amount = 11800): Promise<string> {
    const orderId = await createOrder(c, { customerId, amount });
    await payWithCulqi(c, info, orderId);
    return orderId;
  }

  it('a paid order sends exactly one receipt, in Spanish, with S/ 118.00', async () => {
    const cus = await customer('ana.receipt@example.com');
    const orderId = await paidOrderOf(cus);
    const [email] = await until(() => emailsOf(orderId), (e) => e.length === 1 && settled(e[0]!), 10_000, 'the receipt sent');
    expect(email).toMatchObject({ kind: 'receipt', status: 'sent', toAddress: 'ana.receipt@example.com', locale: 'es', attempts: 1 });
    expect(email!.postmarkMessageId).toMatch(/^[0-9a-f-]{36}$/);
    const messages = await postmarkMessages(info, { metadata: { smartpay_email_id: email!.id } });
    expect(messages).toHaveLength(1);
    const [m] = messages;
    expect(m!.To).toBe('ana.receipt@example.com');
    expect(m!.Subject).toContain('Recibo de tu pago de S/ 118.00');
    expect(m!.HtmlBody).toContain('S/ 118.00');
    expect(m!.HtmlBody).toContain('lang="es"');
    expect(m!.HtmlBody).toContain('Pago recibido');
    expect(m!.TextBody).toContain('S/ 118.00');
    expect(m!.TextBody).toContain('1111');
    expect(m!.Tag).toBe('receipt');
    expect(m!.Metadata).toMatchObject({ smartpay_email_id: email!.id, smartpay_app_id: t.appId });
    // The simulator's Delivery webhook, authenticated with the sandbox's Basic credentials, is recorded.
    const delivered = await until(() => em().findOneOrFail(EmailMessage, { id: email!.id }), (e) => e.deliveredAt !== null, 10_000, 'the Delivery webhook');
    expect(delivered.deliveredAt).toBeInstanceOf(Date);
    // Everything settled: still one receipt for the order.
    expect(await postmarkMessages(info, { to: 'ana.receipt@example.com' })).toHaveLength(1);
  });

  it('an English customer gets an English receipt; USD is US$', async () => {
    const cus = await customer('john.receipt@example.com', 'en', 'John Smith');
    const orderId = await createOrder(c, { customerId: cus, amount: 1050, currency: 'USD' });
    const token = await culqiCardToken(info, '4111111111111111');
    expectCharge(await charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token } }), 'succeeded');
    const [email] = await until(() => emailsOf(orderId), (e) => e.length === 1 && settled(e[0]!), 10_000, 'the receipt sent');
    expect(email).toMatchObject({ status: 'sent', locale: 'en' });
    const [m] = await postmarkMessages(info, { metadata: { smartpay_email_id: email!.id } });
    expect(m!.Subject).toContain('Your receipt for US$ 10.50');
    expect(m!.HtmlBody).toContain('lang="en"');
    expect(m!.TextBody).toContain('US$ 10.50');
  });

  it('a Postmark 500 is retried and the receipt goes out once', async () => {
    const cus = await customer('retry.receipt@example.com');
    await injectFault(info, 'postmark', { mode: 'http_500', count: 2 });
    try {
      const orderId = await paidOrderOf(cus);
      const [email] = await until(() => emailsOf(orderId), (e) => e.length === 1 && settled(e[0]!), 15_000, 'the receipt sent');
      // The second 500 may hit the send or the metadata search a retry makes first (was the first one accepted?).
      expect(email!.status).toBe('sent');
      expect(email!.attempts).toBeGreaterThanOrEqual(2);
      expect(await postmarkMessages(info, { to: 'retry.receipt@example.com' })).toHaveLength(1);
    } finally {
      await clearFault(info, 'postmark');
    }
  });

  it('a send whose answer was lost is found by its metadata, not sent twice', async () => {
    const cus = await customer('lost.answer@example.com');
    // `reset`: Postmark processes the message, then the connection drops before the answer.
    await injectFault(info, 'postmark', { mode: 'reset', count: 1 });
    try {
      const orderId = await paidOrderOf(cus);
      const [email] = await until(() => emailsOf(orderId), (e) => e.length === 1 && settled(e[0]!), 15_000, 'the receipt settled');
      expect(email).toMatchObject({ status: 'sent', attempts: 1 });
      const messages = await postmarkMessages(info, { to: 'lost.answer@example.com' });
      expect(messages).toHaveLength(1);
      expect(email!.postmarkMessageId).toBe(messages[0]!.MessageID);
    } finally {
      await clearFault(info, 'postmark');
    }
  });

  it('a 406 (inactive recipient) is not retried: the e-mail is suppressed, and so is the next one, without asking Postmark', async () => {
    const cus = await customer('inactive@example.com');
    const first = await paidOrderOf(cus);
    const [email] = await until(() => emailsOf(first), (e) => e.length === 1 && settled(e[0]!), 10_000, 'the receipt settled');
    expect(email).toMatchObject({ status: 'suppressed', errorCode: 406, attempts: 1 });
    expect(await em().findOne(EmailSuppression, { address: 'inactive@example.com' })).toMatchObject({ reason: 'inactive_recipient' });
    const second = await paidOrderOf(cus, 5000);
    const [next] = await until(() => emailsOf(second), (e) => e.length === 1 && settled(e[0]!), 10_000, 'the second receipt settled');
    expect(next).toMatchObject({ status: 'suppressed', errorCode: 406, attempts: 0 });
    expect(await postmarkMessages(info, { to: 'inactive@example.com' })).toHaveLength(0);
  });

  it('a hard bounce reported by Postmark suppresses the address for later e-mails', async () => {
    const cus = await customer('hardbounce@example.com');
    const first = await paidOrderOf(cus);
    const [email] = await until(() => emailsOf(first), (e) => e.length === 1 && e[0]!.bouncedAt !== null, 10_000, 'the Bounce webhook');
    expect(email).toMatchObject({ status: 'sent', bounceType: 'HardBounce' });
    expect(await em().findOne(EmailSuppression, { address: 'hardbounce@example.com' })).toMatchObject({ reason: 'hard_bounce' });
    const second = await paidOrderOf(cus, 5000);
    const [next] = await until(() => emailsOf(second), (e) => e.length === 1 && settled(e[0]!), 10_000, 'the second receipt settled');
    expect(next!.status).toBe('suppressed');
    expect(await postmarkMessages(info, { to: 'hardbounce@example.com' })).toHaveLength(1);
  });

  it('an app that switches receipts off gets none; a refund e-mails a confirmation', async () => {
    expect((await t.http.patch('/v1/app').set(bearer(c.key)).send({ customer_emails: { receipt: false } })).body.customer_emails).toEqual({
      receipt: false,
      payment_failed: true,
      refund: true,
    });
    try {
      const cus = await customer('no.receipt@example.com');
      const orderId = await paidOrderOf(cus);
      const [email] = await until(() => emailsOf(orderId), (e) => e.length === 1 && settled(e[0]!), 10_000, 'the receipt settled');
      expect(email).toMatchObject({ status: 'skipped' });
      expect(email!.errorMessage).toContain('switched off');
      const refund = await t.http.post('/v1/refunds').set(bearer(c.key)).send({ order_id: orderId, amount: 5000 });
      expect(refund.status).toBe(201);
      const emails = await until(() => emailsOf(orderId), (e) => e.length === 2 && e.every(settled), 10_000, 'the refund e-mail');
      const sent = emails.find((e) => e.kind === 'refund')!;
      expect(sent).toMatchObject({ status: 'sent', toAddress: 'no.receipt@example.com' });
      const [m] = await postmarkMessages(info, { metadata: { smartpay_email_id: sent.id } });
      expect(m!.Subject).toContain('S/ 50.00');
      expect((await getOrder(c, orderId)).status).toBe('partially_refunded');
    } finally {
      await t.http.patch('/v1/app').set(bearer(c.key)).send({ customer_emails: { receipt: true } });
    }
  });

  it('payment failed: not e-mailed when the customer saw the decline at checkout; e-mailed, with the retry link, when it failed later', async () => {
    await t.http.patch('/v1/app').set(bearer(c.key)).send({ payment_retry_url: 'https://shop.example/pay/{order_id}?ref={reference}' });
    const cus = await customer('failed.payment@example.com');
    // At the checkout: a declined card token.
    const atCheckout = await createOrder(c, { customerId: cus });
    const declined = await culqiCardToken(info, '4000040000000008');
    expectCharge(await charge(c, atCheckout, { gateway: 'culqi', source: { type: 'card_token', token: declined } }), 'failed');
    const [skipped] = await until(() => emailsOf(atCheckout), (e) => e.length === 1 && settled(e[0]!), 10_000, 'the notice decided');
    expect(skipped).toMatchObject({ kind: 'payment_failed', status: 'skipped' });
    expect(skipped!.errorMessage).toContain('saw the failure at checkout');

    // Later: a Mercado Pago payment left pending, then rejected at the gateway (its webhook tells SmartPay).
    const later = await createOrder(c, { customerId: cus });
    const pending = expectCharge(await charge(c, later, { gateway: 'mercadopago', source: { type: 'card_token', token: await mpToken(info, 'CONT') } }), 'pending');
    const moved = await fetch(`${info.control_url}/mercadopago/_payments/${pending.gateway_charge_id as string}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'rejected', status_detail: 'cc_rejected_insufficient_amount' }),
    });
    expect(moved.status).toBe(200);
    const [notice] = await until(() => emailsOf(later), (e) => e.length === 1 && settled(e[0]!), 15_000, 'the notice sent');
    expect(notice).toMatchObject({ kind: 'payment_failed', status: 'sent', toAddress: 'failed.payment@example.com' });
    const [m] = await postmarkMessages(info, { metadata: { smartpay_email_id: notice!.id } });
    expect(m!.Subject).toContain('No pudimos procesar tu pago de S/ 118.00');
    expect(m!.HtmlBody).toContain(`https://shop.example/pay/${later}?ref=`);
    expect(m!.TextBody).toMatch(/Fondos insuficientes/i);
  });

  it('POST /webhooks/postmark refuses wrong credentials and malformed records', async () => {
    const wrong = await t.http.post('/webhooks/postmark').auth('postmark', 'nope').send({ RecordType: 'Delivery', MessageID: 'x' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_signature');
    const none = await t.http.post('/webhooks/postmark').send({ RecordType: 'Delivery', MessageID: 'x' });
    expect(none.status).toBe(401);
  });
});
