import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { derivedId } from '../common/ids';
import { EntityRows } from '../database/entity-rows';
import type { SqlSession } from '../database/sql-session';
import { JobQueue } from '../jobs/job-queue';
import { EmailMessage, type EmailKind } from './email-message.entity';
import { AppConfig } from '../config/app-config';
import { emailSendAttempts } from './email-retry';

export const SEND_EMAIL_JOB = 'email.send';

export interface EmailRequest {
  appId: string | null;
  kind: EmailKind;
  /** What the e-mail is for, unique across all e-mails: `receipt:order.paid:ord_…`, `alert:alr_…:ops@…`. */
  dedupeKey: string;
  /** Known now for alerts and summaries; customer e-mails resolve their recipient when sent. */
  to?: string;
  locale?: 'es' | 'en';
  eventId?: string | null;
  orderId?: string | null;
  context: Record<string, unknown>;
}

/**
 * The one way a capability asks for an e-mail: on its own transaction, the e-mail row (unique by its
 * dedupe key, id derived from it) and its send job (unique by the e-mail id). Asking twice — a redelivered
 * event, an alert seen by two instances — yields one e-mail.
 */
@Injectable()
export class EmailOutbox {
  constructor(
    private readonly rows: EntityRows,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** True when this call created the e-mail. */
  async enqueue(tx: SqlSession, request: EmailRequest): Promise<boolean> {
    const now = this.clock.now();
    const email: EmailMessage = {
      id: derivedId('email', now, request.dedupeKey),
      appId: request.appId,
      kind: request.kind,
      dedupeKey: request.dedupeKey,
      status: 'queued',
      toAddress: request.to ?? null,
      locale: request.locale ?? null,
      subject: null,
      postmarkMessageId: null,
      errorCode: null,
      errorMessage: null,
      attempts: 0,
      eventId: request.eventId ?? null,
      orderId: request.orderId ?? null,
      context: request.context,
      createdAt: now,
      updatedAt: now,
      sentAt: null,
      deliveredAt: null,
      bouncedAt: null,
      bounceType: null,
      complainedAt: null,
    };
    const added = await this.rows.insertIgnore(tx, EmailMessage, [email]);
    if (added === 0) return false;
    await this.jobs.enqueueIn(tx, SEND_EMAIL_JOB, { emailId: email.id }, { dedupeKey: `email:${email.id}`, appId: request.appId, maxAttempts: emailSendAttempts(this.config.postmark.retryScheduleMs) });
    return true;
  }
}
