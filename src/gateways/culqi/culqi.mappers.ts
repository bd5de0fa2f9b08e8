import { CURRENCIES, type Currency } from '../../common/money';
import { redactText } from '../http/redact';
import type { CardDetails, ChargeFailure, ChargeOutcome, DeclineCode, GatewayChargeSummary } from '../payment-gateway.port';

/**
 * Pure translations of Culqi objects (culqi.md §4, §6) into the port's types. No I/O here, so every
 * branch can be exercised against the recorded sandbox traffic in culqi-recordings/.
 */

export type JsonObject = Record<string, unknown>;
export type SettledChargeOutcome = Exclude<ChargeOutcome, { status: 'not_sent' }>;

/** The key under which our charge id travels in Culqi `metadata` (only our own ids go to gateways). */
export const CHARGE_ID_METADATA_KEY = 'smartpay_charge_id';
/** The same for our refund id on a Culqi refund: the only way to find a refund whose answer was lost. */
export const REFUND_ID_METADATA_KEY = 'smartpay_refund_id';

export function asObject(value: unknown): JsonObject | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : null;
}

export function asString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** api.md "Normalisation of gateway outcomes", Culqi column. */
const DECLINE_CODES = new Map<string, DeclineCode>([
  ['insufficient_funds', 'insufficient_funds'],
  ['expired_card', 'expired_card'],
  ['incorrect_cvv', 'incorrect_cvc'],
  ['invalid_cvv', 'incorrect_cvc'],
  ['too_many_attempts_cvv', 'incorrect_cvc'],
  ['lost_card', 'lost_card'],
  ['stolen_card', 'stolen_card'],
  ['invalid_card', 'card_not_supported'],
  ['contact_issuer', 'contact_issuer'],
  ['soft_block', 'contact_issuer'],
  ['issuer_not_available', 'issuer_unavailable'],
  ['fraudulent', 'fraudulent'],
  ['processing_error', 'processing_error'],
  ['issuer_decline_operation', 'generic_decline'],
]);

/**
 * Culqi `outcome.type` values seen on charges read back (not create-time decline codes): the 2020 list
 * recording has 30 `expiracion_invalida` / DNGA0054 charges ("Fecha de Expiracion Invalida").
 */
const OUTCOME_TYPE_DECLINES = new Map<string, DeclineCode>([['expiracion_invalida', 'expired_card']]);

/** Every decline code Culqi documents (§6.4): a decline of this kind is an issuer answer, not a 3-D Secure failure. */
const PLAIN_DECLINE_CODES = new Set([...DECLINE_CODES.keys(), 'culqi_card']);

export function normaliseDeclineCode(raw: string | null | undefined): DeclineCode {
  const key = (raw ?? '').toLowerCase();
  return DECLINE_CODES.get(key) ?? OUTCOME_TYPE_DECLINES.get(key) ?? 'generic_decline';
}

export function isPlainDeclineCode(raw: string | null | undefined): boolean {
  return PLAIN_DECLINE_CODES.has((raw ?? '').toLowerCase());
}

/** Culqi spells brands `Visa`, `MasterCard`/`Mastercard`, `Amex`, `Diners` (§4.1); we use lowercase ids. */
export function normaliseBrand(raw: string | null | undefined): string {
  const compact = (raw ?? '').toLowerCase().replace(/[^a-z]/g, '');
  if (compact === 'visa') return 'visa';
  if (compact.startsWith('master')) return 'mastercard';
  if (compact === 'amex' || compact === 'americanexpress') return 'amex';
  if (compact.startsWith('diners')) return 'diners';
  return compact === '' ? 'unknown' : compact;
}

/**
 * Display data of the card behind a charge or saved card. Accepts a token object (`source` of a charge) or
 * a card object (`crd_…`, which embeds its token under `source`). Expiry month and year are not in Culqi's
 * token object, so they stay null.
 */
export function cardFromSource(value: unknown): CardDetails | null {
  let source = asObject(value);
  if (source?.object === 'card') source = asObject(source.source) ?? source;
  if (!source) return null;
  const iin = asObject(source.iin);
  const last4 = asString(source.last_four) ?? lastFour(asString(source.card_number));
  if (last4 === null) return null;
  return { brand: normaliseBrand(asString(iin?.card_brand)), last4, expMonth: null, expYear: null };
}

function lastFour(masked: string | null): string | null {
  const tail = masked?.slice(-4) ?? '';
  return /^\d{4}$/.test(tail) ? tail : null;
}

/** Culqi text may echo ids or e-mails: scrub it before it reaches our API responses or logs. */
export function safeMessage(text: string | null | undefined, fallback: string): string {
  return text ? redactText(text) : fallback;
}

/** A Culqi error object (§6.1). Bodies without `object: "error"` or a Culqi `type` are not Culqi errors (504s, Spring 500s). */
export interface CulqiError {
  type: string;
  code: string | null;
  declineCode: string | null;
  chargeId: string | null;
  merchantMessage: string | null;
  userMessage: string | null;
  param: string | null;
}

const CULQI_ERROR_TYPES = new Set([
  'invalid_request_error',
  'authentication_error',
  'card_error',
  'parameter_error',
  'limit_api_error',
  'resource_error',
  'api_error',
]);

