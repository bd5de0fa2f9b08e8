import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { EntityRows } from '../database/entity-rows';
import type { SqlSession } from '../database/sql-session';
import { EmailMessage, type EmailKind, type EmailStatus } from './email-message.entity';
import { EmailOutbox } from './email-outbox';
import { MailEndpointResolver } from './mail-endpoint';

/** The e-mails that carry a document (its PDF and XML attached, `context.invoice_id`). */
const CARRIERS: readonly EmailKind[] = ['receipt', 'invoice_replaced'];

/**
 * A send began (`sending`: it may have reached Postmark, a timeout or a lost answer) or ended at Postmark: the customer
 * may hold the document, so only a notice can correct it.
 */
const HANDED_OVER: readonly EmailStatus[] = ['sending', 'sent'];

export interface ReplacedDocument {
  appId: string;
  orderId: string;
  /** The rejected document (its number is burned). */
  rejectedId: string;
  /** The document issued in its place. */
  replacementId: string;
}

/** What the customer hears of a replacement: nothing new (the waiting e-mail now carries it), a notice, or nothing (never sent). */
export type ReplacementNotice = 'carried_by_waiting_email' | 'notice' | 'not_sent_before';

/**
 * The customer's side of a document issued to replace a rejected one, decided in the transaction that issues it
 * (invoice-issuer.ts), so once per replacement however often its job runs:
 * - an e-mail that carries the rejected document and was not handed to Postmark yet (`queued`: the receipt still
 *   waiting) is pointed at the replacement instead — conditionally on still being `queued` — and goes out with it:
 *   one e-mail for the sale, never a receipt with a void document followed by a correction;
 * - if it was handed over (`sending`/`sent`), the customer may hold the void document: one `invoice_replaced` e-mail,
 *   keyed by the rejected document, says X was replaced by Y and carries Y;
 * - if no e-mail ever carried it (a credit note — the refund e-mail carries none —, receipts switched off, no
 *   address, refused by Postmark), the customer never had it and hears nothing.
 * A queued e-mail can be re-pointed only until its send job marks it `sending`; the job composes again if that
 * happened between its read and its mark (email-send.job.ts), so it always sends what the row says.
 */
@Injectable()
export class InvoiceReplacementEmails {
  constructor(
    private readonly rows: EntityRows,
    private readonly outbox: EmailOutbox,
    private readonly mail: MailEndpointResolver,
    private readonly clock: Clock,
  ) {}

  async documentReplaced(tx: SqlSession, r: ReplacedDocument): Promise<ReplacementNotice> {
    if (!this.mail.enabled) return 'not_sent_before';
    const carriers = await this.carriersOf(tx, r.orderId, r.rejectedId);
    let handedOver = carriers.some((e) => HANDED_OVER.includes(e.status));
    let repointed = false;
    if (!handedOver) {
      const now = this.clock.now();
      for (const email of carriers.filter((e) => e.status === 'queued')) {
        const context = JSON.stringify({ ...email.context, invoice_id: r.replacementId });
        const moved = await tx.run("update email_messages set context = ?, updated_at = ? where id = ? and status = 'queued'", [context, now, email.id]);
        // Its send began since it was read: it carries the rejected document.
        if (moved === 0) handedOver = true;
        else repointed = true;
      }
    }
    if (!handedOver) return repointed ? 'carried_by_waiting_email' : 'not_sent_before';
    await this.outbox.enqueue(tx, {
      appId: r.appId,
      kind: 'invoice_replaced',
      dedupeKey: `invoice_replaced:${r.rejectedId}`,
      orderId: r.orderId,
      context: { invoice_id: r.replacementId, replaces_invoice_id: r.rejectedId },
    });
    return 'notice';
  }

  /**
   * The e-mail that handed this document to Postmark (the latest, if several), or null: the customer may hold the
   * document only if there is one. Asked again when the notice is sent — a receipt still `sending` at the replacement
   * may since have been refused for good, and a notice about a document the customer never got would only confuse —
   * and its address is where the void document went, so where the notice goes.
   */
  async handedOverCarrier(tx: SqlSession, orderId: string, invoiceId: string): Promise<EmailMessage | null> {
    const handedOver = (await this.carriersOf(tx, orderId, invoiceId)).filter((e) => HANDED_OVER.includes(e.status));
    return handedOver.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0] ?? null;
  }

  private async carriersOf(tx: SqlSession, orderId: string, invoiceId: string): Promise<EmailMessage[]> {
    const emails = await this.rows.select(tx, EmailMessage, 'order_id = ?', [orderId]);
    return emails.filter((e) => CARRIERS.includes(e.kind) && e.context.invoice_id === invoiceId);
  }
}
