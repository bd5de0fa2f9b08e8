import type { Clock, SimRequest, SimResponse } from '../sim-types';
import type { PaymentRecord } from './mp-objects';
import type { MpStore } from './mp-store';

export type PaymentAction = 'payment.created' | 'payment.updated';

/** What every Mercado Pago route needs. */
export interface MpContext {
  store: MpStore;
  now: Clock;
  /** `http://127.0.0.1:<port>` (Mercado Pago paths start at /v1). */
  origin(): string;
  publicKey: string;
  userId: number;
  tokenTtlMs: number;
  challengeTtlMs: number;
  /** Null when the request carries the access token (or, where `publicKeyToo`, the public key). */
  authorize(req: SimRequest, publicKeyToo?: boolean): SimResponse | null;
  notify(record: PaymentRecord, action: PaymentAction): void;
}

/** The X-Idempotency-Key of a request, or undefined. */
export function idempotencyKey(req: SimRequest): string | undefined {
  const raw = req.headers['x-idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  return key && key.trim() !== '' ? key : undefined;
}

/** Replays a stored answer for the same key on the same endpoint, or runs `work` and stores its success. */
export function withIdempotency(ctx: MpContext, req: SimRequest, key: string | undefined, work: () => SimResponse): SimResponse {
  if (key === undefined) return work();
  const slot = `${req.method} ${req.path}|${key}`;
  const stored = ctx.store.idempotency.get(slot);
  if (stored) return structuredClone(stored);
  const result = work();
  // Validation failures are not remembered (nothing happened); anything that created or changed state is.
  if (result.status < 400) ctx.store.idempotency.set(slot, structuredClone(result));
  return result;
}
