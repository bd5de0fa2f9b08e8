import type { GatewayHttpResult } from '../http/gateway-http.client';
import type { RetryPolicy } from './mercadopago.settings';

/**
 * Statuses worth another attempt with the same idempotency key: rate limiting, 5xx from the edge,
 * and 423 ("idempotency key temporarily locked": the first attempt is still being processed).
 */
const RETRY_STATUSES = new Set([423, 429, 500, 502, 503, 504]);

export interface RetryRun {
  last: GatewayHttpResult;
  attempts: number;
  /** Every attempt failed in a retryable way. */
  exhausted: boolean;
  /** Some attempt before `last` may have reached Mercado Pago (timeout, reset, 5xx, 423). */
  ambiguousBefore: boolean;
}

export function isRetryable(result: GatewayHttpResult): boolean {
  // A refused connection is never retried: the gateway is down, and a retry now would only delay
  // the answer (and, for a first attempt, the failover that not_sent allows).
  if (result.kind === 'error') return !result.notSent;
  return RETRY_STATUSES.has(result.status);
}

/** Whether this failed attempt may have been processed: only a 429 and a refused connection certainly were not. */
export function mayHaveReached(result: GatewayHttpResult): boolean {
  if (result.kind === 'error') return !result.notSent;
  return result.status !== 429;
}

/** Exponential backoff with equal jitter: half the delay fixed, half random, so retries spread out. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.baseDelayMs * 2 ** retry, 10_000);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it gives a non-retryable result or `policy.maxRetries` extra attempts are
 * used. Only for calls where repeating is harmless: POSTs carrying the same X-Idempotency-Key,
 * GETs and DELETEs. (cockatiel, which design.md prefers, is not installed; this is the one loop.)
 */
export async function withRetries(policy: RetryPolicy, attempt: () => Promise<GatewayHttpResult>): Promise<RetryRun> {
  let ambiguousBefore = false;
  for (let n = 0; ; n++) {
    const last = await attempt();
    if (!isRetryable(last)) return { last, attempts: n + 1, exhausted: false, ambiguousBefore };
    if (n >= policy.maxRetries) return { last, attempts: n + 1, exhausted: true, ambiguousBefore };
    ambiguousBefore ||= mayHaveReached(last);
    await sleep(backoffDelay(policy, n));
  }
}
