import { Injectable } from '@nestjs/common';
import type { SqlSession } from '../database/sql-session';
import type { DomainEvent } from '../events/domain-event.entity';
import type { EventConsumer } from '../events/event-consumer';
import type { EmailKind } from './email-message.entity';
import { EmailOutbox } from './email-outbox';
import { MailEndpointResolver } from './mail-endpoint';
import { ReceiptPolicy } from './receipt-policy';

/** The customer e-mail each event type asks for. */
const EMAIL_OF: Partial<Record<string, EmailKind>> = {
  'order.paid': 'receipt',
  'order.payment_failed': 'payment_failed',
  'refund.succeeded': 'refund',
  'credits.low_balance': 'credits_low_balance',
  'credits.renewal_failed': 'credits_renewal_failed',
};

/**
 * Turns payment and credits events into customer e-mails: a receipt per paid order, a notice per failed
 * payment (sent only when the customer was not there to see it, decided at send time), a confirmation per
 * refund, a notice per crossing of the low-balance threshold and per auto-renewal given up. Keyed by the
 * event's own dedupe key, so an event dispatched twice e-mails once. Whether the app wants the e-mail and
 * who receives it are settled when it is sent.
 */
@Injectable()
export class CustomerEmailsConsumer implements EventConsumer {
  readonly name = 'customer-emails';

  constructor(
    private readonly outbox: EmailOutbox,
    private readonly mail: MailEndpointResolver,
    private readonly receipts: ReceiptPolicy,
  ) {}

  async consume(tx: SqlSession, events: readonly DomainEvent[]): Promise<void> {
    if (!this.mail.enabled) return;
    for (const event of events) {
      const kind = EMAIL_OF[event.type];
      if (!kind) continue;
      // Invoicing apps: the receipt is asked for by the invoice, which it carries (receipt-policy.ts).
      if (kind === 'receipt' && this.receipts.waitsForInvoice(event.appId)) continue;
      const orderId = event.resourceType === 'order' ? event.resourceId : typeof event.data.order_id === 'string' ? event.data.order_id : null;
      await this.outbox.enqueue(tx, { appId: event.appId, kind, dedupeKey: `${kind}:${event.dedupeKey}`, eventId: event.id, orderId, context: { event_id: event.id } });
    }
  }
}
