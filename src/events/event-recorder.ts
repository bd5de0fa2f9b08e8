import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { EntityRows } from '../database/entity-rows';
import type { SqlSession } from '../database/sql-session';
import { DomainEvent } from './domain-event.entity';
import { EventDispatcher } from './event-dispatcher';
import type { EventType } from './event-types';

export interface NewEvent {
  appId: string;
  type: EventType;
  resource: { type: string; id: string };
  /** The resource as the public API shows it, at the moment of the change. */
  data: object;
  /** What makes this event unique; default `<type>:<resource id>` (an order is paid once). */
  dedupeKey?: string;
  at?: Date;
}

/**
 * The one way a capability says that something happened: `record` INSERTs the event on the caller's
 * transaction — the one that commits the change itself — so the event exists exactly when the change
 * does, at the cost of one statement. Everything the outside world hears (webhooks, e-mails) is derived
 * from these rows later by the dispatcher, outside the payment path.
 */
@Injectable()
export class EventRecorder {
  constructor(
    private readonly rows: EntityRows,
    private readonly clock: Clock,
    private readonly dispatcher: EventDispatcher,
  ) {}

  /** The new event's id, or null when an event with the same dedupe key already exists. */
  async record(session: SqlSession, event: NewEvent): Promise<string | null> {
    const row: DomainEvent = {
      id: newId('event'),
      appId: event.appId,
      type: event.type,
      resourceType: event.resource.type,
      resourceId: event.resource.id,
      data: event.data as Record<string, unknown>,
      dedupeKey: event.dedupeKey ?? `${event.type}:${event.resource.id}`,
      createdAt: event.at ?? this.clock.now(),
      dispatchedAt: null,
    };
    const added = await this.rows.insertIgnore(session, DomainEvent, [row]);
    if (added === 0) return null;
    // Only a hint (the transaction has not committed yet): the dispatcher looks again shortly.
    this.dispatcher.nudge();
    return row.id;
  }
}
