import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AlertsService } from '../../alerts/alerts.service';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { EntityRows } from '../../database/entity-rows';
import { SqlRunner } from '../../database/sql-runner';
import type { SqlSession } from '../../database/sql-session';
import { JobQueue, RetryAt, type JobContext } from '../../jobs/job-queue';
import { Invoice } from '../invoice.entity';
import { summaryRejectedAlert, summaryStuckAlert } from '../invoice-alerts';
import { InvoiceSubmission } from '../invoice-submission';
import { IssuerRegistry } from '../issuer-registry';
import type { SubmissionAnswer, SubmissionException, SunatSubmitter, TicketStatus } from '../submission/submission-port';
import { zipDocument } from '../ubl/document-zip';
import { summaryFileName } from './daily-summary-document';
import { InvoiceSummary } from './invoice-summary.entity';

export const SEND_SUMMARY_JOB = 'invoices.send_summary';
export const SUMMARY_STATUS_JOB = 'invoices.summary_status';

/**
 * Sends a built daily summary and follows it to SUNAT's decision, SUNAT's asynchronous way:
 * - `sendSummary` answers a ticket (status `in_process`), or an exception: the *same* summary (same bytes) is sent
 *   again on INVOICE_SUBMIT_RETRY_SCHEDULE, and after the last it is `error` with an alert (its documents wait).
 * - `getStatus(ticket)` answers 98 while SUNAT works (asked again on INVOICE_SUMMARY_POLL_SCHEDULE; exceptions
 *   likewise), then a CDR: 0 accepted (observations kept), 99 rejected. One transaction stores it on the summary
 *   and on every document in it, exactly as a sendBill answer would (InvoiceSubmission.applyAnswer): a rejected
 *   summary's documents are rejected, their numbers burned, and corrected documents are issued under new numbers —
 *   which the next day's summary carries.
 * Every write is conditional on the status it expects, so a duplicate or late job changes nothing twice.
 */
@Injectable()
export class SummarySubmission {
  constructor(
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly registry: IssuerRegistry,
    private readonly documents: InvoiceSubmission,
    private readonly jobs: JobQueue,
    private readonly alerts: AlertsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Invoices');
  }

  async enqueueSend(tx: SqlSession, summary: InvoiceSummary): Promise<void> {
    await this.jobs.enqueueIn(tx, SEND_SUMMARY_JOB, { summary_id: summary.id }, {
      dedupeKey: `${SEND_SUMMARY_JOB}:${summary.id}`,
      appId: summary.appId,
      maxAttempts: this.config.invoices.submitRetryScheduleMs.length + 1,
    });
  }

  async send(id: string, ctx: Pick<JobContext, 'attempt' | 'maxAttempts'>): Promise<void> {
    const summary = await this.load(id, 'built');
    const submitter = summary && this.submitterFor(summary);
    if (!summary || !submitter?.sendSummary) return;
    const fileName = summaryFileName(summary.ruc, summary.documentId);
    const result = await submitter.sendSummary(`${fileName}.zip`, zipDocument(fileName, summary.xml)).catch((err: Error) => clientException(err));
    const now = this.clock.now();
    if (result.outcome === 'exception') {
      const attempts = summary.submitAttempts + 1;
      const last = ctx.attempt >= ctx.maxAttempts || !result.retryable;
      await this.recordException(summary, result, { submitAttempts: attempts }, last, now);
      if (last) return;
      const schedule = this.config.invoices.submitRetryScheduleMs;
      throw new RetryAt(new Date(now.getTime() + schedule[Math.min(ctx.attempt - 1, schedule.length - 1)]!), `SUNAT/OSE did not take ${summary.documentId}: ${result.code}`);
    }
    const poll = this.config.invoices.summaryPollScheduleMs;
    await this.sql.transaction(async (tx) => {
      const n = await tx.run("update invoice_summaries set status = 'in_process', ticket = ?, submit_attempts = ?, updated_at = ? where id = ? and status = 'built'", [
        result.ticket,
        summary.submitAttempts + 1,
        now,
        summary.id,
      ]);
      if (n === 0) return;
      await this.jobs.enqueueIn(tx, SUMMARY_STATUS_JOB, { summary_id: summary.id }, {
        dedupeKey: `${SUMMARY_STATUS_JOB}:${summary.id}`,
        appId: summary.appId,
        runAt: new Date(now.getTime() + poll[0]!),
        maxAttempts: poll.length + 1,
      });
    });
  }

