import type { DomainEvent } from '../events/domain-event.entity';
import type { EventDelivery } from './event-delivery.entity';
import type { EventDeliveryAttempt } from './event-delivery-attempt.entity';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function presentEvent(e: DomainEvent) {
  return { id: e.id, object: 'event' as const, type: e.type, created_at: e.createdAt.toISOString(), data: e.data };
}

export function presentDelivery(d: EventDelivery, attempts?: EventDeliveryAttempt[]) {
  return {
    id: d.id,
    object: 'event_delivery' as const,
    endpoint_id: d.endpointId,
    status: d.status,
    attempt_count: d.attempts,
    last_status_code: d.lastStatusCode,
    next_attempt_at: iso(d.nextAttemptAt),
    completed_at: iso(d.completedAt),
    ...(attempts ? { attempts: attempts.map(presentAttempt) } : {}),
  };
}

function presentAttempt(a: EventDeliveryAttempt) {
  return {
    id: a.id,
    attempt: a.attempt,
    trigger: a.triggeredBy,
    url: a.url,
    status_code: a.statusCode,
    succeeded: a.succeeded,
    duration_ms: a.durationMs,
    response_excerpt: a.responseExcerpt,
    error: a.error,
    created_at: a.createdAt.toISOString(),
  };
}
