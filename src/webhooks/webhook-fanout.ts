import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { derivedId } from '../common/ids';
import { AppConfig } from '../config/app-config';
import { EntityRows } from '../database/entity-rows';
import type { SqlSession } from '../database/sql-session';
import type { DomainEvent } from '../events/domain-event.entity';
import type { EventConsumer } from '../events/event-consumer';
import { JobQueue } from '../jobs/job-queue';
import { EventDelivery } from './event-delivery.entity';
import { totalAttempts } from './retry-schedule';
import { WebhookEndpoint } from './webhook-endpoint.entity';

export const DELIVER_JOB = 'webhooks.deliver';

/** Whether an endpoint's subscription covers an event type. */
export function subscribes(endpoint: Pick<WebhookEndpoint, 'events'>, type: string): boolean {
  return endpoint.events.includes('*') || endpoint.events.includes(type);
}

/**
 * The webhook consumer of domain events: one delivery per (event, subscribed enabled endpoint) and its
 * job, written in the dispatcher's transaction. Delivery ids derive from the pair, so a batch
 * dispatched twice (two instances, a crash after the effects) writes nothing new. An endpoint receives
 * the events created after it was: events older than the endpoint are only sent on a redelivery.
 */
@Injectable()
export class WebhookFanout implements EventConsumer {
  readonly name = 'webhooks';

  constructor(
    private readonly rows: EntityRows,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async consume(tx: SqlSession, events: readonly DomainEvent[]): Promise<void> {
    const appIds = [...new Set(events.map((e) => e.appId))];
    const endpoints = await this.rows.select(
      tx,
      WebhookEndpoint,
      `app_id in (${appIds.map(() => '?').join(', ')}) and status = 'enabled' and deleted_at is null`,
      appIds,
    );
    if (endpoints.length === 0) return;
    const now = this.clock.now();
    const deliveries: EventDelivery[] = [];
    for (const event of events) {
      for (const endpoint of endpoints) {
        if (endpoint.appId !== event.appId || !subscribes(endpoint, event.type) || endpoint.createdAt > event.createdAt) continue;
        deliveries.push(newDelivery(event, endpoint.id, now));
      }
    }
    await this.enqueue(tx, deliveries);
  }

  /** Inserts deliveries (skipping existing pairs) and one delivery job each. */
  async enqueue(tx: SqlSession, deliveries: EventDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.rows.insertIgnore(tx, EventDelivery, deliveries);
    const maxAttempts = totalAttempts(this.config.webhooks.retryScheduleMs);
    for (const d of deliveries) {
      await this.jobs.enqueueIn(tx, DELIVER_JOB, { deliveryId: d.id }, { dedupeKey: `webhook:${d.id}`, appId: d.appId, maxAttempts });
    }
  }
}

export function newDelivery(event: Pick<DomainEvent, 'id' | 'appId' | 'createdAt'>, endpointId: string, now: Date): EventDelivery {
  return {
    id: derivedId('eventDelivery', event.createdAt, `${event.id}:${endpointId}`),
    appId: event.appId,
    eventId: event.id,
    endpointId,
    status: 'pending',
    attempts: 0,
    lastStatusCode: null,
    lastError: null,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  };
}
