import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { AppsService } from '../apps/apps.service';
import { AppConfig } from '../config/app-config';
import type { SqlSession } from '../database/sql-session';
import { JobQueue } from '../jobs/job-queue';
import { EmailOutbox } from '../notifications/email-outbox';
import type { Alert } from './alert.entity';
import type { AlertLocale, AlertSpec } from './alert-rules';
import { PushSubscription } from './push-subscription.entity';

export const PUSH_ALERT_JOB = 'alerts.push';

export interface AlertRecipients {
  appName: string | null;
  emails: { address: string; locale: AlertLocale }[];
  pushSubscriptionIds: string[];
}

/**
 * Who hears of an alert, and the e-mails and pushes that tell them, written on the transaction that
 * opens the episode (so they happen exactly when it opens). An app's alert goes to its `alert_emails`
 * (in its language) and its subscribed browsers; a deployment-wide one to SMARTPAY_ALERT_EMAILS and
 * every subscribed browser, since every app shares the gateways and the queue.
 */
@Injectable()
export class AlertNotifier {
  constructor(
    private readonly em: EntityManager,
    private readonly apps: AppsService,
    private readonly outbox: EmailOutbox,
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async recipients(appId: string | null): Promise<AlertRecipients> {
    const subscriptions = await this.em.fork().find(PushSubscription, appId ? { appId } : {}, { fields: ['id'] });
    if (appId === null) {
      return { appName: null, emails: this.config.alerts.operatorEmails.map((address) => ({ address, locale: 'es' })), pushSubscriptionIds: subscriptions.map((s) => s.id) };
    }
    const { name, settings } = await this.apps.settings(appId);
    return { appName: name, emails: settings.alert_emails.map((address) => ({ address, locale: settings.locale })), pushSubscriptionIds: subscriptions.map((s) => s.id) };
  }

  async notify(tx: SqlSession, alert: Alert, spec: AlertSpec, to: AlertRecipients): Promise<void> {
    for (const { address, locale } of to.emails) {
      const copy = spec.copy[locale];
      await this.outbox.enqueue(tx, {
        appId: alert.appId,
        kind: 'alert',
        dedupeKey: `alert:${alert.id}:${address.toLowerCase()}`,
        to: address,
        locale,
        context: {
          alert_id: alert.id,
          opened_at: alert.openedAt.toISOString(),
          model: { appName: to.appName, severity: alert.severity, title: copy.title, detail: copy.detail, rule: alert.rule, facts: copy.facts, dashboardUrl: null },
        },
      });
    }
    for (const subscriptionId of to.pushSubscriptionIds) {
      await this.jobs.enqueueIn(tx, PUSH_ALERT_JOB, { alertId: alert.id, subscriptionId }, { dedupeKey: `push:${alert.id}:${subscriptionId}`, appId: alert.appId, maxAttempts: 6 });
    }
  }
}