export function readCulqiError(value: unknown): CulqiError | null {
  const body = asObject(value);
  const type = asString(body?.type);
  if (!body || type === null || (body.object !== 'error' && !CULQI_ERROR_TYPES.has(type))) return null;
  return {
    type,
    code: asString(body.code),
    declineCode: asString(body.decline_code),
    chargeId: asString(body.charge_id),
    merchantMessage: asString(body.merchant_message),
    userMessage: asString(body.user_message),
    param: asString(body.param),
  };
}

/** A card decline, from an error object (create) or from a charge's `outcome` (read back). */
export function declineFailure(raw: string | null, message: string | null, gatewayCode: string | null): ChargeFailure {
  return {
    code: 'card_declined',
    declineCode: normaliseDeclineCode(raw),
    message: safeMessage(message, 'The card was declined.'),
    gatewayCode: gatewayCode ?? raw,
  };
}

/** HTTP 200 with `action_code: "REVIEW"` means 3-D Secure is required (§7): never a success. */
export function isReviewAnswer(value: unknown): boolean {
  return asObject(value)?.action_code === 'REVIEW';
}

/**
 * Maps a Culqi charge object (create 201, GET, list item) to an outcome. `venta_exitosa` / AUT0000 is
 * the only confirmed success (§4.3); any other outcome is a decline. A charge without an outcome cannot
 * be judged and stays pending. Returns null for anything that is not a charge object.
 */
export function mapChargeObject(value: unknown): SettledChargeOutcome | null {
  const charge = asObject(value);
  const id = asString(charge?.id);
  if (!charge || id === null || (charge.object !== 'charge' && !id.startsWith('chr_'))) return null;
  const card = cardFromSource(charge.source);
  const outcome = asObject(charge.outcome);
  const type = asString(outcome?.type);
  const code = asString(outcome?.code);
  if (type === 'venta_exitosa' || code === 'AUT0000') return { status: 'succeeded', gatewayChargeId: id, card };
  if (!outcome || (type === null && code === null)) return { status: 'pending', gatewayChargeId: id, reason: 'ambiguous_error' };
  const declineCode = asString(outcome.decline_code) ?? asString(outcome.declineCode);
  const message = asString(outcome.merchant_message) ?? asString(outcome.user_message);
  return { status: 'failed', gatewayChargeId: id, card, failure: declineFailure(declineCode ?? type, message, declineCode ?? code ?? type) };
}

/** Amount and currency of a charge object, for lookups (the caller compares them with ours). */
export function chargeAmount(value: unknown): { amount: number; currency: Currency } | null {
  const charge = asObject(value);
  const rawAmount = charge?.amount;
  const amount = typeof rawAmount === 'string' ? Number(rawAmount) : rawAmount;
  const currency = charge?.currency_code;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) return null;
  if (typeof currency !== 'string' || !(CURRENCIES as readonly string[]).includes(currency)) return null;
  return { amount, currency: currency as Currency };
}

/**
 * One of our ids in a Culqi object's metadata under `key`, or null. Metadata values are read as text
 * (Culqi's metadata is a flat string map, §2.5) and a metadata object sent back as a JSON string is
 * accepted too.
 */
export function metadataReference(value: unknown, key: string): string | null {
  let metadata: unknown = asObject(value)?.metadata;
  if (typeof metadata === 'string') {
    try {
      metadata = JSON.parse(metadata) as unknown;
    } catch {
      return null;
    }
  }
  const found = asObject(metadata)?.[key];
  if (typeof found !== 'string' && typeof found !== 'number') return null;
  const text = String(found).trim();
  return text === '' ? null : text;
}

/** Our charge id in a charge object's metadata, or null. */
export function chargeReference(value: unknown): string | null {
  return metadataReference(value, CHARGE_ID_METADATA_KEY);
}

/** True when a charge object carries our charge id in its metadata. */
export function chargeMatchesReference(value: unknown, chargeId: string): boolean {
  return chargeReference(value) === chargeId;
}

/** Our refund id in a refund object's metadata (sent with every refund POST), or null. */
export function refundReference(value: unknown): string | null {
  return metadataReference(value, REFUND_ID_METADATA_KEY);
}

/**
 * A listed charge object for the reconciliation report; null when it cannot be read (no id, amount,
 * currency or creation date). A success whose whole amount was refunded is `refunded`; one under
 * dispute (`dispute: true`) is `disputed`. The amount is the charged one, before refunds.
 */
export function summariseCharge(value: unknown): GatewayChargeSummary | null {
  const outcome = mapChargeObject(value);
  const money = chargeAmount(value);
  const charge = asObject(value);
  const id = asString(charge?.id);
  const created = creationDateMs(value);
  if (!outcome || !money || !charge || id === null || created === null) return null;
  let status: GatewayChargeSummary['status'] = outcome.status;
  if (outcome.status === 'succeeded') {
    const refunded = charge.amount_refunded;
    if (charge.dispute === true) status = 'disputed';
    else if (typeof refunded === 'number' && refunded > 0 && refunded >= money.amount) status = 'refunded';
  }
  return {
    gatewayChargeId: id,
    reference: chargeReference(value),
    amount: money.amount,
    currency: money.currency,
    status,
    // Unix milliseconds on charges (§2.3).
    createdAt: new Date(created),
  };
}

/**
 * A charge or refund object's `creation_date` (Unix milliseconds on both, §2.3; digit strings accepted),
 * or null.
 */
export function creationDateMs(value: unknown): number | null {
  const raw = asObject(value)?.creation_date;
  const created = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : raw;
  return typeof created === 'number' && Number.isSafeInteger(created) ? created : null;
}
