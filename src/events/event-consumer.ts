import type { SqlSession } from '../database/sql-session';
import type { DomainEvent } from './domain-event.entity';

/**
 * Something that acts on domain events (webhook fan-out, customer e-mails). `consume` runs inside the
 * dispatcher's transaction, which also marks the events dispatched: it must only write its effects on
 * `tx` — rows and jobs keyed so that a second run writes nothing new (INSERT IGNORE on a unique key) —
 * and do no other I/O. The slow work (HTTP, rendering) happens in the jobs it enqueues.
 */
export interface EventConsumer {
  readonly name: string;
  consume(tx: SqlSession, events: readonly DomainEvent[]): Promise<void>;
}
