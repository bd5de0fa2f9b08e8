import { createHmac, timingSafeEqual } from 'node:crypto';
import { plainObject, scalarText } from '../../common/json-values';

export interface MercadoPagoSignatureInput {
  /** `x-signature` header: `ts=<ts>,v1=<hex hmac>`. */
  xSignature: string | undefined;
  /** `x-request-id` header; dropped from the manifest when absent. */
  xRequestId: string | undefined;
  /** `data.id` from the notification's query string; dropped from the manifest when absent. */
  dataId: string | undefined;
  secret: string;
  nowMs: number;
  /** How far `ts` may be from now, either way. */
  toleranceMs: number;
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing_signature' | 'malformed_signature' | 'missing_secret' | 'stale' | 'mismatch' };

/** Header parsing as the official validators do: split on ',', then on the first '=', trim, lowercase keys. */
export function parseSignatureHeader(header: string): Map<string, string[]> {
  const parts = new Map<string, string[]>();
  for (const piece of header.split(',')) {
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    const value = piece.slice(eq + 1).trim();
    if (key === '' || value === '') continue;
    parts.set(key, [...(parts.get(key) ?? []), value]);
  }
  return parts;
}

/** `id:<data.id>;request-id:<x-request-id>;ts:<ts>;`, each absent part dropped whole (`ts` always kept). */
export function signatureManifest(dataId: string | undefined, xRequestId: string | undefined, ts: string): string {
  return `${dataId ? `id:${dataId};` : ''}${xRequestId ? `request-id:${xRequestId};` : ''}ts:${ts};`;
}

/**
 * `ts` is signed as an opaque string; only freshness depends on its unit, which the sources give
 * both ways (docs text: milliseconds; docs example and SDK tolerance checks: seconds). 13+ digits
 * are read as milliseconds.
 */
export function tsToMs(ts: string): number | null {
  if (!/^\d{1,16}$/.test(ts)) return null;
  return ts.length >= 13 ? Number(ts) : Number(ts) * 1000;
}

function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Verifies a Mercado Pago webhook's `x-signature` (HMAC-SHA256 hex over the manifest, with the panel secret). */
export function verifyMercadoPagoSignature(input: MercadoPagoSignatureInput): SignatureCheck {
  if (!input.secret) return { ok: false, reason: 'missing_secret' };
  if (!input.xSignature) return { ok: false, reason: 'missing_signature' };
  const parts = parseSignatureHeader(input.xSignature);
  const ts = parts.get('ts')?.[0];
  const signatures = parts.get('v1') ?? [];
  if (ts === undefined || signatures.length === 0) return { ok: false, reason: 'malformed_signature' };
  const tsMs = tsToMs(ts);
  if (tsMs === null) return { ok: false, reason: 'malformed_signature' };
  if (Math.abs(input.nowMs - tsMs) > input.toleranceMs) return { ok: false, reason: 'stale' };
  // Sign the id as received; an alphanumeric id is also tried lowercased, since sources disagree on
  // whether Mercado Pago lowercases it (irrelevant for numeric payment ids).
  const ids = new Set([input.dataId, input.dataId?.toLowerCase()]);
  for (const id of ids) {
    const expected = createHmac('sha256', input.secret).update(signatureManifest(id, input.xRequestId, ts)).digest('hex');
    if (signatures.some((given) => sameHex(expected, given))) return { ok: true };
  }
  return { ok: false, reason: 'mismatch' };
}

export interface MercadoPagoWebhookEvent {
  /** The notification's own id (`body.id`), null when the body has none. */
  eventId: string | null;
  /** `payment.created`, `payment.updated`, … (or the topic when no action is given). */
  action: string;
  /** The payment to re-fetch: the payload itself is never trusted. */
  paymentId: string;
}

type Query = Record<string, unknown>;

const scalar = scalarText;
const record = plainObject;

/**
 * A payment notification's essentials, or null when it is not about a payment. `data.id` comes from
 * the query string first (it is what the signature covers), else from the body.
 */
export function parseMercadoPagoWebhook(query: Query, body: unknown): MercadoPagoWebhookEvent | null {
  const payload = record(body);
  const topic = scalar(payload?.type) ?? scalar(query.type) ?? scalar(query.topic);
  if (topic !== null && topic !== 'payment') return null;
  // `data.id` is a literal key with Express's simple parser; qs-style parsers may nest it.
  const paymentId = scalar(query['data.id']) ?? scalar(record(query.data)?.id) ?? scalar(record(payload?.data)?.id);
  if (paymentId === null || !/^[A-Za-z0-9_-]{1,64}$/.test(paymentId)) return null;
  const action = scalar(payload?.action) ?? topic ?? 'payment';
  return { eventId: scalar(payload?.id), action, paymentId };
}
