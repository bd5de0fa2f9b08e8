import { EntityManager } from '@mikro-orm/core';
import { Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { App } from '../apps/app.entity';
import { withDefaults } from '../apps/app-settings';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { SqlRunner } from '../database/sql-runner';
import { JobQueue } from '../jobs/job-queue';
import { RecurringJobs } from '../jobs/recurring';
import { EmailMessage } from '../notifications/email-message.entity';
import { EmailOutbox } from '../notifications/email-outbox';
import { PeriodSummaryService } from './period-summary.service';
import { duePeriods, previousPeriod, type ReportPeriod } from './report-periods';
import { isoDate } from './zoned-time';

export const SUMMARY_EMAILS_JOB = 'reports.summaries';
/** How often due summaries are looked for; they go out within this long after REPORT_DAILY_AT. */
const CHECK_EVERY_MS = 10 * 60_000;

/**
 * Daily and weekly summary e-mails per app (volume, amount, success rate, top declines, per gateway) to
 * the app's alert contacts, at REPORT_DAILY_AT in REPORT_TIMEZONE (weekly on REPORT_WEEKLY_DAY). A
 * recurring job looks for due periods; each summary's e-mail is keyed by app, period and address, so it
 * goes out once however often the check runs, on however many instances.
 */
@Injectable()
export class SummaryEmailsJob implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly em: EntityManager,
    private readonly sql: SqlRunner,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly jobs: JobQueue,
    private readonly recurring: RecurringJobs,
    private readonly outbox: EmailOutbox,
    private readonly summaries: PeriodSummaryService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(SUMMARY_EMAILS_JOB, () => this.run().then(() => undefined));
  }

  onApplicationBootstrap(): void {
    this.recurring.every(SUMMARY_EMAILS_JOB, CHECK_EVERY_MS);
  }

  /** Queues the summaries due now; returns how many e-mails were queued. */
  async run(now = this.clock.now()): Promise<number> {
    const { timeZone, dailyAt, weeklyDay } = this.config.reports;
    const periods = duePeriods(now, timeZone, dailyAt, weeklyDay);
    if (periods.length === 0) return 0;
    let queued = 0;
    for (const app of await this.em.fork().find(App, {})) {
      const settings = withDefaults(app.settings);
      if (settings.alert_emails.length === 0) continue;
      for (const period of periods) {
        if (!settings.summaries[period.kind]) continue;
        const keys = settings.alert_emails.map((address) => ({ address, key: `summary:${period.kind}:${app.id}:${isoDate(period.start)}:${address.toLowerCase()}` }));
        const existing = await this.em.fork().count(EmailMessage, { dedupeKey: { $in: keys.map((k) => k.key) } });
        if (existing === keys.length) continue;
        const model = await this.model(app, period, settings.locale);
        await this.sql.transaction(async (tx) => {
          for (const { address, key } of keys) {
            if (await this.outbox.enqueue(tx, { appId: app.id, kind: 'summary', dedupeKey: key, to: address, locale: settings.locale, context: { model } })) queued++;
          }
        });
      }
    }
    return queued;
  }

  /** What the e-mail shows, computed now: the period is over, so it no longer changes (dates as ISO strings in the JSON context). */
  private async model(app: App, period: ReportPeriod, locale: 'es' | 'en') {
    const { timeZone } = this.config.reports;
    const current = await this.summaries.summarize(app.id, period.from, period.to);
    const prev = previousPeriod(period, timeZone);
    const before = await this.summaries.summarize(app.id, prev.from, prev.to);
    return {
      locale,
      appName: app.name,
      period: period.kind,
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      timeZone,
      ...current,
      previous: { attempts: before.attempts, succeeded: before.succeeded, successRate: before.successRate, processed: before.processed },
      dashboardUrl: null,
    };
  }
}
