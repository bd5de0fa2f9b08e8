import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Counter } from 'prom-client';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { SqlRunner } from '../database/sql-runner';
import { type JobContext, RetryAt } from '../jobs/job-queue';
import { MetricsService } from '../metrics/metrics.service';
import { EmailComposer } from './email-composer';
import { EmailMessage, type EmailStatus } from './email-message.entity';
import { EmailRenderer } from './email-renderer';
import { emailRetryDelayMs } from './email-retry';
import { EmailSuppressions } from './email-suppressions';
import { PostmarkMailer, type SendResult } from './postmark.mailer';

/** Postmark metadata key carrying our e-mail id: how a send whose answer was lost is found again. */
export const EMAIL_ID_METADATA = 'smartpay_email_id';

/**
 * Sends one e-mail (the `email.send` job). The row goes `queued` → `sending` before Postmark is called,
 * so a later attempt knows an earlier one may have reached Postmark and first asks Postmark for a
 * message carrying our id (its metadata search) instead of sending again: with Postmark having no
 * idempotency key, that is what keeps a crash or a lost answer from e-mailing twice. 429/5xx/network
 * failures are retried on a schedule of about 10 hours; any other 4xx is final (Postmark's ErrorCode
 * kept); 406 marks the address inactive.
 */
@Injectable()
export class EmailSendJob {
  private readonly sent: Counter<'kind' | 'outcome'>;

  constructor(
    private readonly em: EntityManager,
    private readonly sql: SqlRunner,
    private readonly clock: Clock,
    private readonly composer: EmailComposer,
    private readonly renderer: EmailRenderer,
    private readonly mailer: PostmarkMailer,
    private readonly suppressions: EmailSuppressions,
    private readonly config: AppConfig,
    private readonly logger: PinoLogger,
    metrics: MetricsService,
  ) {
    this.logger.setContext('Email');
    this.sent = new Counter({
      name: 'smartpay_emails_total',
      help: 'E-mails by kind and final outcome (sent, failed, suppressed, skipped) and transient send failures (retried)',
      labelNames: ['kind', 'outcome'] as const,
      registers: [metrics.registry],
    });
  }

  async run(emailId: string, ctx: JobContext): Promise<void> {
    let email = await this.em.fork().findOne(EmailMessage, { id: emailId });
    if (!email || !['queued', 'sending'].includes(email.status)) return;
    if (email.status === 'sending') {
      // An earlier attempt began sending: if Postmark has it, it went out.
      const messageId = await this.mailer.findSent(EMAIL_ID_METADATA, email.id);
      if (messageId) return this.finish(email, 'sent', { postmarkMessageId: messageId, sentAt: this.clock.now() });
    }
    let composed = await this.composer.compose(email);
    if ('skip' in composed) return this.finish(email, 'skipped', { errorCode: 0, errorMessage: composed.skip.slice(0, 500) });
    const suppressed = await this.suppressions.isSuppressed(composed.to);
    if (suppressed) return this.finish(email, 'suppressed', { toAddress: composed.to, errorCode: 406, errorMessage: `the address is inactive (${suppressed})` });

    let rendered = await this.renderer.render(composed.model);
    await this.sql.run("update email_messages set status = 'sending', to_address = ?, locale = ?, subject = ?, attempts = attempts + 1, updated_at = ? where id = ? and status in ('queued', 'sending')", [
      composed.to,
      composed.locale,
      rendered.subject.slice(0, 300),
      this.clock.now(),
      email.id,
    ]);
    // A `queued` e-mail may be pointed at another document until it is marked `sending` (a waiting receipt whose
    // invoice SUNAT rejected carries the replacement instead: invoice-replacement-emails.ts); from the mark on it
    // cannot change. If that happened after the read above, compose again from the row as it now stands, so what
    // goes out is what the row says — the invoices side decided on it.
    const current = await this.em.fork().findOne(EmailMessage, { id: email.id });
    if (current && JSON.stringify(current.context) !== JSON.stringify(email.context)) {
      email = current;
      composed = await this.composer.compose(email);
      if ('skip' in composed) return this.finish(email, 'skipped', { errorCode: 0, errorMessage: composed.skip.slice(0, 500) });
      rendered = await this.renderer.render(composed.model);
      await this.sql.run('update email_messages set to_address = ?, locale = ?, subject = ? where id = ?', [composed.to, composed.locale, rendered.subject.slice(0, 300), email.id]);
    }
    const result = await this.mailer.send({
      to: composed.to,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      attachments: composed.attachments,
      tag: email.kind,
      metadata: { [EMAIL_ID_METADATA]: email.id, ...(email.appId ? { smartpay_app_id: email.appId } : {}) },
    });
    await this.settle(email, composed.to, result, ctx);
  }

  private async settle(email: EmailMessage, to: string, result: SendResult, ctx: JobContext): Promise<void> {
    switch (result.status) {
      case 'sent':
        return this.finish(email, 'sent', { postmarkMessageId: result.messageId, sentAt: this.clock.now() });
      case 'inactive':
        await this.sql.transaction((tx) => this.suppressions.add(tx, to, 'inactive_recipient', email.id));
        return this.finish(email, 'suppressed', { errorCode: result.code, errorMessage: result.message });
      case 'rejected':
        this.logger.warn({ email_id: email.id, kind: email.kind, error_code: result.code, http_status: result.httpStatus }, 'Postmark refused an e-mail');
        return this.finish(email, 'failed', { errorCode: result.code, errorMessage: result.message });
      case 'transient': {
        const delay = ctx.attempt < ctx.maxAttempts ? emailRetryDelayMs(this.config.postmark.retryScheduleMs, ctx.attempt) : null;
        this.sent.inc({ kind: email.kind, outcome: 'retried' });
        if (delay === null) return this.finish(email, 'failed', { errorCode: 0, errorMessage: `gave up after ${ctx.attempt} attempts: ${result.message}`.slice(0, 500) });
        throw new RetryAt(new Date(this.clock.now().getTime() + delay), `Postmark ${result.httpStatus || 'unreachable'}: ${result.message}`);
      }
    }
  }

  private async finish(email: EmailMessage, status: EmailStatus, fields: Partial<Pick<EmailMessage, 'postmarkMessageId' | 'sentAt' | 'errorCode' | 'errorMessage' | 'toAddress'>>): Promise<void> {
    await this.em.fork().nativeUpdate(EmailMessage, { id: email.id, status: { $in: ['queued', 'sending'] } }, { status, ...fields, updatedAt: this.clock.now() });
    this.sent.inc({ kind: email.kind, outcome: status });
  }
}
