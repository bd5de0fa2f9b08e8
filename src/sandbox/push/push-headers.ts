import type { IncomingHttpHeaders } from 'node:http';
import { PushRejection } from './push-rejection';

// The RFC 8030 request headers a push service checks before it looks at the body.

export type PushUrgency = 'very-low' | 'low' | 'normal' | 'high';

/** What the control `_messages` endpoint shows of the headers: the ones that change delivery. */
export interface PushDeliveryHeaders {
  ttl: number;
  /** The Urgency header, or `normal` when absent (RFC 8030 §5.3: the default). */
  urgency: PushUrgency;
  /** Present only when sent: a newer message with the same topic replaces an undelivered one. */
  topic?: string;
}

const URGENCIES: readonly string[] = ['very-low', 'low', 'normal', 'high'];

/** Throws a 400 PushRejection for the first header a push service would refuse. */
export function checkDeliveryHeaders(headers: IncomingHttpHeaders): PushDeliveryHeaders {
  // §5.2: TTL is required, a non-negative integer of seconds.
  const ttl = single(headers, 'ttl');
  if (ttl === undefined) throw new PushRejection(400, 'missing TTL header');
  if (!/^\d+$/.test(ttl)) throw new PushRejection(400, `TTL header is not a non-negative integer: ${ttl}`);
  // §5.3: Urgency, when present, is one of four values.
  const urgency = single(headers, 'urgency');
  if (urgency !== undefined && !URGENCIES.includes(urgency)) throw new PushRejection(400, `invalid Urgency header: ${urgency}`);
  // §5.4: a Topic is at most 32 characters of the URL-safe base64 alphabet.
  const topic = single(headers, 'topic');
  if (topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) {
    throw new PushRejection(400, `invalid Topic header (1–32 characters of A-Z a-z 0-9 - _): ${topic}`);
  }
  // RFC 8291 §4: the body is aes128gcm-encoded.
  if (headers['content-encoding'] !== 'aes128gcm') {
    throw new PushRejection(400, `Content-Encoding must be aes128gcm, got ${headers['content-encoding'] ?? 'none'}`);
  }
  return {
    ttl: Number(ttl),
    urgency: (urgency ?? 'normal') as PushUrgency,
    ...(topic !== undefined ? { topic } : {}),
  };
}

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) throw new PushRejection(400, `${name} header sent more than once`);
  return value;
}
