import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AlertsService } from '../alerts/alerts.service';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { EntityRows } from '../database/entity-rows';
import { SqlRunner } from '../database/sql-runner';
import { EventRecorder } from '../events/event-recorder';
import { JobQueue, RetryAt, type JobContext } from '../jobs/job-queue';
import { Invoice, type InvoiceStatus } from './invoice.entity';
import { invoiceRejectedAlert, invoiceStuckAlert } from './invoice-alerts';
import { documentFileName } from './invoice-document';
import { ISSUE_CREDIT_NOTE_JOB, ISSUE_INVOICE_JOB } from './invoice-issuer';
import { presentInvoice } from './invoice.presenter';
import { IssuerRegistry } from './issuer-registry';
import { issueAttempt, replacementAttempt, replacementIssueKey } from './reissue-rules';
import type { SqlSession } from '../database/sql-session';
import type { SubmissionAnswer, SubmissionResult } from './submission/submission-port';
import { zipDocument } from './ubl/document-zip';

/** SUNAT's decision on one document: from its own CDR (sendBill) or from its daily summary's. */
export interface DocumentAnswer extends Pick<SubmissionAnswer, 'outcome' | 'code' | 'description' | 'observations'> {
  /** The CDR zip, base64; null for a document answered through its summary (the summary keeps the CDR). */
  cdr: string | null;
  /** Whether this answer came from a send of the document itself (counted in submit_attempts). */
  submitted: boolean;
}

/**
 * Sends an issued document to SUNAT/OSE and acts on the answer, following SUNAT's rules:
 * - accepted (code 0) or accepted with observations (≥ 4000): stored with the CDR, `invoice.accepted`;
 * - rejected (2000–3999): the number is burned (the document stays, status `rejected`), `invoice.rejected`, an
 *   alert, and — while INVOICE_MAX_REISSUES allows — the same sale or refund issued again under a new number, built
 *   from the data as it is now (a corrected customer record is picked up);
 * - an exception (SOAP fault 0100–1999, HTTP error, timeout, refused connection): SUNAT did not take the document,
 *   so the *same* document is sent again on INVOICE_SUBMIT_RETRY_SCHEDULE; after the last, status `error` and an alert.
 * Every outcome is written with `where status = 'issued'`, so a duplicate run changes nothing twice.
 */
@Injectable()
export class InvoiceSubmission {
  constructor(
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly registry: IssuerRegistry,
    private readonly events: EventRecorder,
    private readonly jobs: JobQueue,
    private readonly alerts: AlertsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Invoices');
  }

  async submit(invoiceId: string, ctx: Pick<JobContext, 'attempt' | 'maxAttempts'>): Promise<void> {
    const [invoice] = await this.rows.select(this.sql, Invoice, 'id = ?', [invoiceId]);
    if (!invoice || invoice.status !== 'issued') return;
    const issuer = this.registry.forApp(invoice.appId);
    if (!issuer) {
      this.logger.warn({ invoiceId, appId: invoice.appId }, 'invoice not submitted: invoicing is off for its app now');
      return;
    }
    const fileName = documentFileName(invoice.document.issuer.ruc, invoice.typeCode, invoice.series, invoice.number);
    let result: SubmissionResult;
    try {
      result = await issuer.submitter().sendBill(`${fileName}.zip`, zipDocument(fileName, invoice.xml));
    } catch (err) {
      result = { outcome: 'exception', code: 'client', description: (err as Error).message, retryable: true };
    }
    const now = this.clock.now();
    if (result.outcome === 'exception') {
      const attempts = invoice.submitAttempts + 1;
      const last = ctx.attempt >= ctx.maxAttempts || !result.retryable;
      const status: InvoiceStatus = last ? 'error' : 'issued';
      const description = `${result.code} ${result.description}`.slice(0, 500);
      await this.sql.run("update invoices set submit_attempts = ?, status = ?, sunat_code = ?, sunat_description = ?, updated_at = ? where id = ? and status = 'issued'", [
        attempts,
        status,
        result.code.slice(0, 8),
        description,
        now,
        invoice.id,
      ]);
      if (last) {
        this.logger.error({ invoiceId, code: result.code, attempts }, 'invoice submission given up');
        await this.alerts.raise(invoiceStuckAlert({ ...invoice, submitAttempts: attempts }, description));
        return;
      }
      const delay = this.config.invoices.submitRetryScheduleMs[Math.min(ctx.attempt - 1, this.config.invoices.submitRetryScheduleMs.length - 1)]!;
      throw new RetryAt(new Date(now.getTime() + delay), `SUNAT/OSE did not take ${fileName}: ${description}`);
    }

    const answer = { ...result, cdr: result.cdrZip.toString('base64'), submitted: true };
    const applied = await this.sql.transaction((tx) => this.applyAnswer(tx, invoice, answer, now));
    if (applied?.answered.status === 'rejected') await this.alerts.raise(invoiceRejectedAlert(applied.answered, applied.reissue));
  }

  /**
   * Inside the caller's transaction: stores SUNAT's answer for an `issued` document (conditionally: a duplicate run
   * changes nothing twice), records `invoice.accepted` or `invoice.rejected`, and for a rejection enqueues the
   * corrected document under a new number while INVOICE_MAX_REISSUES allows. Shared by sendBill (above) and the daily
   * summary, whose answer decides every document in it. Returns null when the document was already answered; the
   * caller raises the rejection alert after its commit.
   */
  async applyAnswer(tx: SqlSession, invoice: Invoice, answer: DocumentAnswer, now: Date): Promise<{ answered: Invoice; reissue: boolean } | null> {
    const status: InvoiceStatus = answer.outcome;
    const answered: Invoice = {
      ...invoice,
      status,
      sunatCode: answer.code,
      sunatDescription: answer.description.slice(0, 500),
      sunatObservations: answer.observations,
      cdr: answer.cdr,
      submitAttempts: invoice.submitAttempts + (answer.submitted ? 1 : 0),
      answeredAt: now,
      updatedAt: now,
    };
    const reissue = status === 'rejected' && issueAttempt(invoice) - 1 < this.config.invoices.maxReissues;
    const n = await tx.run(
      "update invoices set status = ?, sunat_code = ?, sunat_description = ?, sunat_observations = ?, cdr = ?, submit_attempts = ?, answered_at = ?, updated_at = ? where id = ? and status = 'issued'",
      [status, answered.sunatCode, answered.sunatDescription, JSON.stringify(answered.sunatObservations), answered.cdr, answered.submitAttempts, now, now, invoice.id],
    );
    if (n === 0) return null;
    await this.events.record(tx, {
      appId: invoice.appId,
      type: status === 'rejected' ? 'invoice.rejected' : 'invoice.accepted',
      resource: { type: 'invoice', id: invoice.id },
      data: presentInvoice(answered),
      at: now,
    });
    if (reissue) {
      const attempt = replacementAttempt(invoice);
      const [type, payload] = invoice.refundId
        ? [ISSUE_CREDIT_NOTE_JOB, { refund_id: invoice.refundId, attempt, replaces: invoice.id }]
        : [ISSUE_INVOICE_JOB, { order_id: invoice.orderId, attempt, replaces: invoice.id }];
      await this.jobs.enqueueIn(tx, type, payload, { dedupeKey: `${type}:${replacementIssueKey(invoice)}`, appId: invoice.appId });
    }
    return { answered, reissue };
  }
}