  async poll(id: string, ctx: Pick<JobContext, 'attempt' | 'maxAttempts'>): Promise<void> {
    const summary = await this.load(id, 'in_process');
    const submitter = summary && this.submitterFor(summary);
    if (!summary || !submitter?.getStatus) return;
    const status: TicketStatus = await submitter.getStatus(summary.ticket!).catch((err: Error) => clientException(err));
    const now = this.clock.now();
    if (status.outcome === 'in_process' || status.outcome === 'exception') {
      const polls = summary.polls + 1;
      const last = ctx.attempt >= ctx.maxAttempts || (status.outcome === 'exception' && !status.retryable);
      const reason: SubmissionException =
        status.outcome === 'exception' ? status : { outcome: 'exception', code: '98', description: 'SUNAT is still processing the summary', retryable: true };
      if (last) {
        await this.recordException(summary, reason, { polls }, true, now);
        return;
      }
      await this.sql.run("update invoice_summaries set polls = ?, updated_at = ? where id = ? and status = 'in_process'", [polls, now, summary.id]);
      const schedule = this.config.invoices.summaryPollScheduleMs;
      throw new RetryAt(new Date(now.getTime() + schedule[Math.min(ctx.attempt, schedule.length - 1)]!), `${summary.documentId}: ${reason.code} ${reason.description}`);
    }
    await this.recordAnswer(summary, status, summary.polls + 1, now);
  }

  /** The summary's CDR decides the summary and, in the same transaction, each of its documents. */
  private async recordAnswer(summary: InvoiceSummary, answer: SubmissionAnswer, polls: number, now: Date): Promise<void> {
    const description = answer.description.slice(0, 500);
    const rejected = await this.sql.transaction(async (tx) => {
      const n = await tx.run(
        "update invoice_summaries set status = ?, sunat_code = ?, sunat_description = ?, sunat_observations = ?, cdr = ?, polls = ?, answered_at = ?, updated_at = ? where id = ? and status = 'in_process'",
        [answer.outcome, answer.code, description, JSON.stringify(answer.observations), answer.cdrZip.toString('base64'), polls, now, now, summary.id],
      );
      if (n === 0) return null;
      const members = await this.rows.select(tx, Invoice, 'summary_id = ? order by series, number', [summary.id]);
      const documentAnswer = {
        outcome: answer.outcome,
        code: answer.code,
        description: `${summary.documentId}: ${description}`,
        observations: answer.observations,
        cdr: null,
        submitted: true,
      };
      let reissued = 0;
      for (const invoice of members) {
        const applied = await this.documents.applyAnswer(tx, invoice, documentAnswer, now);
        if (applied?.reissue) reissued += 1;
      }
      return answer.outcome === 'rejected' ? { members: members.length, reissued } : null;
    });
    this.logger.info({ summary: summary.documentId, outcome: answer.outcome, code: answer.code }, 'daily summary answered');
    if (rejected) {
      await this.alerts.raise(summaryRejectedAlert({ ...summary, sunatCode: answer.code, sunatDescription: description }, rejected.members, rejected.reissued));
    }
  }

  private async recordException(summary: InvoiceSummary, result: SubmissionException, counts: { submitAttempts?: number; polls?: number }, last: boolean, now: Date): Promise<void> {
    const description = `${result.code} ${result.description}`.slice(0, 500);
    const status = last ? 'error' : summary.status;
    await this.sql.run(
      'update invoice_summaries set status = ?, submit_attempts = ?, polls = ?, sunat_code = ?, sunat_description = ?, updated_at = ? where id = ? and status = ?',
      [status, counts.submitAttempts ?? summary.submitAttempts, counts.polls ?? summary.polls, result.code.slice(0, 8), description, now, summary.id, summary.status],
    );
    if (!last) return;
    this.logger.error({ summary: summary.documentId, code: result.code }, 'daily summary given up');
    await this.alerts.raise(summaryStuckAlert({ ...summary, ...counts }, description));
  }

  private async load(id: string, expected: InvoiceSummary['status']): Promise<InvoiceSummary | null> {
    const [summary] = await this.rows.select(this.sql, InvoiceSummary, 'id = ?', [id]);
    return summary?.status === expected ? summary : null;
  }

  private submitterFor(summary: InvoiceSummary): SunatSubmitter | null {
    const issuer = this.registry.forApp(summary.appId);
    if (!issuer) this.logger.warn({ summary: summary.documentId, appId: summary.appId }, 'daily summary not sent: invoicing is off for its app now');
    return issuer?.submitter() ?? null;
  }
}

function clientException(err: Error): SubmissionException {
  return { outcome: 'exception', code: 'client', description: err.message, retryable: true };
}
