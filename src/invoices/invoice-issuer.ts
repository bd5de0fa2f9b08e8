import { DeadlockException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { AppConfig } from '../config/app-config';
import { CreditPackageCatalog } from '../credits/credit-packages';
import { Customer } from '../customers/customer.entity';
import { EntityRows } from '../database/entity-rows';
import { SqlRunner } from '../database/sql-runner';
import type { SqlSession } from '../database/sql-session';
import { EventRecorder } from '../events/event-recorder';
import { JobQueue } from '../jobs/job-queue';
import { EmailOutbox } from '../notifications/email-outbox';
import { InvoiceReplacementEmails } from '../notifications/invoice-replacement-emails';
import { Order } from '../orders/order.entity';
import { Refund } from '../refunds/refund.entity';
import { type BuyerFacts, type PlannedDocument, planCreditNote, planSale } from './document-builder';
import { Invoice } from './invoice.entity';
import { InvoiceNumbers } from './invoice-numbers';
import { presentInvoice } from './invoice.presenter';
import { IssuerRegistry, type ResolvedIssuer } from './issuer-registry';
import { replacementAttempt } from './reissue-rules';
import { buildUbl } from './ubl/ubl-builder';
import { signUbl } from './ubl/ubl-signer';

export const ISSUE_INVOICE_JOB = 'invoices.issue';
export const ISSUE_CREDIT_NOTE_JOB = 'invoices.issue_credit_note';
export const SUBMIT_INVOICE_JOB = 'invoices.submit';

/** Order statuses in which the order was paid (a later refund does not undo that it was paid). */
const PAID = new Set(['paid', 'partially_refunded', 'refunded', 'disputed']);

/** Thrown when a document cannot be issued yet (its original is not issued); the job retries with backoff. */
export class NotYetIssuable extends Error {
  override readonly name = 'NotYetIssuable';
}

/** What a document is linked to; the receipt is not stored on the row, so the job that finishes it passes it again. */
interface IssueLinks {
  orderId: string;
  refundId: string | null;
  referenceInvoiceId: string | null;
  replaces: string | null;
  receipt: PendingReceipt | null;
}

/** A document and whether this call issued it (moved it `numbered` → `issued`), or found it issued by another run. */
export interface IssueOutcome {
  invoice: Invoice;
  issuedNow: boolean;
}

/** The receipt the sale's invoice releases (receipt-policy.ts): the e-mail the `order.paid` event would have asked for. */
export interface PendingReceipt {
  eventId: string;
  eventDedupeKey: string;
}

/**
 * Issues documents in two steps (`number`, then `finish`): a short transaction allocates the number and stores the
 * document row; then the UBL is built and signed outside any transaction and a second one stores the XML, points
 * the order at it, records `invoice.issued` and enqueues its submission — unless it is a boleta (or its note) of an
 * issuer that reports those in the daily summary — and, for a sale, the receipt e-mail with the invoice attached.
 * Exactly once per `issueKey`: the check and the insert are in the same transaction as the number, and a job that
 * runs twice (a crash, a lease taken over) either finds the document (finishing it if it is still `numbered`) or
 * rolls back its number when the unique key refuses its twin.
 */
@Injectable()
export class InvoiceIssuer {
  constructor(
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly numbers: InvoiceNumbers,
    private readonly registry: IssuerRegistry,
    private readonly events: EventRecorder,
    private readonly jobs: JobQueue,
    private readonly outbox: EmailOutbox,
    private readonly replacementEmails: InvoiceReplacementEmails,
    private readonly packages: CreditPackageCatalog,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Invoices');
  }

  /** The sale document of a paid order; `attempt` > 1 replaces a rejected one. Null when nothing is to be issued. */
  async issueForOrder(orderId: string, options: { attempt?: number; replaces?: string | null; receipt?: PendingReceipt | null } = {}): Promise<Invoice | null> {
    return (await this.issueSale(orderId, options))?.invoice ?? null;
  }

  /** The credit note of a succeeded refund, modifying the order's current sale document. */
  async issueForRefund(refundId: string, options: { attempt?: number; replaces?: string | null } = {}): Promise<Invoice | null> {
    return (await this.issueCreditNote(refundId, options))?.invoice ?? null;
  }

  /**
   * The replacement of a rejected document, issued exactly as the automatic reissue issues it (same attempt, so the
   * same `issue_key`: a person and the automatic job racing end in one document). Null when nothing can be issued
   * (the order is no longer paid, invoicing is off for the app); throws NotYetIssuable for a credit note whose sale
   * document is itself rejected and not replaced yet.
   */
  async reissue(rejected: Invoice): Promise<IssueOutcome | null> {
    const options = { attempt: replacementAttempt(rejected), replaces: rejected.id };
    return rejected.refundId ? this.issueCreditNote(rejected.refundId, options) : this.issueSale(rejected.orderId, options);
  }

  private async issueSale(orderId: string, options: { attempt?: number; replaces?: string | null; receipt?: PendingReceipt | null }): Promise<IssueOutcome | null> {
    const attempt = options.attempt ?? 1;
    const [order] = await this.rows.select(this.sql, Order, 'id = ?', [orderId]);
    if (!order || !PAID.has(order.status)) {
      this.logger.warn({ orderId, status: order?.status }, 'invoice skipped: the order is not paid');
      return null;
    }
    const issuer = this.registry.forApp(order.appId);
    if (!issuer) return null;
    const buyer = order.customerId ? await this.buyer(order.appId, order.customerId) : null;
    const pkg = order.creditPackage ? this.packages.get(order.creditPackage) : undefined;
    return this.issue(issuer, order.appId, `sale:${order.id}:${attempt}`, (now) =>
      planSale(
        {
          currency: order.currency,
          amount: order.amount,
          items: order.items,
          description: order.description,
          reference: order.reference,
          creditPackage: pkg ? { name: pkg.name, credits: pkg.credits, bonusCredits: pkg.bonus_credits } : null,
          buyer,
        },
        this.context(issuer, now),
      ),
      { orderId: order.id, refundId: null, referenceInvoiceId: null, replaces: options.replaces ?? null, receipt: attempt === 1 ? (options.receipt ?? null) : null },
    );
  }

  private async issueCreditNote(refundId: string, options: { attempt?: number; replaces?: string | null }): Promise<IssueOutcome | null> {
    const attempt = options.attempt ?? 1;
    const [refund] = await this.rows.select(this.sql, Refund, 'id = ?', [refundId]);
    if (!refund || refund.status !== 'succeeded') return null;
    const issuer = this.registry.forApp(refund.appId);
    if (!issuer) return null;
    const [order] = await this.rows.select(this.sql, Order, 'id = ?', [refund.orderId]);
    if (!order) return null;
    const original = order.invoiceId ? ((await this.rows.select(this.sql, Invoice, 'id = ?', [order.invoiceId]))[0] ?? null) : null;
    // The sale's document may still be on its way (issued by its own job), or being replaced after a rejection.
    if (!original || original.status === 'rejected') throw new NotYetIssuable(`the sale document of ${order.id} is not issued yet`);
    return this.issue(
      issuer,
      refund.appId,
      `refund:${refund.id}:${attempt}`,
      (now) => planCreditNote(original.document, { amount: refund.amount, full: refund.amount === original.total, reasons: this.config.invoices.creditNoteReasons }, this.context(issuer, now)),
      { orderId: order.id, refundId: refund.id, referenceInvoiceId: original.id, replaces: options.replaces ?? null, receipt: null },
    );
  }

  private context(issuer: ResolvedIssuer, now: Date) {
    return { issuer: issuer.party, series: issuer.series, unitCode: this.config.invoices.unitCode, now };
  }

  private async issue(
    issuer: ResolvedIssuer,
    appId: string,
    issueKey: string,
    plan: (now: Date) => PlannedDocument,
    links: IssueLinks,
  ): Promise<IssueOutcome> {
    const [existing] = await this.rows.select(this.sql, Invoice, 'issue_key = ?', [issueKey]);
    const row = existing ?? (await this.numberOnce(issuer, appId, issueKey, plan, links));
    // Still `numbered`: just taken here, or left by a run that died before signing.
    return row.status === 'numbered' ? this.finish(issuer, row, links) : { invoice: row, issuedNow: false };
  }

  /** Step 1 for an issue_key not seen yet, or the row a twin run committed under it meanwhile. */
  private async numberOnce(issuer: ResolvedIssuer, appId: string, issueKey: string, plan: (now: Date) => PlannedDocument, links: IssueLinks): Promise<Invoice> {
    const now = this.clock.now();
    // Planned outside any transaction (pure, may throw on bad data).
    const planned = plan(now);
    try {
      // The first document of a series creates its sequence row: concurrent first issuers' INSERT IGNOREs can
      // deadlock on InnoDB; the victim's whole transaction was rolled back, so running it again is safe.
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.number(issuer, appId, issueKey, planned, links, now);
        } catch (err) {
          if (!(err instanceof DeadlockException) || attempt >= 3) throw err;
        }
      }
    } catch (err) {
      // A twin run committed the same issue_key while this one waited for the series' row lock (its check above
      // ran before that commit): the unique key refused this insert and the rollback returned the number. The
      // document exists exactly once; carry on with that one.
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      const [twin] = await this.rows.select(this.sql, Invoice, 'issue_key = ?', [issueKey]);
      if (!twin) throw err;
      return twin;
    }
  }

  /**
   * Step 1: the number and the document row (status `numbered`, no XML yet), committed at once. Nothing slow
   * happens while the series' sequence row is locked — on SQLite, while the one writer is held — so issuing
   * documents does not queue payments' commits behind signatures.
   */
  private number(issuer: ResolvedIssuer, appId: string, issueKey: string, planned: PlannedDocument, links: IssueLinks, now: Date): Promise<Invoice> {
    return this.sql.transaction(async (tx) => {
      const [twin] = await this.rows.select(tx, Invoice, 'issue_key = ?', [issueKey]);
      if (twin) return twin;
      const number = await this.numbers.next(tx, appId, planned.typeCode, planned.series, now);
      const document = { ...planned.document, number };
      const invoice: Invoice = {
        id: newId('invoice'),
        appId,
        kind: planned.kind,
        typeCode: planned.typeCode,
        series: planned.series,
        number,
        issueKey,
        orderId: links.orderId,
        refundId: links.refundId,
        referenceInvoiceId: links.referenceInvoiceId,
        replacesInvoiceId: links.replaces,
        currency: document.currency,
        subtotal: document.amounts.totals.base,
        igv: document.amounts.totals.igv,
        total: document.amounts.totals.total,
        customer: document.customer,
        document,
        xml: '',
        hash: '',
        status: 'numbered',
        sunatCode: null,
        sunatDescription: null,
        sunatObservations: [],
        cdr: null,
        submitAttempts: 0,
        // Boletas and their notes of an issuer that reports them in the daily summary wait for it (no sendBill).
        submission: issuer.boletas === 'daily_summary' && planned.series.startsWith('B') ? 'summary' : 'bill',
        summaryId: null,
        summaryDocument: null,
        answeredAt: null,
        createdAt: now,
        updatedAt: now,
      };
      await this.rows.insert(tx, Invoice, invoice);
      return invoice;
    });
  }

  /**
   * Step 2: build and sign the stored document outside any transaction, then, in one transaction, store the XML
   * (`numbered` → `issued`, conditionally, so of two runs finishing the same row exactly one goes on), point the
   * order at it, record `invoice.issued`, enqueue its submission and the receipt. A crash between the steps leaves a
   * `numbered` row the retried job finishes (its number is taken, so the series has no gap); the document, number
   * and dates were fixed in step 1 and RSA PKCS#1 v1.5 signatures are deterministic, so any run signs the same bytes.
   */
  private async finish(issuer: ResolvedIssuer, numbered: Invoice, links: IssueLinks): Promise<IssueOutcome> {
    const signed = signUbl(buildUbl(numbered.document), issuer.credentials, { algorithm: this.config.invoices.signatureAlgorithm });
    const now = this.clock.now();
    const invoice: Invoice = { ...numbered, xml: signed.xml, hash: signed.digestValue, status: 'issued', updatedAt: now };
    const finished = await this.sql.transaction(async (tx) => {
      const changed = await tx.run("update invoices set xml = ?, hash = ?, status = 'issued', updated_at = ? where id = ? and status = 'numbered'", [
        invoice.xml,
        invoice.hash,
        now,
        invoice.id,
      ]);
      if (changed === 0) return false; // a twin run finished it first
      if (invoice.kind !== 'credit_note') await tx.run('update orders /*! FORCE INDEX (PRIMARY) */ set invoice_id = ?, updated_at = ? where id = ?', [invoice.id, now, invoice.orderId]);
      await this.events.record(tx, { appId: invoice.appId, type: 'invoice.issued', resource: { type: 'invoice', id: invoice.id }, data: presentInvoice(invoice), at: now });
      if (invoice.submission === 'bill') await this.enqueueSubmission(tx, invoice);
      if (links.receipt) {
        await this.outbox.enqueue(tx, {
          appId: invoice.appId,
          kind: 'receipt',
          dedupeKey: `receipt:${links.receipt.eventDedupeKey}`,
          eventId: links.receipt.eventId,
          orderId: invoice.orderId,
          context: { event_id: links.receipt.eventId, invoice_id: invoice.id },
        });
      }
      if (invoice.replacesInvoiceId) {
        // The customer may hold the rejected document: a waiting e-mail carries this one instead, or a notice says so.
        const notice = await this.replacementEmails.documentReplaced(tx, { appId: invoice.appId, orderId: invoice.orderId, rejectedId: invoice.replacesInvoiceId, replacementId: invoice.id });
        this.logger.info({ invoiceId: invoice.id, replaces: invoice.replacesInvoiceId, notice }, 'replacement document issued');
      }
      return true;
    });
    if (finished) return { invoice, issuedNow: true };
    const [twin] = await this.rows.select(this.sql, Invoice, 'id = ?', [invoice.id]);
    return { invoice: twin!, issuedNow: false };
  }

  async enqueueSubmission(tx: SqlSession, invoice: Invoice): Promise<void> {
    await this.jobs.enqueueIn(tx, SUBMIT_INVOICE_JOB, { invoice_id: invoice.id }, {
      dedupeKey: `${SUBMIT_INVOICE_JOB}:${invoice.id}`,
      appId: invoice.appId,
      // One attempt per resend of the schedule, plus the first send.
      maxAttempts: this.config.invoices.submitRetryScheduleMs.length + 1,
    });
  }

  /** The buyer as the customer record says now (billing preferences included). */
  private async buyer(appId: string, customerId: string): Promise<BuyerFacts | null> {
    const [c] = await this.rows.select(this.sql, Customer, 'id = ? and app_id = ?', [customerId, appId]);
    if (!c) return null;
    return {
      name: c.name,
      documentType: c.documentType,
      documentNumber: c.documentNumber,
      invoiceType: c.billing.invoice_type === 'factura' ? 'factura' : 'boleta',
      businessName: c.billing.business_name,
      address: c.billing.address,
    };
  }
}
