import { canonicalJson } from '../canonical-json';
import { sha256Hex } from '../secrets';

/**
 * What makes two requests "the same" for an Idempotency-Key: method, original URL (path and query)
 * and the body's canonical JSON (keys sorted, so formatting and key order do not matter).
 */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return sha256Hex(`${method} ${url}\n${canonicalJson(body ?? null)}`);
}
