/**
 * How SmartPay's Postmark sender reads Postmark's answers, against the Postmark simulator through the
 * official client: what is sent, what is final (4xx, with Postmark's ErrorCode), what is retried
 * (429/5xx/network), what marks an address inactive (406), and finding a message by its metadata.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/app-config';
import type { MailEndpointResolver } from '../../src/notifications/mail-endpoint';
import { PostmarkMailer, type OutgoingEmail } from '../../src/notifications/postmark.mailer';
import { PostmarkSimulator } from '../../src/sandbox/postmark/postmark-simulator';

const email = (to: string): OutgoingEmail => ({ to, subject: 'Hola', html: '<p>Hola</p>', text: 'Hola', tag: 'receipt', metadata: { smartpay_email_id: `eml_${to}` } });

describe('PostmarkMailer', () => {
  const sim = new PostmarkSimulator({ host: '127.0.0.1', port: 0, serverToken: 'pm-test-token', now: () => Date.now(), baseLatencyMs: 0, webhook: null, webhookRetryDelaysMs: [] });
  let mailer: (from?: string, token?: string) => PostmarkMailer;

  beforeAll(async () => {
    await sim.start();
    mailer = (from = 'SmartPay <no-reply@smartpay.pe>', token = 'pm-test-token') => {
      const config = loadConfig({ NODE_ENV: 'test', MAIL_FROM: from, POSTMARK_SERVER_TOKEN: token, POSTMARK_API_URL: sim.baseUrl });
      const resolver = { enabled: true, get: () => ({ apiUrl: sim.baseUrl, serverToken: token }) } as unknown as MailEndpointResolver;
      return new PostmarkMailer(resolver, config);
    };
  });
  afterAll(async () => sim.close());

  it('sends and answers the MessageID; finds the message again by its metadata', async () => {
    const sent = await mailer().send(email('ana@example.com'));
    expect(sent).toMatchObject({ status: 'sent' });
    const messageId = (sent as { messageId: string }).messageId;
    expect(await mailer().findSent('smartpay_email_id', 'eml_ana@example.com')).toBe(messageId);
    expect(await mailer().findSent('smartpay_email_id', 'eml_nobody')).toBeNull();
  });

  it('406: the recipient is inactive', async () => {
    expect(await mailer().send(email('inactive@example.com'))).toMatchObject({ status: 'inactive', code: 406 });
  });

  it('other 4xx are final, with Postmark’s ErrorCode: unknown sender (400), bad token (10)', async () => {
    expect(await mailer('Shop <shop@unknown-sender.test>').send(email('ana@example.com'))).toMatchObject({ status: 'rejected', code: 400, httpStatus: 422 });
    expect(await mailer(undefined, 'wrong-token').send(email('ana@example.com'))).toMatchObject({ status: 'rejected', code: 10, httpStatus: 401 });
  });

  it('5xx and a dropped connection are transient', async () => {
    await sim.server.setFault({ mode: 'http_500', latencyMs: 0, remaining: 1 });
    expect(await mailer().send(email('ana@example.com'))).toMatchObject({ status: 'transient', httpStatus: 500 });
    await sim.server.setFault({ mode: 'down', latencyMs: 0 });
    expect(await mailer().send(email('ana@example.com'))).toMatchObject({ status: 'transient', httpStatus: 0 });
    await sim.server.clearFault();
  });
});
