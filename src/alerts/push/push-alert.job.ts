import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Clock } from '../../common/clock';
import { Alert } from '../alert.entity';
import { PushSubscription } from '../push-subscription.entity';
import { PushAgentProvider } from './push-agent.provider';
import { VapidProvider } from './vapid.provider';
import { WebPushSender } from './web-push.sender';

/**
 * One alert to one subscribed browser (the `alerts.push` job). A subscription the push service says is
 * gone (404/410) is deleted; 408/429/5xx/network failures are retried by the queue; other refusals
 * are logged and dropped.
 */
@Injectable()
export class PushAlertJob {
  private sender: WebPushSender | undefined;

  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly vapid: VapidProvider,
    private readonly agents: PushAgentProvider,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Alerts');
  }

  async run(alertId: string, subscriptionId: string): Promise<void> {
    const em = this.em.fork();
    const [alert, sub] = await Promise.all([em.findOne(Alert, { id: alertId }), em.findOne(PushSubscription, { id: subscriptionId })]);
    const keys = await this.vapid.get();
    if (!alert || !sub || !keys) return;
    this.sender ??= new WebPushSender(this.agents.get());
    const outcome = await this.sender.send(
      { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth },
      { type: 'alert', alert_id: alert.id, severity: alert.severity, rule: alert.rule, title: alert.title, body: alert.detail.slice(0, 300), opened_at: alert.openedAt.toISOString() },
      keys,
      { urgency: alert.severity === 'critical' ? 'high' : 'normal', ttlSeconds: 24 * 3600 },
    );
    switch (outcome.status) {
      case 'sent':
        await em.nativeUpdate(PushSubscription, { id: sub.id }, { lastSuccessAt: this.clock.now() });
        return;
      case 'gone':
        await em.nativeDelete(PushSubscription, { id: sub.id });
        this.logger.info({ subscription_id: sub.id, status: outcome.httpStatus }, 'push subscription gone: deleted');
        return;
      case 'failed':
        if (outcome.retryable) throw new Error(`push service: ${outcome.message}`);
        this.logger.warn({ subscription_id: sub.id, status: outcome.httpStatus, message: outcome.message }, 'push refused');
        return;
    }
  }
}
