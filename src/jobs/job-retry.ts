import { serializeError } from '../common/logging/logger';
import { redactText } from '../gateways/http/redact';

/**
 * Delay before retry number `attempt` (1 after the first failure): exponential with full jitter,
 * uniform in [0, min(cap, base · 2^(attempt−1))]. Full jitter spreads the retries of many jobs that
 * failed together (a gateway outage) instead of sending them back in synchronized waves.
 */
export function retryDelayMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 40);
  const ceiling = Math.min(capMs, baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

export const LAST_ERROR_LIMIT = 1000;

const API_KEY = /\b(sk|pk)_(test|live)_[A-Za-z0-9]+/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const MP_TOKEN = /\b(APP_USR|TEST)-[A-Za-z0-9-]{10,}/g;

/**
 * What a failed attempt leaves in `last_error`: the error's name and message only (no stack, no
 * SQL statement with its values), scrubbed of keys, tokens, card-like numbers and e-mails, truncated.
 */
export function describeJobError(err: unknown): string {
  const serialized = serializeError(err) as { type?: unknown; message?: unknown } | string | undefined;
  let text: string;
  if (serialized && typeof serialized === 'object' && typeof serialized.message === 'string') {
    const name = err instanceof Error ? err.name : typeof serialized.type === 'string' ? serialized.type : 'Error';
    text = `${name}: ${serialized.message}`;
  } else {
    text = typeof err === 'string' ? err : stringify(err);
  }
  const scrubbed = redactText(text.replace(API_KEY, '[redacted]').replace(BEARER, '$1 [redacted]').replace(MP_TOKEN, '[redacted]'));
  return scrubbed.length > LAST_ERROR_LIMIT ? `${scrubbed.slice(0, LAST_ERROR_LIMIT - 1)}…` : scrubbed;
}

/** Something thrown that is not an Error (a rejected value): its JSON, or a placeholder. */
function stringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? `thrown ${typeof value}`;
  } catch {
    return `thrown ${typeof value} (not serializable)`;
  }
}
