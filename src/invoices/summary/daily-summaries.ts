import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Clock } from '../../common/clock';
import { newId } from '../../common/ids';
import { AppConfig } from '../../config/app-config';
import { EntityRows } from '../../database/entity-rows';
import { SqlRunner } from '../../database/sql-runner';
import { JobQueue } from '../../jobs/job-queue';
import { RecurringJobs } from '../../jobs/recurring';
import { limaDateTime } from '../document-builder';
import { Invoice } from '../invoice.entity';
import { IssuerRegistry } from '../issuer-registry';
import { signUbl } from '../ubl/ubl-signer';
import { type DailySummaryDocument, type SummaryLine, summaryId } from './daily-summary-document';
import { InvoiceSummary } from './invoice-summary.entity';
import { buildSummaryDocuments } from './summary-builder';
import { SEND_SUMMARY_JOB, SUMMARY_STATUS_JOB, SummarySubmission } from './summary-submission';

export const BUILD_SUMMARIES_JOB = 'invoices.daily_summaries';
/** How often complete days are looked for: summaries go out within this long after midnight in Lima. */
const CHECK_EVERY_MS = 15 * 60_000;
/** Documents looked at per run; a larger backlog is summarised over the following runs. */
const BATCH = 5_000;

/**
 * The daily summary (resumen diario, RC) of issuers configured with `boletas: daily_summary`: their boletas and the
 * credit notes of those are issued as usual (numbered, signed, PDF, receipt) but not sent one by one; once their
 * day is over in Lima, a recurring job groups the waiting documents by issuer and day (at most
 * INVOICE_SUMMARY_MAX_LINES per summary), and one transaction per summary numbers it `RC-{today}-{n}`, builds and
 * signs its XML, stores it, claims its documents (`summary_id`, conditionally: a document is in one summary only,
 * whatever runs race) and enqueues the send. SUNAT's answer, fetched by ticket, decides every document in it
 * (summary-submission.ts).
 */
@Injectable()
export class DailySummaries implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly registry: IssuerRegistry,
    private readonly jobs: JobQueue,
    private readonly recurring: RecurringJobs,
    private readonly submission: SummarySubmission,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Invoices');
  }

  onModuleInit(): void {
    this.jobs.register(BUILD_SUMMARIES_JOB, () => this.run().then(() => undefined));
    this.jobs.register(SEND_SUMMARY_JOB, (p, ctx) => this.submission.send(String(p.summary_id), ctx));
    this.jobs.register(SUMMARY_STATUS_JOB, (p, ctx) => this.submission.poll(String(p.summary_id), ctx));
  }

  onApplicationBootstrap(): void {
    if (this.registry.usesDailySummary()) this.recurring.every(BUILD_SUMMARIES_JOB, CHECK_EVERY_MS);
  }

  /** Builds the summaries of every finished Lima day with documents waiting; returns them. */
  async run(now = this.clock.now()): Promise<InvoiceSummary[]> {
    const today = limaDateTime(now).issueDate;
    // Midnight in Lima (UTC−5, no daylight saving) as an instant: documents created before it belong to past days.
    const startOfToday = new Date(`${today}T05:00:00.000Z`);
    const waiting = await this.rows.select(
      this.sql,
      Invoice,
      `submission = 'summary' and status = 'issued' and summary_id is null and created_at < ? order by created_at, id limit ${BATCH}`,
      [startOfToday],
    );
    const groups = new Map<string, Invoice[]>();
    for (const invoice of waiting) {
      const key = `${invoice.appId}|${invoice.document.issuer.ruc}|${invoice.document.issueDate}`;
      groups.set(key, [...(groups.get(key) ?? []), invoice]);
    }
    const built: InvoiceSummary[] = [];
    const max = this.config.invoices.summaryMaxLines;
    for (const documents of groups.values()) {
      for (let i = 0; i < documents.length; i += max) {
        const summary = await this.buildOne(documents.slice(i, i + max), today, now);
        if (summary) built.push(summary);
      }
    }
    return built;
  }

  private async buildOne(documents: Invoice[], today: string, now: Date): Promise<InvoiceSummary | null> {
    const first = documents[0]!;
    const issuer = this.registry.forApp(first.appId);
    if (!issuer) {
      this.logger.warn({ appId: first.appId, documents: documents.length }, 'daily summary not built: invoicing is off for the app now');
      return null;
    }
    try {
      return await this.sql.transaction(async (tx) => {
        const [row] = await tx.all<{ last: number | string | null }>('select max(counter) as last from invoice_summaries where ruc = ? and issue_date = ?', [
          first.document.issuer.ruc,
          today,
        ]);
        const counter = Number(row?.last ?? 0) + 1;
        const document: DailySummaryDocument = {
          // The issuer as printed on its documents (a later configuration change does not rewrite history).
          issuer: first.document.issuer,
          id: summaryId(today, counter),
          referenceDate: first.document.issueDate,
          issueDate: today,
          lines: documents.map(summaryLine),
        };
        const signed = signUbl(buildSummaryDocuments(document), issuer.credentials, { algorithm: this.config.invoices.signatureAlgorithm });
        const summary: InvoiceSummary = {
          id: newId('invoiceSummary'),
          appId: first.appId,
          ruc: document.issuer.ruc,
          documentId: document.id,
          issueDate: today,
          counter,
          referenceDate: document.referenceDate,
          lineCount: documents.length,
          xml: signed.xml,
          hash: signed.digestValue,
          status: 'built',
          ticket: null,
          sunatCode: null,
          sunatDescription: null,
          sunatObservations: [],
          cdr: null,
          submitAttempts: 0,
          polls: 0,
          answeredAt: null,
          createdAt: now,
          updatedAt: now,
        };
        await this.rows.insert(tx, InvoiceSummary, summary);
        const ids = documents.map((d) => d.id);
        const claimed = await tx.run(
          `update invoices set summary_id = ?, summary_document = ?, updated_at = ? where id in (${ids.map(() => '?').join(', ')}) and summary_id is null and status = 'issued'`,
          [summary.id, summary.documentId, now, ...ids],
        );
        // Another run claimed some of them first: this summary would report them twice. Roll back; the next run
        // summarises whatever is still waiting.
        if (claimed !== ids.length) throw new SummaryRaceLost(`${claimed} of ${ids.length} documents still waiting`);
        await this.submission.enqueueSend(tx, summary);
        this.logger.info({ summary: summary.documentId, appId: summary.appId, referenceDate: summary.referenceDate, lines: summary.lineCount }, 'daily summary built');
        return summary;
      });
    } catch (err) {
      // The same counter taken by a concurrent run (unique ruc + document id), or documents claimed by it.
      if (err instanceof SummaryRaceLost || err instanceof UniqueConstraintViolationException) {
        this.logger.info({ appId: first.appId, err: (err as Error).message }, 'daily summary left to the next run');
        return null;
      }
      throw err;
    }
  }
}

class SummaryRaceLost extends Error {
  override readonly name = 'SummaryRaceLost';
}

/** A document as its summary line reports it: what it is, who bought, and its amounts exactly as issued. */
function summaryLine(invoice: Invoice): SummaryLine {
  const ref = invoice.document.reference;
  return {
    typeCode: invoice.typeCode === '07' ? '07' : '03',
    series: invoice.series,
    number: invoice.number,
    currency: invoice.currency,
    customer: { documentType: invoice.customer.documentType, documentNumber: invoice.customer.documentNumber },
    reference: ref ? { typeCode: '03', series: ref.series, number: ref.number } : undefined,
    base: invoice.subtotal,
    igv: invoice.igv,
    total: invoice.total,
  };
}
