import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Counter } from 'prom-client';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { AppConfig } from '../config/app-config';
import { EntityRows } from '../database/entity-rows';
import { SqlRunner } from '../database/sql-runner';
import { DomainEvent } from '../events/domain-event.entity';
import { type JobContext, RetryAt } from '../jobs/job-queue';
import { MetricsService } from '../metrics/metrics.service';
import { EventDelivery } from './event-delivery.entity';
import { EventDeliveryAttempt } from './event-delivery-attempt.entity';
import { nextAttemptDelayMs } from './retry-schedule';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { type WebhookPostResult, WebhookHttpSender } from './webhook-http.sender';
import { signWebhook } from './webhook-signature';

export interface DeliverPayload {
  deliveryId: string;
  /** A redelivery asked for through the API: one attempt, no retries. */
  manual?: boolean;
}

/** The body a client app receives (api.md): the same `id` on every attempt, which is also the `webhook-id`. */
export function webhookBody(event: DomainEvent): string {
  return JSON.stringify({ id: event.id, type: event.type, created_at: event.createdAt.toISOString(), data: event.data });
}

/**
 * One attempt of one delivery (the `webhooks.deliver` job). Signed per the Standard Webhooks
 * specification, POSTed, logged as an attempt; on failure the job comes back at the next step of
 * SMARTPAY_WEBHOOK_RETRY_SCHEDULE (RetryAt), and when the schedule is exhausted the delivery fails and
 * the endpoint is disabled (with its other pending deliveries canceled) — an alert rule reports it.
 * At-least-once: a crash after the POST and before the attempt is recorded sends it again, under the
 * same `webhook-id`, which receivers use to ignore repeats.
 */
@Injectable()
export class WebhookDeliveryJob {
  private readonly attempts: Counter<'outcome'>;

  constructor(
    private readonly em: EntityManager,
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly endpoints: WebhookEndpointsService,
    private readonly http: WebhookHttpSender,
    private readonly logger: PinoLogger,
    metrics: MetricsService,
  ) {
    this.logger.setContext('Webhooks');
    this.attempts = new Counter({
      name: 'smartpay_webhook_delivery_attempts_total',
      help: 'Webhook delivery attempts to client apps by outcome (succeeded, failed)',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
  }

  async run(payload: DeliverPayload, ctx: JobContext): Promise<void> {
    const em = this.em.fork();
    const delivery = await em.findOne(EventDelivery, { id: payload.deliveryId });
    if (!delivery) return;
    const manual = payload.manual === true;
    // Already delivered, failed for good or canceled: an automatic re-run has nothing left to do.
    if (!manual && delivery.status !== 'pending') return;
    const [endpoint, event] = await Promise.all([em.findOne(WebhookEndpoint, { id: delivery.endpointId }), em.findOne(DomainEvent, { id: delivery.eventId })]);
    if (!endpoint || endpoint.deletedAt || !event) return this.cancel(delivery, 'the endpoint was deleted');
    if (endpoint.status !== 'enabled' && !manual) return this.cancel(delivery, 'the endpoint is disabled');

    const now = this.clock.now();
    const body = webhookBody(event);
    const timestamp = Math.floor(now.getTime() / 1000);
    const signature = signWebhook(await this.endpoints.signingSecrets(endpoint, now), event.id, timestamp, body);
    const result = await this.http.post(endpoint.url, { 'webhook-id': event.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature }, body);
    const ok = result.kind === 'response' && result.status >= 200 && result.status < 300;
    this.attempts.inc({ outcome: ok ? 'succeeded' : 'failed' });

    const last = !manual && ctx.attempt >= ctx.maxAttempts;
    const delay = ok || manual || last ? null : nextAttemptDelayMs(this.config.webhooks.retryScheduleMs, ctx.attempt);
    const retryAt = delay === null ? null : new Date(this.clock.now().getTime() + delay);
    const exhausted = !ok && !manual && retryAt === null;
    await this.record(delivery, endpoint, result, ok, manual, retryAt, exhausted);
    if (retryAt) throw new RetryAt(retryAt, `delivery ${delivery.id} failed: ${failureText(result)}`);
    if (exhausted) this.logger.warn({ delivery_id: delivery.id, endpoint_id: endpoint.id }, 'webhook retry schedule exhausted: endpoint disabled');
  }

  /** The attempt, the delivery's new state and (when the schedule is exhausted) the endpoint's, in one transaction. */
  private async record(
    delivery: EventDelivery,
    endpoint: WebhookEndpoint,
    result: WebhookPostResult,
    ok: boolean,
    manual: boolean,
    retryAt: Date | null,
    exhausted: boolean,
  ): Promise<void> {
    const now = this.clock.now();
    const status = result.kind === 'response' ? result.status : null;
    const error = result.kind === 'error' ? result.error.slice(0, 300) : null;
    await this.sql.transaction(async (tx) => {
      // The attempt number comes from the row itself, so a manual and an automatic attempt racing each get their own.
      await tx.run('update event_deliveries set attempts = attempts + 1, last_status_code = ?, last_error = ?, updated_at = ? where id = ?', [status, error, now, delivery.id]);
      const [{ attempts }] = (await tx.all<{ attempts: number }>('select attempts from event_deliveries where id = ?', [delivery.id])) as [{ attempts: number }];
      if (ok) {
        await tx.run("update event_deliveries set status = 'succeeded', next_attempt_at = null, completed_at = ? where id = ?", [now, delivery.id]);
      } else if (retryAt) {
        await tx.run("update event_deliveries set next_attempt_at = ? where id = ? and status = 'pending'", [retryAt, delivery.id]);
      } else if (exhausted) {
        await tx.run("update event_deliveries set status = 'failed', next_attempt_at = null, completed_at = ? where id = ? and status = 'pending'", [now, delivery.id]);
        const reason = `disabled after ${Number(attempts)} failed attempts to deliver ${delivery.eventId}: ${failureText(result)}`.slice(0, 300);
        const disabled = await tx.run("update webhook_endpoints set status = 'disabled', disabled_at = ?, disabled_reason = ?, updated_at = ? where id = ? and status = 'enabled'", [
          now,
          reason,
          now,
          endpoint.id,
        ]);
        if (disabled === 1) {
          await tx.run("update event_deliveries set status = 'canceled', next_attempt_at = null, completed_at = ?, last_error = ? where endpoint_id = ? and status = 'pending'", [
            now,
            'the endpoint was disabled',
            endpoint.id,
          ]);
        }
      }
      const attempt: EventDeliveryAttempt = {
        id: newId('deliveryAttempt'),
        appId: delivery.appId,
        deliveryId: delivery.id,
        eventId: delivery.eventId,
        endpointId: endpoint.id,
        attempt: Number(attempts),
        triggeredBy: manual ? 'manual' : 'automatic',
        url: endpoint.url,
        statusCode: status,
        succeeded: ok,
        durationMs: result.durationMs,
        responseExcerpt: result.kind === 'response' ? result.excerpt : null,
        error,
        createdAt: now,
      };
      await this.rows.insert(tx, EventDeliveryAttempt, attempt);
    });
  }

  private async cancel(delivery: EventDelivery, reason: string): Promise<void> {
    const now = this.clock.now();
    await this.sql.run("update event_deliveries set status = 'canceled', next_attempt_at = null, completed_at = ?, last_error = ?, updated_at = ? where id = ? and status = 'pending'", [
      now,
      reason,
      now,
      delivery.id,
    ]);
  }
}

function failureText(result: WebhookPostResult): string {
  return result.kind === 'response' ? `HTTP ${result.status}` : result.error;
}
