import { randomBytes } from 'node:crypto';
import type { Clock } from '../sim-types';
import { selfSignedCertificate } from './push-certificate';
import { decryptPayload } from './push-decryption';
import { checkDeliveryHeaders } from './push-headers';
import { PushHttpsServer, type PushHttpRequest, type PushHttpResponse } from './push-https-server';
import { PushRejection } from './push-rejection';
import { PushStore, type ReceivedPush, type RejectedPush } from './push-store';
import { p256PublicKey, verifyVapid } from './push-vapid';

/**
 * A browser push service (FCM, Mozilla autopush) in miniature, on its own loopback HTTPS port, written from
 * RFC 8030 (Web Push), RFC 8292 (VAPID) and RFC 8291/8188 (aes128gcm message encryption) and sharing no code
 * with SmartPay's sender, so it independently checks what goes on the wire.
 *
 * `POST /push/<id>`: the subscription must exist (404) and not be unsubscribed (410 Gone); then TTL, Urgency,
 * Topic and Content-Encoding (400), the body size (413), the VAPID JWT — ES256 signature with `k`, aud = this
 * origin, exp within 24 h, sub mailto:/https: — (401), the subscription's application server key (403), and
 * the payload must decrypt (400). An accepted push is recorded with its decrypted payload and answered 201
 * Created with a Location, or with the status queued by `respondNext` (control `_respond`).
 */

export interface PushSimulatorOptions {
  host: string;
  /** 0 = a random free port, kept across a `down` fault. */
  port: number;
  now: Clock;
  /** Added to every answer (benchmarks). */
  baseLatencyMs?: number;
}

/** What a browser's `PushManager.subscribe()` returns (`PushSubscription.toJSON()`, without expirationTime). */
export interface BrowserSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** Push services accept at least, and commonly at most, 4096 bytes of body (RFC 8291 §4). */
export const MAX_PUSH_BODY_BYTES = 4096;
const PUSH_PATH = /^\/push\/([A-Za-z0-9_-]+)$/;

export class PushSimulator {
  readonly store = new PushStore();
  readonly server: PushHttpsServer;
  /** PEM of the listener's certificate: what SmartPay must trust (`new https.Agent({ ca })`). */
  readonly ca: string;

  constructor(private readonly options: PushSimulatorOptions) {
    const tls = selfSignedCertificate(options.host, options.now());
    this.ca = tls.cert;
    this.server = new PushHttpsServer({
      host: options.host,
      port: options.port,
      tls,
      // A little more than the limit, so an oversized body is still reported as 413 with its real size.
      keepBodyBytes: MAX_PUSH_BODY_BYTES * 4,
      baseLatencyMs: options.baseLatencyMs,
      handle: (req) => this.handle(req),
    });
  }

  /** https://<host>:<port>: the origin of every endpoint, and the `aud` VAPID JWTs must carry. */
  get baseUrl(): string {
    return this.server.origin;
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  /**
   * A new subscription, as a browser would get from `PushManager.subscribe({ applicationServerKey })`.
   * Null when `applicationServerKey` is not a base64url uncompressed P-256 point (browsers throw then).
   */
  subscribe(options: { applicationServerKey?: string } = {}): BrowserSubscription | null {
    const key = options.applicationServerKey;
    if (key !== undefined && p256PublicKey(key) === null) return null;
    const record = this.store.subscribe(key);
    return {
      endpoint: this.endpointOf(record.id),
      keys: { p256dh: record.publicKey.toString('base64url'), auth: record.authSecret.toString('base64url') },
    };
  }

  /** The browser unsubscribed: pushes to it answer 410 from now on. False for an id never handed out. */
  unsubscribe(id: string): boolean {
    return this.store.unsubscribe(id);
  }

  endpointOf(id: string): string {
    return `${this.baseUrl}/push/${id}`;
  }

  /** Answer the next `count` valid pushes with `status` (e.g. 410, 429, 500) instead of 201. */
  respondNext(status: number, count = 1): void {
    this.store.queueStatus(status, count);
  }

  /** Accepted pushes, newest first; only those to `endpoint` when given. */
  messages(endpoint?: string): ReceivedPush[] {
    return this.store.received.filter((m) => endpoint === undefined || m.endpoint === endpoint).reverse();
  }

  /** Refused pushes, newest first; only those to `endpoint` when given. */
  rejected(endpoint?: string): RejectedPush[] {
    return this.store.rejected.filter((r) => endpoint === undefined || r.endpoint === endpoint).reverse();
  }

  private handle(req: PushHttpRequest): PushHttpResponse {
    const endpoint = `${this.baseUrl}${req.url}`;
    const receivedAt = new Date(this.options.now()).toISOString();
    try {
      return this.accept(req, endpoint, receivedAt);
    } catch (error) {
      const status = error instanceof PushRejection ? error.status : 400;
      const reason = error instanceof Error ? error.message : String(error);
      this.store.rejected.push({ endpoint, receivedAt, status, reason });
      return { status, text: reason };
    }
  }

  private accept(req: PushHttpRequest, endpoint: string, receivedAt: string): PushHttpResponse {
    const match = PUSH_PATH.exec(req.url);
    if (req.method !== 'POST' || !match) throw new PushRejection(404, `no route for ${req.method} ${req.url}`);
    const lookup = this.store.lookup(match[1] ?? '');
    if (lookup.state === 'unknown') throw new PushRejection(404, 'unknown subscription');
    // RFC 8030 §7.3: an expired or unsubscribed subscription answers 410; the sender must stop using it.
    if (lookup.state === 'gone') throw new PushRejection(410, 'subscription is gone (the browser unsubscribed)');
    const sub = lookup.subscription;

    const delivery = checkDeliveryHeaders(req.headers);
    if (req.bodyBytes > MAX_PUSH_BODY_BYTES) {
      throw new PushRejection(413, `body is ${req.bodyBytes} bytes, limit ${MAX_PUSH_BODY_BYTES}`);
    }
    const vapid = verifyVapid(req.headers.authorization, this.baseUrl, Math.floor(this.options.now() / 1000));
    if (sub.applicationServerKey !== undefined && sub.applicationServerKey !== vapid.publicKey) {
      throw new PushRejection(403, 'VAPID key is not the applicationServerKey of the subscription');
    }
    const payload = decryptPayload(req.body, sub);

    const status = this.store.nextStatus();
    this.store.received.push({ endpoint, receivedAt, headers: req.headers, delivery, payload, vapid: vapid.claims, vapidPublicKey: vapid.publicKey, status });
    if (status !== 201) return { status, text: `push simulator answered ${status}` };
    // RFC 8030 §5: 201 Created with the push message resource in Location.
    return { status, text: '', headers: { Location: `${this.baseUrl}/message/${randomBytes(12).toString('base64url')}` } };
  }
}
