import { EntityManager } from '@mikro-orm/core';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ApiError } from '../common/errors/api-error';
import { verifyBasicAuth } from '../common/http/basic-auth';
import { isId, newId } from '../common/ids';
import { plainObject, scalarText } from '../common/json-values';
import { EntityRows } from '../database/entity-rows';
import { SqlRunner } from '../database/sql-runner';
import { EmailMessage } from './email-message.entity';
import { EmailSuppressions } from './email-suppressions';
import { EmailWebhookEvent } from './email-webhook-event.entity';
import { PostmarkWebhookCredentials } from './postmark-webhook-credentials';

const RECORD_TYPES = ['Delivery', 'Bounce', 'SpamComplaint'] as const;
type RecordType = (typeof RECORD_TYPES)[number];
const MESSAGE_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Postmark's Delivery / Bounce / SpamComplaint webhooks (postmark.md A2): authenticated by HTTP Basic
 * credentials (Postmark signs nothing), recorded once per record (unique record key: Postmark retries),
 * and applied to the e-mail they are about. A hard bounce or a spam complaint also suppresses the
 * address, deployment-wide, as Postmark itself now refuses it (ErrorCode 406).
 */
@Injectable()
export class PostmarkWebhookService {
  private readonly log = new Logger('PostmarkWebhooks');

  constructor(
    private readonly em: EntityManager,
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly clock: Clock,
    private readonly credentials: PostmarkWebhookCredentials,
    private readonly suppressions: EmailSuppressions,
  ) {}

  async receive(authorization: string | string[] | undefined, body: unknown): Promise<{ recorded: boolean }> {
    const creds = this.credentials.get();
    if (!creds || !verifyBasicAuth(authorization, creds.user, creds.password)) {
      this.log.warn(creds ? 'Postmark webhook refused: Basic credentials missing or wrong' : 'Postmark webhook refused: POSTMARK_WEBHOOK_USER/PASSWORD are not configured');
      throw new ApiError('invalid_signature', creds ? 'The Basic credentials do not match POSTMARK_WEBHOOK_USER/PASSWORD' : 'Postmark webhooks are refused until POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD are configured', {
        headers: { 'WWW-Authenticate': 'Basic realm="postmark-webhooks"' },
      });
    }
    const record = plainObject(body);
    const type = scalarText(record?.RecordType);
    const messageId = scalarText(record?.MessageID);
    if (!record || type === null || messageId === null || !MESSAGE_ID.test(messageId)) {
      throw ApiError.validation([{ param: '(body)', message: 'not a Postmark webhook (expected RecordType and MessageID)' }]);
    }
    // Open, Click, SubscriptionChange…: not subscribed to; acknowledged so Postmark does not retry.
    if (!(RECORD_TYPES as readonly string[]).includes(type)) return { recorded: false };
    return { recorded: await this.apply(type as RecordType, messageId, record) };
  }

  private async apply(type: RecordType, messageId: string, record: Record<string, unknown>): Promise<boolean> {
    const now = this.clock.now();
    const email = await this.findEmail(messageId, record);
    const inactive = type === 'SpamComplaint' || record.Inactive === true;
    const bounceId = scalarText(record.ID) ?? '';
    const address = scalarText(record.Recipient) ?? scalarText(record.Email);
    const occurredAt = parseDate(scalarText(record.DeliveredAt) ?? scalarText(record.BouncedAt)) ?? now;
    const detail = type === 'Delivery' ? scalarText(record.Details) : scalarText(record.Type);
    return this.sql.transaction(async (tx) => {
      const event: EmailWebhookEvent = {
        id: newId('emailEvent'),
        recordKey: `${type}:${messageId}:${bounceId}`.slice(0, 191),
        recordType: type,
        messageId,
        emailId: email?.id ?? null,
        appId: email?.appId ?? null,
        detail: detail?.slice(0, 200) ?? null,
        inactive,
        occurredAt,
        receivedAt: now,
      };
      // A retry of a record already here changes nothing.
      if ((await this.rows.insertIgnore(tx, EmailWebhookEvent, [event])) === 0) return false;
      if (email) {
        if (type === 'Delivery') await tx.run('update email_messages set delivered_at = ?, updated_at = ? where id = ? and delivered_at is null', [occurredAt, now, email.id]);
        if (type === 'Bounce') await tx.run('update email_messages set bounced_at = ?, bounce_type = ?, updated_at = ? where id = ?', [occurredAt, detail?.slice(0, 40) ?? 'Bounce', now, email.id]);
        if (type === 'SpamComplaint') await tx.run('update email_messages set complained_at = ?, updated_at = ? where id = ?', [occurredAt, now, email.id]);
      }
      if (inactive && address) await this.suppressions.add(tx, address, type === 'SpamComplaint' ? 'spam_complaint' : 'hard_bounce', messageId);
      return true;
    });
  }

  /** By Postmark's MessageID; a webhook that beats our own record of the send finds it by our id in Metadata. */
  private async findEmail(messageId: string, record: Record<string, unknown>): Promise<EmailMessage | null> {
    const em = this.em.fork();
    const byMessage = await em.findOne(EmailMessage, { postmarkMessageId: messageId });
    if (byMessage) return byMessage;
    const ours = scalarText(plainObject(record.Metadata)?.smartpay_email_id);
    return isId('email', ours) ? em.findOne(EmailMessage, { id: ours }) : null;
  }
}

function parseDate(text: string | null): Date | null {
  if (text === null) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}
