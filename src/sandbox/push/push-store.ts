import { createECDH, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { BrowserKeys } from './push-decryption';
import type { PushDeliveryHeaders } from './push-headers';
import type { VapidClaims } from './push-vapid';

// The push service's memory: the subscriptions it handed out (with the browser-side private keys, which a
// real push service never holds: the simulator plays the browser too, to show what it would receive), the
// pushes it accepted and refused, and the answers queued by the control endpoint `_respond`.

export interface SubscriptionRecord extends BrowserKeys {
  id: string;
  /** With it, pushes signed under another VAPID key are refused (RFC 8292 §4.2). */
  applicationServerKey?: string;
}

export type SubscriptionLookup = { state: 'active'; subscription: SubscriptionRecord } | { state: 'gone' } | { state: 'unknown' };

export interface ReceivedPush {
  endpoint: string;
  /** ISO 8601, from the sandbox clock. */
  receivedAt: string;
  /** Every request header, as received. */
  headers: IncomingHttpHeaders;
  delivery: PushDeliveryHeaders;
  /** The decrypted JSON. */
  payload: unknown;
  /** The verified JWT claims. */
  vapid: VapidClaims;
  /** The `k` parameter: the VAPID public key the JWT verified with. */
  vapidPublicKey: string;
  /** What the simulator answered (201, or a status queued by `_respond`). */
  status: number;
}

export interface RejectedPush {
  endpoint: string;
  receivedAt: string;
  status: number;
  reason: string;
}

export class PushStore {
  private readonly subscriptions = new Map<string, SubscriptionRecord>();
  /** Unsubscribed ids: their endpoints answer 410 Gone from then on, as the real services do. */
  private readonly gone = new Set<string>();
  private readonly queuedStatuses: number[] = [];
  /** Arrival order. */
  readonly received: ReceivedPush[] = [];
  readonly rejected: RejectedPush[] = [];

  /** A fresh browser-side key pair (P-256) and 16-byte auth secret, as `PushManager.subscribe()` makes. */
  subscribe(applicationServerKey?: string): SubscriptionRecord {
    const ecdh = createECDH('prime256v1');
    const publicKey = ecdh.generateKeys();
    const record: SubscriptionRecord = {
      id: randomBytes(16).toString('base64url'),
      ecdh,
      publicKey,
      authSecret: randomBytes(16),
      ...(applicationServerKey !== undefined ? { applicationServerKey } : {}),
    };
    this.subscriptions.set(record.id, record);
    return record;
  }

  lookup(id: string): SubscriptionLookup {
    const subscription = this.subscriptions.get(id);
    if (subscription) return { state: 'active', subscription };
    return this.gone.has(id) ? { state: 'gone' } : { state: 'unknown' };
  }

  /** False when the id was never handed out; unsubscribing twice is fine, as in a browser. */
  unsubscribe(id: string): boolean {
    if (this.subscriptions.delete(id)) this.gone.add(id);
    return this.gone.has(id);
  }

  /** The next `count` accepted pushes are answered `status` instead of 201. */
  queueStatus(status: number, count: number): void {
    for (let i = 0; i < count; i += 1) this.queuedStatuses.push(status);
  }

  /** The answer for an accepted push, consuming one queued status. */
  nextStatus(): number {
    return this.queuedStatuses.shift() ?? 201;
  }

  get queued(): readonly number[] {
    return [...this.queuedStatuses];
  }

  clearQueue(): void {
    this.queuedStatuses.length = 0;
  }

  clearMessages(): void {
    this.received.length = 0;
    this.rejected.length = 0;
  }
}
