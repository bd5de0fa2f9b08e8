/**
 * Issue 9: daily and weekly summary e-mails per app — the period's volume, amount, success rate, top
 * declines and gateways, to the app's alert contacts, once per period however often the check runs.
 */
import { MikroORM } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailMessage } from '../../src/notifications/email-message.entity';
import { WEEKDAYS } from '../../src/reports/report-periods';
import { SummaryEmailsJob } from '../../src/reports/summary-emails.job';
import { wallClock } from '../../src/reports/zoned-time';
import { charge, createOrder, expectCharge, payWithCulqi, payWithMercadoPago, type Client } from '../support/charge-fixtures';
import { culqiCardToken, postmarkMessages, type SandboxInfo } from '../support/sandbox-client';
import { startSandboxApp } from '../support/sandbox-app';
import { bearer, type TestApp } from '../support/test-app';
import { until } from '../support/wait';

describe('daily and weekly summaries', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;

  beforeAll(async () => {
    // The weekly summary goes out on today's weekday in Lima, so "tomorrow" below is never its day (on a Sunday the
    // default, Monday, made tomorrow's run send the weekly summaries too).
    const today = WEEKDAYS[wallClock(new Date(), 'America/Lima').weekday]!;
    ({ t, c, info } = await startSandboxApp({ REPORT_TIMEZONE: 'America/Lima', REPORT_DAILY_AT: '08:00', REPORT_WEEKLY_DAY: today, JOBS_POLL_INTERVAL: '50ms' }));
  });
  afterAll(async () => t.close());

  it('the day after, at 08:00 Lima, each contact gets one summary of the day with its numbers', async () => {
    await t.http.patch('/v1/app').set(bearer(c.key)).send({ alert_emails: ['owner@merchant.example', 'cfo@merchant.example'], locale: 'en' });
    await payWithCulqi(c, info, await createOrder(c, { amount: 11800 }));
    await payWithMercadoPago(c, info, await createOrder(c, { amount: 5000 }));
    const declined = await createOrder(c);
    expectCharge(await charge(c, declined, { gateway: 'culqi', source: { type: 'card_token', token: await culqiCardToken(info, '4000040000000008') } }), 'failed');

    // "Tomorrow" at 08:30 in Lima: today's day is the one reported.
    const now = new Date();
    const local = wallClock(now, 'America/Lima');
    const tomorrow830 = new Date(Date.UTC(local.year, local.month - 1, local.day + 1, 13, 30));
    const job = t.app.get(SummaryEmailsJob);
    expect(await job.run(tomorrow830)).toBe(2);
    expect(await job.run(tomorrow830)).toBe(0);

    const sent = await until(
      () => t.app.get(MikroORM).em.fork().find(EmailMessage, { kind: 'summary' }),
      (e) => e.length === 2 && e.every((x) => x.status === 'sent'),
      10_000,
      'both summaries sent',
    );
    expect(sent.map((e) => e.toAddress).sort()).toEqual(['cfo@merchant.example', 'owner@merchant.example']);
    const [m] = await postmarkMessages(info, { to: 'owner@merchant.example' });
    expect(m!.Subject).toMatch(/^Daily summary/);
    const text = m!.TextBody!;
    expect(text).toContain('S/ 168.00');
    expect(text).toMatch(/66\.7\s?%/);
    expect(text).toMatch(/culqi/i);
    expect(text).toMatch(/mercado ?pago/i);
    expect(text).toMatch(/insufficient funds/i);
  });

  it('before 08:00 nothing is due; an app without contacts or with summaries off gets none', async () => {
    const job = t.app.get(SummaryEmailsJob);
    const local = wallClock(new Date(), 'America/Lima');
    const tomorrow0700 = new Date(Date.UTC(local.year, local.month - 1, local.day + 1, 12, 0));
    expect(await job.run(tomorrow0700)).toBe(0);
    await t.http.patch('/v1/app').set(bearer(c.key)).send({ summaries: { daily: false, weekly: false } });
    const dayAfter = new Date(Date.UTC(local.year, local.month - 1, local.day + 2, 13, 30));
    expect(await job.run(dayAfter)).toBe(0);
  });
});

describe('the weekly summary', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  let local: ReturnType<typeof wallClock>;

  beforeAll(async () => {
    // The weekly day is tomorrow's in Lima, so the run below, "tomorrow" at 08:30, sends the week with the day.
    local = wallClock(new Date(), 'America/Lima');
    const tomorrowNoon = new Date(Date.UTC(local.year, local.month - 1, local.day + 1, 17, 0));
    const weekday = WEEKDAYS[wallClock(tomorrowNoon, 'America/Lima').weekday]!;
    ({ t, c, info } = await startSandboxApp({ REPORT_TIMEZONE: 'America/Lima', REPORT_DAILY_AT: '08:00', REPORT_WEEKLY_DAY: weekday, JOBS_POLL_INTERVAL: '50ms' }));
  });
  afterAll(async () => t.close());

  it('on the weekly day each contact also gets the seven days up to midnight, once, with their numbers', async () => {
    await t.http.patch('/v1/app').set(bearer(c.key)).send({ alert_emails: ['owner@merchant.example'], locale: 'en' });
    await payWithCulqi(c, info, await createOrder(c, { amount: 11800 }));
    await payWithMercadoPago(c, info, await createOrder(c, { amount: 5000 }));
    const declined = await createOrder(c);
    expectCharge(await charge(c, declined, { gateway: 'culqi', source: { type: 'card_token', token: await culqiCardToken(info, '4000040000000008') } }), 'failed');

    const tomorrow830 = new Date(Date.UTC(local.year, local.month - 1, local.day + 1, 13, 30));
    const job = t.app.get(SummaryEmailsJob);
    expect(await job.run(tomorrow830)).toBe(2); // the day and the week, to the one contact
    expect(await job.run(tomorrow830)).toBe(0);
    expect(await job.run(new Date(tomorrow830.getTime() + 6 * 3600_000))).toBe(0);

    const sent = await until(
      () => t.app.get(MikroORM).em.fork().find(EmailMessage, { kind: 'summary' }),
      (e) => e.length === 2 && e.every((x) => x.status === 'sent'),
      10_000,
      'the daily and the weekly summary sent',
    );
    // The week: the seven Lima days before the run's day, midnight (05:00 UTC) to midnight.
    const midnightTomorrow = Date.UTC(local.year, local.month - 1, local.day + 1, 5, 0);
    const periods = sent.map((e) => (e.context as { model: { period: string; from: string; to: string } }).model).sort((a, b) => a.period.localeCompare(b.period));
    expect(periods.map((p) => [p.period, Date.parse(p.from), Date.parse(p.to)])).toEqual([
      ['daily', midnightTomorrow - 86_400_000, midnightTomorrow],
      ['weekly', midnightTomorrow - 7 * 86_400_000, midnightTomorrow],
    ]);

    const messages = await postmarkMessages(info, { to: 'owner@merchant.example' });
    const weekly = messages.find((m) => /^Weekly summary/.test(m.Subject ?? ''));
    expect(weekly, messages.map((m) => m.Subject).join(' | ')).toBeDefined();
    const text = weekly!.TextBody!;
    expect(text).toContain('S/ 168.00');
    expect(text).toMatch(/66\.7\s?%/);
    expect(text).toMatch(/insufficient funds/i);
  });
});
