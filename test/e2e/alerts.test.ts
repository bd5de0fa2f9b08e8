/**
 * Issue 9 acceptance (merchant alerts): rules from configuration open one alert per episode, e-mail
 * the app's contacts (or the operators for deployment-wide ones) once, clear themselves when the
 * condition is gone, and can be acknowledged and resolved; deployment alerts are read-only for apps.
 */
import { MikroORM } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertEvaluator } from '../../src/alerts/alert-evaluator';
import { JobQueue } from '../../src/jobs/job-queue';
import { charge, createOrder, expectCharge, expectProblem, payWithCulqi, type Client } from '../support/charge-fixtures';
import { clearFault, culqiCardToken, injectFault, postmarkMessages, pushMessages, pushSubscription, type SandboxInfo } from '../support/sandbox-client';
import { startSandboxApp } from '../support/sandbox-app';
import { bearer, type TestApp } from '../support/test-app';
import { until } from '../support/wait';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const DECLINE_CARD = '4000040000000008';

interface AlertView {
  id: string;
  scope: string;
  rule: string;
  status: string;
  severity: string;
  title: string;
  data: Record<string, unknown>;
  resolved_by: string | null;
}

describe('merchant alerts', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp({
      ALERT_SUCCESS_RATE_BELOW: '80',
      ALERT_SUCCESS_RATE_WINDOW: '4s',
      ALERT_SUCCESS_RATE_MIN_ATTEMPTS: '3',
      ALERT_EMAIL_BOUNCES: '1',
      ALERT_EVALUATION_INTERVAL: '300ms',
      SMARTPAY_ALERT_EMAILS: 'ops@smartpay.example',
      SMARTPAY_WEBHOOK_RETRY_SCHEDULE: '100ms',
      CIRCUIT_BREAKER_THRESHOLD: '2',
      CIRCUIT_BREAKER_HALF_OPEN_AFTER: '1s',
      EVENTS_DISPATCH_INTERVAL: '50ms',
      JOBS_POLL_INTERVAL: '50ms',
    }));
    receiver = await startWebhookReceiver();
    const settings = await t.http.patch('/v1/app').set(bearer(c.key)).send({ alert_emails: ['alerts@merchant.example'], locale: 'es' });
    expect(settings.status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const alerts = async (query = ''): Promise<AlertView[]> => (await t.http.get(`/v1/alerts?limit=100${query}`).set(bearer(c.key))).body.data as AlertView[];
  const byRule = async (rule: string): Promise<AlertView[]> => (await alerts()).filter((a) => a.rule === rule);

  async function decline(): Promise<void> {
    const orderId = await createOrder(c);
    const token = await culqiCardToken(info, DECLINE_CARD);
    expectCharge(await charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token } }), 'failed');
  }

  it('a success rate below the threshold opens one alert, e-mailed once to the app contacts; it clears itself when the condition is gone', async () => {
    for (let i = 0; i < 3; i++) await decline();
    const [alert] = await until(() => byRule('success_rate'), (a) => a.length === 1, 10_000, 'the success-rate alert');
    expect(alert).toMatchObject({ scope: 'app', status: 'open', severity: 'critical', data: { attempts: 3, succeeded: 0, success_rate: 0 } });
    expect(alert!.title).toContain('0.0 %');
    // More declines while it lasts: still one alert, one e-mail.
    await decline();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await byRule('success_rate')).toHaveLength(1);
    const mails = await until(() => postmarkMessages(info, { to: 'alerts@merchant.example' }), (m) => m.length >= 1, 10_000, 'the alert e-mail');
    const about = mails.filter((m) => m.Subject.includes('Tasa de éxito'));
    expect(about).toHaveLength(1);
    expect(about[0]!.Subject).toMatch(/^\[Alerta\]/);
    expect(about[0]!.TextBody).toContain('Intentos');
    // The window (4 s) passes without attempts: the condition is gone, the episode resolves by itself.
    const resolved = await until(async () => (await byRule('success_rate'))[0]!, (a) => a.status === 'resolved', 15_000, 'the alert resolved');
    expect(resolved.resolved_by).toBe('system');
    // A new burst is a new episode: a second alert.
    for (let i = 0; i < 3; i++) await decline();
    await until(() => byRule('success_rate'), (a) => a.filter((x) => x.status === 'open').length === 1, 10_000, 'a second episode');
    expect(await byRule('success_rate')).toHaveLength(2);
  });

  it('acknowledged and resolved through the API; an unknown or another app’s alert is 404', async () => {
    const open = await until(async () => (await byRule('success_rate')).find((a) => a.status === 'open'), (a) => a !== undefined, 10_000, 'an open alert');
    const ack = await t.http.post(`/v1/alerts/${open!.id}/acknowledge`).set(bearer(c.key)).send();
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged' });
    expect(ack.body.acknowledged_at).toBeTruthy();
    const done = await t.http.post(`/v1/alerts/${open!.id}/resolve`).set(bearer(c.key)).send();
    expect(done.body).toMatchObject({ status: 'resolved', resolved_by: 'api' });
    expectProblem(await t.http.post(`/v1/alerts/${open!.id}/resolve`).set(bearer(c.key)).send(), 409, 'alert_already_resolved');
    const other = await t.newTenant('Other');
    expectProblem(await t.http.get(`/v1/alerts/${open!.id}`).set(bearer(other.apiKey)), 404, 'resource_not_found');
    expectProblem(await t.http.get('/v1/alerts/alr_nope').set(bearer(c.key)), 404, 'resource_not_found');
    expectProblem(await t.http.get('/v1/alerts?status=closed').set(bearer(c.key)), 400, 'validation_error');
  });

  it('a gateway circuit that opens raises a deployment alert for the operators, read-only for apps; it resolves when the circuit closes', async () => {
    await injectFault(info, 'culqi', { mode: 'down' });
    try {
      for (let i = 0; i < 2; i++) {
        const orderId = await createOrder(c);
        await charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token: 'tkn_test_whatever00000' } });
      }
      const [alert] = await until(() => byRule('circuit_open'), (a) => a.length === 1, 10_000, 'the circuit alert');
      expect(alert).toMatchObject({ scope: 'deployment', status: 'open', severity: 'critical', data: { gateway: 'culqi' } });
      expectProblem(await t.http.post(`/v1/alerts/${alert!.id}/acknowledge`).set(bearer(c.key)).send(), 409, 'alert_read_only');
      const other = await t.newTenant('Another');
      expect((await t.http.get(`/v1/alerts/${alert!.id}`).set(bearer(other.apiKey))).status).toBe(200);
      const mails = await until(() => postmarkMessages(info, { to: 'ops@smartpay.example' }), (m) => m.some((x) => x.Subject.includes('Culqi')), 10_000, 'the operators e-mailed');
      expect(mails.filter((m) => m.Subject.includes('Culqi'))).toHaveLength(1);
    } finally {
      await clearFault(info, 'culqi');
    }
    // After the open period a probe succeeds and the circuit closes: the episode is over.
    await new Promise((r) => setTimeout(r, 1_100));
    const orderId = await createOrder(c);
    await payWithCulqi(c, info, orderId);
    const resolved = await until(async () => (await byRule('circuit_open'))[0]!, (a) => a.status === 'resolved', 10_000, 'the circuit alert resolved');
    expect(resolved.resolved_by).toBe('system');
  });

  it('dead-letter jobs raise a deployment alert; it clears when none are left', async () => {
    const em = t.app.get(MikroORM).em.fork();
    await t.app.get(JobQueue).enqueue(em, 'no.such.handler', {}, { maxAttempts: 1 });
    const [alert] = await until(() => byRule('dead_jobs'), (a) => a.some((x) => x.status === 'open'), 10_000, 'the dead-jobs alert');
    expect(alert).toMatchObject({ scope: 'deployment', data: { dead_jobs: 1 } });
    await em.getConnection().execute("delete from jobs where type = 'no.such.handler'");
    await until(async () => (await byRule('dead_jobs'))[0]!, (a) => a.status === 'resolved', 10_000, 'the dead-jobs alert resolved');
  });

  it('a webhook endpoint disabled after its schedule raises an alert; re-enabling it clears it', async () => {
    receiver.failNext(1000, 500);
    const created = await t.http.post('/v1/webhook-endpoints').set(bearer(c.key)).send({ url: receiver.url, events: ['order.paid'] });
    const orderId = await createOrder(c);
    await payWithCulqi(c, info, orderId);
    const [alert] = await until(() => byRule('webhook_endpoint_disabled'), (a) => a.length === 1, 15_000, 'the endpoint alert');
    expect(alert).toMatchObject({ scope: 'app', status: 'open', data: { endpoint_id: created.body.id, url: receiver.url } });
    receiver.failNext(0);
    await t.http.patch(`/v1/webhook-endpoints/${created.body.id}`).set(bearer(c.key)).send({ status: 'enabled' });
    await until(async () => (await byRule('webhook_endpoint_disabled'))[0]!, (a) => a.status === 'resolved', 10_000, 'the endpoint alert resolved');
    await t.http.delete(`/v1/webhook-endpoints/${created.body.id}`).set(bearer(c.key));
  });

  it('a hard bounce of a customer e-mail raises the bounce alert', async () => {
    const cus = await t.http.post('/v1/customers').set(bearer(c.key)).send({ email: 'hardbounce+alert@example.com' });
    const orderId = await createOrder(c, { customerId: cus.body.id as string });
    await payWithCulqi(c, info, orderId);
    const [alert] = await until(() => byRule('email_bounces'), (a) => a.length === 1, 15_000, 'the bounce alert');
    expect(alert).toMatchObject({ scope: 'app', status: 'open', data: { bounces: 1, threshold: 1 } });
  });

  it('a subscribed browser gets each new alert by Web Push (VAPID-signed, encrypted); a gone subscription is dropped', async () => {
    const key = await t.http.get('/v1/alerts/push-key').set(bearer(c.key));
    expect(key.status).toBe(200);
    expect(key.body.public_key).toMatch(/^[A-Za-z0-9_-]{87}$/);
    const browser = await pushSubscription(info, key.body.public_key as string);
    const sub = await t.http.post('/v1/alerts/push-subscriptions').set(bearer(c.key)).send({ ...browser, expirationTime: null });
    expect(sub.status).toBe(201);
    expect(sub.body).toMatchObject({ object: 'push_subscription', endpoint: browser.endpoint });
    // The same browser again is the same subscription.
    expect((await t.http.post('/v1/alerts/push-subscriptions').set(bearer(c.key)).send(browser)).body.id).toBe(sub.body.id);
    expectProblem(await t.http.post('/v1/alerts/push-subscriptions').set(bearer(c.key)).send({ endpoint: 'http://insecure.example/push', keys: browser.keys }), 400, 'validation_error');

    // A new episode: close whatever success-rate alert is still open, then decline three times.
    for (const a of await byRule('success_rate')) if (a.status !== 'resolved') await t.http.post(`/v1/alerts/${a.id}/resolve`).set(bearer(c.key)).send();
    for (let i = 0; i < 3; i++) await decline();
    const [open] = await until(async () => (await byRule('success_rate')).filter((a) => a.status === 'open'), (a) => a.length === 1, 10_000, 'a new alert');
    const [push] = await until(() => pushMessages(info, browser.endpoint), (m) => m.some((x) => x.payload.alert_id === open!.id), 10_000, 'the push');
    expect(push!.payload).toMatchObject({ type: 'alert', alert_id: open!.id, rule: 'success_rate', severity: open!.severity, title: open!.title });
    expect(push!.vapid).toMatchObject({ aud: new URL(browser.endpoint).origin, sub: 'mailto:no-reply@smartpay.pe' });
    // A critical alert is pushed with high urgency (other payments of the suite in the window may make it a warning).
    expect(push!.headers).toMatchObject({ urgency: open!.severity === 'critical' ? 'high' : 'normal' });

    // The browser unsubscribed: the push service answers 410 and SmartPay deletes the subscription.
    const id = new URL(browser.endpoint).pathname.split('/').pop();
    await fetch(`${info.control_url}/push/_subscriptions/${id}`, { method: 'DELETE' });
    await t.http.post(`/v1/alerts/${open!.id}/resolve`).set(bearer(c.key)).send();
    for (let i = 0; i < 3; i++) await decline();
    await until(async () => (await t.http.get('/v1/alerts/push-subscriptions').set(bearer(c.key))).body.data as unknown[], (d) => d.length === 0, 10_000, 'the gone subscription deleted');
  });

  it('evaluating twice at once (two instances) opens one alert', async () => {
    const evaluator = t.app.get(AlertEvaluator);
    for (let i = 0; i < 3; i++) await decline();
    await Promise.all([evaluator.evaluate(), evaluator.evaluate(), evaluator.evaluate()]);
    const open = (await byRule('success_rate')).filter((a) => a.status !== 'resolved');
    expect(open).toHaveLength(1);
  });
});
