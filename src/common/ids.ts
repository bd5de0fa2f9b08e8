import { monotonicFactory } from 'ulid';

/** Resource id prefixes of the public contract (api.md, "ids"). */
export const ID_PREFIXES = {
  app: 'app',
  key: 'key',
  order: 'ord',
  charge: 'ch',
  refund: 're',
  customer: 'cus',
  paymentMethod: 'pm',
  event: 'evt',
  webhookEndpoint: 'we',
  invoice: 'inv',
  creditTransaction: 'ctx',
  creditLot: 'cl',
  admin: 'adm',
  idempotency: 'idk',
  gatewayCall: 'gwc',
  job: 'job',
  webhookDelivery: 'whd',
  reconciliationRun: 'rcn',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

// Monotonic within this process, so ids made in the same millisecond still sort in creation order.
const nextUlid = monotonicFactory();

/** A new prefixed, time-sortable, unguessable id (`ord_01J…`). */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${nextUlid()}`;
}

const ULID_BODY = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** True when `value` has the shape of an id of this kind; malformed ids are answered with 404, never a 5xx. */
export function isId(kind: IdKind, value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const prefix = `${ID_PREFIXES[kind]}_`;
  return value.startsWith(prefix) && ULID_BODY.test(value.slice(prefix.length));
}
