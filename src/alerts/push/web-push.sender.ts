import type { Agent } from 'node:https';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { sendNotification, WebPushError, type RequestOptions } from 'web-push';
import { decodeBase64Url, isP256Point } from './vapid-keys';

// Sends one Web Push message (RFC 8030, encrypted per RFC 8291 with aes128gcm, signed per RFC 8292 VAPID) and
// maps every way it can end to a typed outcome the alerts module acts on: keep, delete the subscription, retry.

export interface PushSubscriptionKeys {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface VapidKeys {
  subject: string;
  publicKey: string;
  privateKey: string;
}

export type PushUrgency = 'very-low' | 'low' | 'normal' | 'high';

export interface PushSendOptions {
  /** How long the push service keeps an undelivered message; default one day. */
  ttlSeconds?: number;
  /** Socket inactivity timeout for the request (web-push has no overall deadline); default 10 s. */
  timeoutMs?: number;
  urgency?: PushUrgency;
}

export type PushOutcome =
  | { status: 'sent'; httpStatus: number }
  /** 404/410: the subscription is dead; delete it. */
  | { status: 'gone'; httpStatus: number }
  /** 408/429/5xx/network: retryable; other 4xx and requests refused before sending: not. */
  | { status: 'failed'; httpStatus: number | null; retryable: boolean; message: string };

/**
 * Largest JSON payload, in UTF-8 bytes: push services accept a 4096-byte body, which after the aes128gcm
 * header (86 bytes), the GCM tag (16) and the padding delimiter (1) leaves 3993 bytes of plaintext (RFC 8291 §4).
 */
export const MAX_PUSH_PAYLOAD_BYTES = 3993;

/** Optional `https.Agent` for the push requests (keep-alive, or a test CA); web-push's default agent otherwise. */
export const WEB_PUSH_AGENT = Symbol('WEB_PUSH_AGENT');

const DEFAULT_TTL_SECONDS = 24 * 60 * 60;
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_BODY_IN_MESSAGE = 200;

@Injectable()
export class WebPushSender {
  constructor(@Optional() @Inject(WEB_PUSH_AGENT) private readonly agent?: Agent) {}

  async send(
    subscription: PushSubscriptionKeys,
    payload: Record<string, unknown>,
    vapid: VapidKeys,
    options: PushSendOptions = {},
  ): Promise<PushOutcome> {
    const secrets = [subscription.p256dh, subscription.auth, vapid.privateKey];
    const refused = (message: string): PushOutcome => ({ status: 'failed', httpStatus: null, retryable: false, message });

    const invalid = subscriptionProblem(subscription);
    if (invalid) return refused(invalid);

    const ttl = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    if (!Number.isSafeInteger(ttl) || ttl < 0) return refused('ttlSeconds must be a non-negative integer');
    const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // web-push ignores a falsy timeout, so 0 would silently mean "wait forever".
    if (!Number.isSafeInteger(timeout) || timeout <= 0) return refused('timeoutMs must be a positive integer');

    let body: string;
    try {
      body = JSON.stringify(payload);
    } catch (error) {
      return refused(`payload is not serialisable as JSON: ${scrub(errorMessage(error), secrets)}`);
    }
    const size = Buffer.byteLength(body, 'utf8');
    if (size > MAX_PUSH_PAYLOAD_BYTES) {
      return refused(`payload is ${size} bytes of JSON; the push limit is ${MAX_PUSH_PAYLOAD_BYTES}`);
    }

    const requestOptions: RequestOptions = {
      // Per call, never web-push's module-global setVapidDetails: keys can differ per caller.
      vapidDetails: { subject: vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
      TTL: ttl,
      contentEncoding: 'aes128gcm',
      urgency: options.urgency ?? 'normal',
      timeout,
      ...(this.agent ? { agent: this.agent } : {}),
    };

    try {
      const result = await sendNotification(
        { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
        body,
        requestOptions,
      );
      return { status: 'sent', httpStatus: result.statusCode };
    } catch (error) {
      return classifyError(error, secrets);
    }
  }
}

function subscriptionProblem(subscription: PushSubscriptionKeys): string | null {
  let url: URL;
  try {
    url = new URL(subscription.endpoint);
  } catch {
    return 'subscription endpoint is not a URL';
  }
  // web-push always speaks HTTPS; an http: endpoint would fail as a TLS error and look retryable.
  if (url.protocol !== 'https:') return 'subscription endpoint must be an https: URL';
  const p256dh = decodeBase64Url(subscription.p256dh);
  if (p256dh === null || !isP256Point(p256dh)) return 'subscription p256dh is not a base64url uncompressed P-256 public key';
  const auth = decodeBase64Url(subscription.auth);
  if (auth === null || auth.length !== 16) return 'subscription auth is not a base64url 16-byte secret';
  return null;
}

function classifyError(error: unknown, secrets: string[]): PushOutcome {
  // web-push rejects with WebPushError for any non-2xx answer (it follows no redirects).
  if (error instanceof WebPushError) {
    const httpStatus = error.statusCode;
    if (httpStatus === 404 || httpStatus === 410) return { status: 'gone', httpStatus };
    const retryable = httpStatus === 408 || httpStatus === 429 || httpStatus >= 500;
    const text = typeof error.body === 'string' ? error.body.trim().slice(0, MAX_BODY_IN_MESSAGE) : '';
    const message = `push service answered ${httpStatus}${text ? `: ${scrub(text, secrets)}` : ''}`;
    return { status: 'failed', httpStatus, retryable, message };
  }
  // Everything else is a plain Error: either the request never reached the service (network, TLS, web-push's
  // own 'Socket timeout') or web-push refused to build it (bad VAPID key or subject, crypto errors).
  const message = scrub(errorMessage(error), secrets);
  if (isNetworkError(error)) return { status: 'failed', httpStatus: null, retryable: true, message: `push request failed: ${message}` };
  return { status: 'failed', httpStatus: null, retryable: false, message: `push request not sent: ${message}` };
}

function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.message === 'Socket timeout') return true;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code !== 'string') return false;
  // System errors (ECONNREFUSED, ECONNRESET, ENOTFOUND, EAI_AGAIN, ...) and TLS failures; crypto errors from
  // building the request carry ERR_CRYPTO_* / ERR_OSSL_* and are not retryable.
  return /^E[A-Z]+$/.test(code) || /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Belt and braces: outcome messages must never carry the subscription keys or the VAPID private key. */
function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  return out;
}
