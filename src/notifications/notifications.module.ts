import { Module, type OnModuleInit } from '@nestjs/common';
import { CreditsModule } from '../credits/credits.module';
import { EventDispatcher } from '../events/event-dispatcher';
import { JobQueue } from '../jobs/job-queue';
import { MetricsModule } from '../metrics/metrics.module';
import { CustomerEmailsConsumer } from './customer-emails.consumer';
import { EmailComposer } from './email-composer';
import { EmailOutbox, SEND_EMAIL_JOB } from './email-outbox';
import { EmailRenderer } from './email-renderer';
import { EmailSendJob } from './email-send.job';
import { EmailSuppressions } from './email-suppressions';
import { InvoiceReplacedComposer } from './invoice-replaced-composer';
import { InvoiceReplacementEmails } from './invoice-replacement-emails';
import { MailEndpointResolver } from './mail-endpoint';
import { PostmarkWebhookController } from './postmark-webhook.controller';
import { PostmarkWebhookCredentials } from './postmark-webhook-credentials';
import { PostmarkWebhookService } from './postmark-webhook.service';
import { PostmarkMailer } from './postmark.mailer';
import { ReceiptPolicy } from './receipt-policy';

/**
 * E-mail: the outbox every capability asks for e-mails through (EmailOutbox), customer e-mails derived
 * from payment and credits events, the notice of a SUNAT document replaced after a rejection
 * (InvoiceReplacementEmails, asked for by the invoices module), rendering (MJML templates, es/en), sending through Postmark's official
 * client, suppressions, and Postmark's Delivery/Bounce/SpamComplaint webhooks. CreditsModule is imported
 * only for its package catalogue: credits events name a package by code, the e-mails by its name.
 */
@Module({
  imports: [MetricsModule, CreditsModule],
  controllers: [PostmarkWebhookController],
  providers: [
    EmailOutbox,
    CustomerEmailsConsumer,
    EmailComposer,
    EmailRenderer,
    EmailSendJob,
    EmailSuppressions,
    InvoiceReplacedComposer,
    InvoiceReplacementEmails,
    MailEndpointResolver,
    PostmarkMailer,
    PostmarkWebhookCredentials,
    PostmarkWebhookService,
    ReceiptPolicy,
  ],
  exports: [EmailOutbox, InvoiceReplacementEmails, PostmarkWebhookCredentials, MailEndpointResolver, ReceiptPolicy],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly dispatcher: EventDispatcher,
    private readonly consumer: CustomerEmailsConsumer,
    private readonly jobs: JobQueue,
    private readonly send: EmailSendJob,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(this.consumer);
    this.jobs.register(SEND_EMAIL_JOB, (payload, ctx) => this.send.run(String(payload.emailId), ctx));
  }
}
