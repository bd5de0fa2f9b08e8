import { Module, type OnModuleInit } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { CreditsModule } from '../credits/credits.module';
import { EventDispatcher } from '../events/event-dispatcher';
import { JobQueue } from '../jobs/job-queue';
import { NotificationsModule } from '../notifications/notifications.module';
import { ReceiptPolicy } from '../notifications/receipt-policy';
import { InvoiceIssuer, ISSUE_CREDIT_NOTE_JOB, ISSUE_INVOICE_JOB, SUBMIT_INVOICE_JOB } from './invoice-issuer';
import { InvoiceNumbers } from './invoice-numbers';
import { InvoiceReissues } from './invoice-reissues';
import { InvoiceSubmission } from './invoice-submission';
import { InvoicesConsumer } from './invoices.consumer';
import { InvoicesController } from './invoices.controller';
import { InvoicesService } from './invoices.service';
import { IssuerRegistry } from './issuer-registry';
import { REISSUE_INVOICE_JOB } from './reissue-rules';
import { DailySummaries } from './summary/daily-summaries';
import { SummarySubmission } from './summary/summary-submission';

const optionalString = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const attemptOf = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 1);

/**
 * SUNAT electronic invoices: issuers from configuration (IssuerRegistry), documents issued from `order.paid` and
 * `refund.succeeded` (InvoicesConsumer → InvoiceIssuer), submitted to SUNAT/OSE (InvoiceSubmission), and read
 * through the API (InvoicesService); boletas of issuers that report them daily go in the daily summary (DailySummaries →
 * SummarySubmission). The receipt e-mail of an invoicing app waits for its invoice (ReceiptPolicy). A rejected document
 * is issued again automatically (InvoiceSubmission) or by hand (InvoiceReissues: the API and the CLI's job).
 */
@Module({
  imports: [NotificationsModule, AlertsModule, CreditsModule],
  controllers: [InvoicesController],
  providers: [IssuerRegistry, InvoiceNumbers, InvoiceIssuer, InvoiceReissues, InvoiceSubmission, InvoicesConsumer, InvoicesService, SummarySubmission, DailySummaries],
  exports: [IssuerRegistry],
})
export class InvoicesModule implements OnModuleInit {
  constructor(
    private readonly dispatcher: EventDispatcher,
    private readonly jobs: JobQueue,
    private readonly consumer: InvoicesConsumer,
    private readonly issuer: InvoiceIssuer,
    private readonly submission: InvoiceSubmission,
    private readonly reissues: InvoiceReissues,
    private readonly registry: IssuerRegistry,
    private readonly receipts: ReceiptPolicy,
  ) {}

  onModuleInit(): void {
    this.receipts.waitForInvoiceWhen((appId) => this.registry.forApp(appId) !== null);
    this.dispatcher.register(this.consumer);
    this.jobs.register(ISSUE_INVOICE_JOB, async (p) => {
      const eventId = optionalString(p.event_id);
      const dedupe = optionalString(p.event_dedupe_key);
      await this.issuer.issueForOrder(String(p.order_id), {
        attempt: attemptOf(p.attempt),
        replaces: optionalString(p.replaces),
        receipt: eventId && dedupe ? { eventId, eventDedupeKey: dedupe } : null,
      });
    });
    this.jobs.register(ISSUE_CREDIT_NOTE_JOB, async (p) => {
      await this.issuer.issueForRefund(String(p.refund_id), { attempt: attemptOf(p.attempt), replaces: optionalString(p.replaces) });
    });
    this.jobs.register(SUBMIT_INVOICE_JOB, (p, ctx) => this.submission.submit(String(p.invoice_id), ctx));
    this.jobs.register(REISSUE_INVOICE_JOB, (p) => this.reissues.reissueQueued(String(p.invoice_id)));
  }
}
