import { Injectable } from '@nestjs/common';
import { Errors, ServerClient } from 'postmark';
import { AppConfig } from '../config/app-config';
import { MailEndpointResolver } from './mail-endpoint';

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  tag: string;
  metadata: Record<string, string>;
  attachments?: { name: string; contentBase64: string; contentType: string }[];
}

export type SendResult =
  | { status: 'sent'; messageId: string }
  /** Postmark refuses the recipient (hard bounce, spam complaint, manual suppression): ErrorCode 406. */
  | { status: 'inactive'; code: number; message: string }
  /** Refused for good (a 4xx): not retried; Postmark's ErrorCode kept. */
  | { status: 'rejected'; code: number; httpStatus: number; message: string }
  /** 429, 5xx, network or timeout: worth another attempt. */
  | { status: 'transient'; httpStatus: number; message: string };

/** Seconds the client waits for Postmark (its `timeout` is a deadline for the whole request). */
const TIMEOUT_SECONDS = 20;

/**
 * E-mail through Postmark with the official `postmark` client, pointed at POSTMARK_API_URL (the
 * simulator in sandbox mode) with `useHttps`/`requestHost`. Outcomes are values: the send job decides
 * what to retry (design.md: retried on 429/5xx/network, not on 4xx; 406 suppresses the address).
 */
@Injectable()
export class PostmarkMailer {
  private client: ServerClient | undefined;

  constructor(
    private readonly endpoint: MailEndpointResolver,
    private readonly config: AppConfig,
  ) {}

  get enabled(): boolean {
    return this.endpoint.enabled;
  }

  async send(email: OutgoingEmail): Promise<SendResult> {
    try {
      const answer = await this.serverClient().sendEmail({
        From: this.config.postmark.from,
        To: email.to,
        Subject: email.subject,
        HtmlBody: email.html,
        TextBody: email.text,
        Tag: email.tag,
        Metadata: email.metadata,
        MessageStream: this.config.postmark.messageStream,
        TrackOpens: false,
        Attachments: (email.attachments ?? []).map((a) => ({ Name: a.name, Content: a.contentBase64, ContentType: a.contentType, ContentID: null })),
      });
      return { status: 'sent', messageId: answer.MessageID };
    } catch (err) {
      return classify(err);
    }
  }

  /**
   * The message Postmark accepted with this metadata value (our e-mail id), if any: how a send that may
   * have gone out before a crash or a lost answer is found instead of sent twice. Throws when Postmark
   * cannot be asked (the caller retries later).
   */
  async findSent(key: string, value: string): Promise<string | null> {
    const found = await this.serverClient().getOutboundMessages({ count: 1, offset: 0, [`metadata_${key}`]: value });
    return found.Messages[0]?.MessageID ?? null;
  }

  private serverClient(): ServerClient {
    if (this.client) return this.client;
    const endpoint = this.endpoint.get();
    if (!endpoint) throw new Error('e-mail is not configured (POSTMARK_SERVER_TOKEN)');
    const url = new URL(endpoint.apiUrl);
    this.client = new ServerClient(endpoint.serverToken, { useHttps: url.protocol === 'https:', requestHost: url.host, timeout: TIMEOUT_SECONDS });
    return this.client;
  }
}

function classify(err: unknown): SendResult {
  if (err instanceof Errors.InactiveRecipientsError) return { status: 'inactive', code: err.code, message: err.message.slice(0, 500) };
  if (err instanceof Errors.PostmarkError) {
    const http = err.statusCode;
    // statusCode 0: no HTTP answer (network error, timeout).
    if (http === 0 || http === 429 || http >= 500) return { status: 'transient', httpStatus: http, message: err.message.slice(0, 500) };
    if (err.code === 406) return { status: 'inactive', code: 406, message: err.message.slice(0, 500) };
    return { status: 'rejected', code: err.code, httpStatus: http, message: err.message.slice(0, 500) };
  }
  return { status: 'transient', httpStatus: 0, message: err instanceof Error ? err.message.slice(0, 500) : 'send failed' };
}
