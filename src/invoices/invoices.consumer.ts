import { Injectable } from '@nestjs/common';
import type { SqlSession } from '../database/sql-session';
import type { DomainEvent } from '../events/domain-event.entity';
import type { EventConsumer } from '../events/event-consumer';
import { JobQueue } from '../jobs/job-queue';
import { ISSUE_CREDIT_NOTE_JOB, ISSUE_INVOICE_JOB } from './invoice-issuer';
import { IssuerRegistry } from './issuer-registry';

/**
 * A paid order asks for its sale document, a succeeded refund for its credit note: one job each, keyed by what it
 * documents, so a redelivered event, duplicate gateway webhooks or reconciliation all end in one job — and the job
 * itself issues once (invoice-issuer.ts).
 */
@Injectable()
export class InvoicesConsumer implements EventConsumer {
  readonly name = 'invoices';

  constructor(
    private readonly jobs: JobQueue,
    private readonly registry: IssuerRegistry,
  ) {}

  async consume(tx: SqlSession, events: readonly DomainEvent[]): Promise<void> {
    for (const event of events) {
      if (!this.registry.forApp(event.appId)) continue;
      if (event.type === 'order.paid') {
        await this.jobs.enqueueIn(
          tx,
          ISSUE_INVOICE_JOB,
          { order_id: event.resourceId, event_id: event.id, event_dedupe_key: event.dedupeKey },
          { dedupeKey: `${ISSUE_INVOICE_JOB}:sale:${event.resourceId}:1`, appId: event.appId },
        );
      } else if (event.type === 'refund.succeeded') {
        await this.jobs.enqueueIn(tx, ISSUE_CREDIT_NOTE_JOB, { refund_id: event.resourceId }, { dedupeKey: `${ISSUE_CREDIT_NOTE_JOB}:refund:${event.resourceId}:1`, appId: event.appId });
      }
    }
  }
}
