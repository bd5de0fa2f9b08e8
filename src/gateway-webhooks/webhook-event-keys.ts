import { isId } from '../common/ids';
import { CHARGE_ID_METADATA_KEY, REFUND_ID_METADATA_KEY } from '../gateways/culqi/culqi.mappers';
import { parseCulqiWebhook } from '../gateways/culqi/culqi.webhook';
import { parseMercadoPagoWebhook } from '../gateways/mercadopago/mercadopago.webhook';
import { plainObject, scalarText } from '../common/json-values';

/**
 * What the inbox keeps of one delivery, before anything is trusted. The event key is what makes
 * redeliveries collapse: the same notification must produce the same key on every attempt.
 */
export interface InboundEvent {
  eventKey: string;
  eventType: string;
  resourceType: 'charge' | 'refund' | 'order' | 'payment' | 'unknown';
  resourceId: string;
  /** Our charge id as the payload claims it (Culqi metadata): only a hint of where to look. */
  chargeHint: string | null;
  /** Culqi refund events only: where the payload says to look for our refund (see RefundHint). */
  refundHint?: RefundHint;
  /** Set when the event is genuine but not something SmartPay acts on: stored as `ignored`, no job. */
  ignoreReason: string | null;
}

/**
 * What a Culqi refund event claims: our refund id (its `metadata.smartpay_refund_id`) and Culqi's id of
 * the refunded charge (`data.chargeId`, camelCase in webhook data, culqi.md §8.2). Only hints of where to
 * look: the refund itself is always re-fetched from Culqi.
 */
export interface RefundHint {
  refundId: string | null;
  gatewayChargeId: string | null;
}

type Query = Record<string, unknown>;

const SAFE_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const SAFE_TYPE = /^[A-Za-z0-9_.:-]{1,80}$/;

const scalar = scalarText;
const record = plainObject;

const safe = (value: string | null, pattern: RegExp): string | null => (value !== null && pattern.test(value) ? value : null);

/** `data.id` from the query string only: it is the id the `x-signature` covers. */
export function signedDataId(query: Query): string | undefined {
  return scalar(query['data.id']) ?? scalar(record(query.data)?.id) ?? undefined;
}

/**
 * Mercado Pago sends the same notification (same body `id`) on every retry, each attempt signed afresh
 * with a new `x-request-id` and `ts`: the body id is the key. Without one, the payment id, action and
 * the notification's creation date identify it. Returns null for a body that is no notification at all.
 */
export function mercadoPagoEvent(query: Query, body: unknown, requestId: string | undefined): InboundEvent | null {
  const payload = record(body);
  const topic = scalar(payload?.type) ?? scalar(query.type) ?? scalar(query.topic);
  const notificationId = safe(scalar(payload?.id), SAFE_ID);
  if (topic !== null && topic !== 'payment') {
    // A genuine (signed) notification of another topic: kept for the record, not acted on.
    const dataId = safe(signedDataId(query) ?? scalar(record(payload?.data)?.id), SAFE_ID) ?? '';
    const type = safe(scalar(payload?.action), SAFE_TYPE) ?? safe(topic, SAFE_TYPE) ?? 'unknown';
    const key = notificationId ? `mp:${notificationId}` : fallbackKey(dataId, type, payload, requestId);
    return key ? { eventKey: key, eventType: type, resourceType: 'unknown', resourceId: dataId, chargeHint: null, ignoreReason: `topic ${type} is not processed` } : null;
  }
  const event = parseMercadoPagoWebhook(query, body);
  if (!event) return null;
  const action = safe(event.action, SAFE_TYPE) ?? 'payment';
  const key = notificationId ? `mp:${notificationId}` : fallbackKey(event.paymentId, action, payload, requestId);
  if (!key) return null;
  return { eventKey: key, eventType: action, resourceType: 'payment', resourceId: event.paymentId, chargeHint: null, ignoreReason: null };
}

function fallbackKey(dataId: string, action: string, payload: Record<string, unknown> | null, requestId: string | undefined): string | null {
  const created = safe(scalar(payload?.date_created), /^[0-9T:.+\-Z]{1,40}$/) ?? safe(requestId ?? null, SAFE_ID);
  return dataId && created ? `mp:${dataId}:${action}:${created}` : null;
}

/**
 * Culqi events carry their own `evt_…` id, the same on every retry. Charges and refunds are acted on;
 * orders are kept (not yet processed); other event kinds (tokens, customers…) are ignored.
 */
export function culqiEvent(body: unknown): InboundEvent | null {
  const event = parseCulqiWebhook(body);
  if (!event || !SAFE_ID.test(event.eventId) || !SAFE_TYPE.test(event.type)) return null;
  const resourceId = SAFE_ID.test(event.resource.id) ? event.resource.id : '';
  const kind = resourceId === '' ? 'unknown' : event.resource.kind;
  const data = culqiEventData(body);
  const metadata = record(data?.metadata);
  const chargeHint = metadata?.[CHARGE_ID_METADATA_KEY];
  const inbound: InboundEvent = {
    eventKey: event.eventId,
    eventType: event.type,
    resourceType: kind,
    resourceId,
    chargeHint: kind === 'charge' && isId('charge', chargeHint) ? chargeHint : null,
    ignoreReason: kind === 'unknown' ? `event ${event.type} is not processed` : null,
  };
  if (kind === 'refund') {
    const refundHint = metadata?.[REFUND_ID_METADATA_KEY];
    inbound.refundHint = {
      refundId: isId('refund', refundHint) ? refundHint : null,
      gatewayChargeId: safe(typeof data?.chargeId === 'string' ? data.chargeId : null, SAFE_ID),
    };
  }
  return inbound;
}

/** The event's `data` (a JSON string, or an object) as an object, else null. */
function culqiEventData(body: unknown): Record<string, unknown> | null {
  const rawData = record(body)?.data;
  if (typeof rawData !== 'string') return record(rawData);
  try {
    return record(JSON.parse(rawData) as unknown);
  } catch {
    return null;
  }
}
