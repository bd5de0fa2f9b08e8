import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { Clock } from '../common/clock';
import { ApiError } from '../common/errors/api-error';
import { isId } from '../common/ids';
import { decodeCursor, toPage } from '../common/pagination/cursor-page';
import { SqlRunner } from '../database/sql-runner';
import { DomainEvent } from '../events/domain-event.entity';
import { JobQueue } from '../jobs/job-queue';
import { randomBase62 } from '../common/secrets';
import { EventDelivery } from './event-delivery.entity';
import { EventDeliveryAttempt } from './event-delivery-attempt.entity';
import { presentDelivery, presentEvent } from './event.presenter';
import type { ListEventsQuery, RedeliverEventInput } from './event.schemas';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { DELIVER_JOB, newDelivery, subscribes, WebhookFanout } from './webhook-fanout';

/** The event log of an app (GET /v1/events…) and manual redelivery. */
@Injectable()
export class EventsService {
  constructor(
    private readonly em: EntityManager,
    private readonly sql: SqlRunner,
    private readonly clock: Clock,
    private readonly jobs: JobQueue,
    private readonly endpoints: WebhookEndpointsService,
    private readonly fanout: WebhookFanout,
  ) {}

  async list(caller: AuthedCaller, query: ListEventsQuery) {
    const before = decodeCursor(query.cursor, 'event');
    const rows = await this.em.find(
      DomainEvent,
      { appId: caller.appId, ...(query.type ? { type: query.type } : {}), ...(before ? { id: { $lt: before } } : {}) },
      { orderBy: { id: 'desc' }, limit: query.limit + 1 },
    );
    return toPage(rows, query.limit, presentEvent);
  }

  async get(caller: AuthedCaller, id: string) {
    const event = await this.load(caller, id);
    const deliveries = await this.em.find(EventDelivery, { eventId: event.id, appId: caller.appId }, { orderBy: { id: 'asc' } });
    const attempts = await this.em.find(EventDeliveryAttempt, { eventId: event.id, appId: caller.appId }, { orderBy: { id: 'asc' } });
    return {
      ...presentEvent(event),
      deliveries: deliveries.map((d) => presentDelivery(d, attempts.filter((a) => a.deliveryId === d.id))),
    };
  }

  /**
   * Sends the event again now (under the same `webhook-id`), to one endpoint or to every enabled endpoint
   * subscribed to its type: one more attempt where it was delivered (or tried) before — a manual attempt
   * starts no new retry schedule —, a regular delivery with retries where it never was.
   */
  async redeliver(caller: AuthedCaller, id: string, input: RedeliverEventInput) {
    const event = await this.load(caller, id);
    let targets: WebhookEndpoint[];
    if (input.endpoint_id !== undefined) {
      const endpoint = await this.endpoints.load(caller, input.endpoint_id);
      if (endpoint.status !== 'enabled') throw new ApiError('webhook_endpoint_disabled', `Endpoint ${endpoint.id} is disabled; enable it first (PATCH /v1/webhook-endpoints/${endpoint.id})`);
      targets = [endpoint];
    } else {
      const enabled = await this.em.find(WebhookEndpoint, { appId: caller.appId, status: 'enabled', deletedAt: null });
      targets = enabled.filter((e) => subscribes(e, event.type));
    }
    const now = this.clock.now();
    const deliveries = targets.map((t) => newDelivery(event, t.id, now));
    const request = randomBase62(12);
    await this.sql.transaction(async (tx) => {
      const ids = deliveries.map((d) => d.id);
      const known = ids.length === 0 ? [] : await tx.all<{ id: string }>(`select id from event_deliveries where id in (${ids.map(() => '?').join(', ')})`, ids);
      const existing = new Set(known.map((k) => k.id));
      // An endpoint that never had this event gets a regular delivery, retries included; one that had it
      // gets one more attempt now.
      await this.fanout.enqueue(tx, deliveries.filter((d) => !existing.has(d.id)));
      for (const d of deliveries.filter((d) => existing.has(d.id))) {
        await this.jobs.enqueueIn(tx, DELIVER_JOB, { deliveryId: d.id, manual: true }, { dedupeKey: `webhook:${d.id}:manual:${request}`, appId: d.appId, maxAttempts: 1 });
      }
    });
    const stored = await this.em.fork().find(EventDelivery, { id: { $in: deliveries.map((d) => d.id) } }, { orderBy: { id: 'asc' } });
    return {
      object: 'event_redelivery' as const,
      event_id: event.id,
      deliveries: stored.map((d) => ({ id: d.id, object: 'event_delivery' as const, endpoint_id: d.endpointId, status: d.status })),
    };
  }

  private async load(caller: AuthedCaller, id: string): Promise<DomainEvent> {
    if (!isId('event', id)) throw ApiError.notFound('event');
    const event = await this.em.findOne(DomainEvent, { id, appId: caller.appId });
    if (!event) throw ApiError.notFound('event');
    return event;
  }
}
