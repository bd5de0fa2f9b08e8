import { verifyBasicAuth } from '../../common/http/basic-auth';
import { asObject, asString } from './culqi.mappers';

/**
 * Culqi webhooks (culqi.md §8): an event `{object:"event", id:"evt_…", type, creation_date, data}` whose
 * `data` is a JSON-encoded string with camelCase fields (an object is accepted too). Culqi signs nothing;
 * the only protection is optional HTTP Basic auth, so the inbox must re-fetch the resource by id before
 * acting — which is why only the event id, type and resource id are extracted here.
 */

export type CulqiResourceKind = 'charge' | 'refund' | 'order' | 'unknown';

export interface CulqiWebhookEvent {
  eventId: string;
  type: string;
  resource: { kind: CulqiResourceKind; id: string };
}

export type WebhookHeaders = Record<string, string | string[] | undefined>;

const KINDS: readonly CulqiResourceKind[] = ['charge', 'refund', 'order'];

/** Returns null for anything that is not a Culqi event (the caller answers 400 and stores nothing). */
export function parseCulqiWebhook(body: unknown, _headers?: WebhookHeaders): CulqiWebhookEvent | null {
  const event = asObject(parseMaybeJson(body));
  const eventId = asString(event?.id);
  const type = asString(event?.type);
  if (!event || eventId === null || type === null) return null;
  if (event.object !== undefined && event.object !== 'event') return null;
  const data = asObject(parseMaybeJson(event.data));
  const id = asString(data?.id);
  const kind = kindOf(type, asString(data?.object));
  return { eventId, type, resource: id === null ? { kind: 'unknown', id: '' } : { kind, id } };
}

function parseMaybeJson(value: unknown): unknown {
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** `charge.creation.succeeded` → charge, `refund.…` → refund, `order.status.changed` → order; else the data's `object`. */
function kindOf(type: string, dataObject: string | null): CulqiResourceKind {
  const prefix = type.split('.')[0] ?? '';
  return KINDS.find((k) => k === prefix) ?? KINDS.find((k) => k === dataObject) ?? 'unknown';
}

/**
 * Checks `Authorization: Basic base64(user:password)` as configured for the webhook in CulqiPanel
 * (culqi.md §8.1), in constant time. Without a configured user nothing verifies.
 */
export const verifyCulqiBasicAuth = verifyBasicAuth;
