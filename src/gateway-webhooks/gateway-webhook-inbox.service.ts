import { DeadlockException, EntityManager, LockWaitTimeoutException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ApiError } from '../common/errors/api-error';
import { newId } from '../common/ids';
import type { GatewayId } from '../config/app-config';
import { verifyCulqiBasicAuth, type WebhookHeaders } from '../gateways/culqi/culqi.webhook';
import { redactBody } from '../gateways/http/redact';
import { verifyMercadoPagoSignature } from '../gateways/mercadopago/mercadopago.webhook';
import { JobQueue } from '../jobs/job-queue';
import { GatewayWebhook } from './gateway-webhook.entity';
import { MP_SIGNATURE_TOLERANCE_MS, WebhookCredentials } from './webhook-credentials';
import { culqiEvent, type InboundEvent, mercadoPagoEvent, type RefundHint, signedDataId } from './webhook-event-keys';

export const PROCESS_WEBHOOK_JOB = 'gateway_webhook.process';

export interface ProcessWebhookPayload {
  deliveryId: string;
  chargeHint: string | null;
  /** Culqi refund events only. */
  refundHint?: RefundHint;
  [key: string]: unknown;
}

/** Headers worth keeping for diagnosis. Authorization (Culqi's Basic credentials) never is. */
const KEPT_HEADERS = ['content-type', 'user-agent', 'x-request-id', 'x-signature', 'x-forwarded-for'];

const header = (headers: WebhookHeaders, name: string): string | undefined => {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) || undefined;
};

/**
 * Receives gateway notifications: authenticates what can be authenticated, stores the delivery once
 * (unique gateway + event key) and, in the same transaction, enqueues the job that re-fetches the
 * resource. Nothing here acts on the payload, so answering is fast and a redelivery costs one
 * failed INSERT.
 *
 * A delivery that fails authentication is refused (401) and stored nowhere: keeping forged traffic
 * would only give an attacker a table to fill. Without a configured secret (Culqi Basic auth is
 * optional; a live MERCADOPAGO_WEBHOOK_SECRET may be missing) deliveries are kept with
 * `verified = false` — harmless, because processing only ever re-reads the gateway's own record.
 */
@Injectable()
export class GatewayWebhookInbox {
  private readonly log = new Logger('GatewayWebhooks');

  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly jobs: JobQueue,
    private readonly credentials: WebhookCredentials,
  ) {}

  async receiveMercadoPago(query: Record<string, unknown>, body: unknown, headers: WebhookHeaders): Promise<void> {
    const secret = this.credentials.mercadoPagoSecret();
    const requestId = header(headers, 'x-request-id');
    if (secret) {
      const check = verifyMercadoPagoSignature({
        xSignature: header(headers, 'x-signature'),
        xRequestId: requestId,
        dataId: signedDataId(query),
        secret,
        nowMs: this.clock.now().getTime(),
        toleranceMs: MP_SIGNATURE_TOLERANCE_MS,
      });
      if (!check.ok) {
        this.log.warn(`Mercado Pago webhook refused: ${check.reason}`);
        throw new ApiError('invalid_signature', signatureDetail(check.reason));
      }
    }
    const event = mercadoPagoEvent(query, body, requestId);
    if (!event) throw ApiError.validation([{ param: '(body)', message: 'not a Mercado Pago notification (expected type, action and data.id)' }]);
    await this.store('mercadopago', event, Boolean(secret), body, headers);
  }

  async receiveCulqi(body: unknown, headers: WebhookHeaders): Promise<void> {
    const basic = this.credentials.culqiBasic();
    if (basic && !verifyCulqiBasicAuth(headers.authorization, basic.user, basic.password)) {
      this.log.warn('Culqi webhook refused: Basic credentials missing or wrong');
      throw new ApiError('invalid_signature', 'The Basic credentials do not match the ones configured for Culqi webhooks', {
        headers: { 'WWW-Authenticate': 'Basic realm="culqi-webhooks"' },
      });
    }
    const event = culqiEvent(body);
    if (!event) throw ApiError.validation([{ param: '(body)', message: 'not a Culqi event (expected object "event", id and type)' }]);
    await this.store('culqi', event, basic !== null, body, headers);
  }

  /** INSERT + enqueue in one transaction; a duplicate event key means it is already here (true = new). */
  private async store(gateway: GatewayId, event: InboundEvent, verified: boolean, body: unknown, headers: WebhookHeaders): Promise<boolean> {
    const now = this.clock.now();
    const row: GatewayWebhook = Object.assign(new GatewayWebhook(), {
      id: newId('webhookDelivery'),
      gateway,
      eventKey: event.eventKey,
      eventType: event.eventType,
      resourceType: event.resourceType,
      resourceId: event.resourceId,
      verified,
      rawBody: redactBody(JSON.stringify(body ?? null)),
      headers: keptHeaders(headers),
      status: event.ignoreReason ? 'ignored' : 'received',
      result: event.ignoreReason,
      chargeId: null,
      appId: null,
      receivedAt: now,
      processedAt: event.ignoreReason ? now : null,
    } satisfies Partial<GatewayWebhook>);
    const payload: ProcessWebhookPayload = { deliveryId: row.id, chargeHint: event.chargeHint, ...(event.refundHint ? { refundHint: event.refundHint } : {}) };
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.em.fork().transactional(async (tx) => {
          try {
            await tx.insert(GatewayWebhook, row);
          } catch (err) {
            if (err instanceof UniqueConstraintViolationException) return false;
            throw err;
          }
          if (!event.ignoreReason) await this.jobs.enqueue(tx, PROCESS_WEBHOOK_JOB, payload, { dedupeKey: `webhook:${gateway}:${event.eventKey}` });
          return true;
        });
      } catch (err) {
        // Concurrent INSERTs of one unique key can deadlock on InnoDB when the first one rolls back.
        if (attempt < 3 && (err instanceof DeadlockException || err instanceof LockWaitTimeoutException)) continue;
        throw err;
      }
    }
  }
}

function keptHeaders(headers: WebhookHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = header(headers, name);
    if (value !== undefined) kept[name] = value.slice(0, 300);
  }
  return kept;
}

function signatureDetail(reason: 'missing_signature' | 'malformed_signature' | 'missing_secret' | 'stale' | 'mismatch'): string {
  switch (reason) {
    case 'missing_signature':
      return 'The x-signature header is missing';
    case 'malformed_signature':
      return 'The x-signature header is not "ts=…,v1=…"';
    case 'stale':
      return 'The x-signature timestamp is outside the accepted window';
    case 'mismatch':
    case 'missing_secret':
      return 'The x-signature does not match';
  }
}
