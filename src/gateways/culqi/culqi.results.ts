import type { GatewayHttpResult } from '../http/gateway-http.client';
import type {
  ChargeFailure,
  ChargeOutcome,
  DeleteCardOutcome,
  LookupOutcome,
  NextAction,
  RefundLookup,
  RefundOutcome,
  SaveCardOutcome,
} from '../payment-gateway.port';
import {
  asObject,
  asString,
  cardFromSource,
  chargeAmount,
  declineFailure,
  isPlainDeclineCode,
  isReviewAnswer,
  mapChargeObject,
  readCulqiError,
  safeMessage,
  type CulqiError,
} from './culqi.mappers';

/**
 * HTTP result → port outcome, per Culqi operation. Pure functions: the gateway class only sends requests
 * and hands the results here, and the tests feed recorded Culqi answers straight in.
 */

export interface ChargeAttempt {
  /** The request carried `authentication_3DS` (the retry after a challenge). */
  threeDs: boolean;
  /** What the front end needs if Culqi answers REVIEW. */
  nextAction: NextAction;
}

const AMBIGUOUS = { status: 'pending', gatewayChargeId: null, reason: 'ambiguous_error' } as const;

function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * A charge POST. Culqi has no idempotency key, so anything that might have been processed (timeout,
 * reset, 5xx, a 504 from the AWS edge, a body that is not Culqi's) is `pending` for reconciliation;
 * only a certainly unsent request is `not_sent`.
 */
export function mapChargeResult(result: GatewayHttpResult, attempt: ChargeAttempt): ChargeOutcome {
  if (result.kind === 'error') {
    if (result.notSent) return { status: 'not_sent', reason: result.errorClass };
    return { status: 'pending', gatewayChargeId: null, reason: result.errorClass === 'timeout' ? 'timeout' : 'ambiguous_error' };
  }
  if (result.status >= 500) return AMBIGUOUS;
  if (isSuccessStatus(result.status)) {
    if (isReviewAnswer(result.json)) {
      // A second REVIEW after a completed challenge: the authentication was not accepted. Failing here
      // (no charge exists: REVIEW creates none) leaves the order payable instead of looping.
      if (attempt.threeDs) return failedCharge(null, authenticationFailure('Culqi asked for 3-D Secure again after the authentication.', 'REVIEW'));
      return { status: 'requires_action', gatewayChargeId: null, card: null, nextAction: attempt.nextAction };
    }
    return mapChargeObject(result.json) ?? AMBIGUOUS;
  }
  const error = readCulqiError(result.json);
  // A 4xx that is not a Culqi error object came from the edge in front of Culqi: we cannot tell what happened.
  if (!error) return AMBIGUOUS;
  return failedCharge(error.chargeId, chargeErrorFailure(error, attempt.threeDs));
}

function failedCharge(gatewayChargeId: string | null, failure: ChargeFailure): ChargeOutcome {
  return { status: 'failed', gatewayChargeId, card: null, failure };
}

function authenticationFailure(message: string, gatewayCode: string | null): ChargeFailure {
  return { code: 'authentication_failed', declineCode: null, message, gatewayCode };
}

function errorMessage(error: CulqiError, fallback: string): string {
  return safeMessage(error.merchantMessage ?? error.userMessage, fallback);
}

/** Token or card-token parameter errors: the token expired (5 minutes), was used, or never existed (§4.1). */
function isSourceParam(param: string | null): boolean {
  return param === 'source_id' || param === 'token_id';
}

/**
 * How a failed 3-D Secure authentication shows up is not documented (culqi.md §7): after a request that
 * carried `authentication_3DS`, a card_error whose decline code is not one of Culqi's documented
 * issuer declines, or a parameter error on `authentication_3DS`, is read as `authentication_failed`.
 */
export function chargeErrorFailure(error: CulqiError, threeDs: boolean): ChargeFailure {
  const message = errorMessage(error, 'Culqi rejected the charge.');
  if (error.type === 'card_error') {
    if (threeDs && !isPlainDeclineCode(error.declineCode)) return authenticationFailure(message, error.declineCode ?? error.code);
    return declineFailure(error.declineCode, message, error.declineCode ?? error.code);
  }
  if (isSourceParam(error.param)) return { code: 'invalid_source', declineCode: null, message, gatewayCode: error.code ?? error.type };
  if (threeDs && (error.param ?? '').toLowerCase().startsWith('authentication_3ds')) return authenticationFailure(message, error.code ?? error.type);
  return { code: 'gateway_error', declineCode: null, message, gatewayCode: error.code ?? error.type };
}

/** `GET /charges/{id}`. */
export function mapLookupResult(result: GatewayHttpResult): LookupOutcome {
  if (result.kind === 'error') return { error: `${result.errorClass}: ${result.message}` };
  if (result.status === 404) return { found: false };
  if (!isSuccessStatus(result.status)) return { error: describeHttpError(result.status, result.json) };
  const outcome = mapChargeObject(result.json);
  const money = chargeAmount(result.json);
  if (!outcome || !money) return { error: `HTTP ${result.status}: not a Culqi charge object` };
  return { found: true, outcome, ...money };
}

function describeHttpError(status: number, json: unknown): string {
  const error = readCulqiError(json);
  return error ? `HTTP ${status} ${error.type}: ${errorMessage(error, '')}` : `HTTP ${status}`;
}

/** One page of a Culqi list (`GET /charges`, `GET /refunds`, §2.4): its items and the cursor to the next (older) page, if any. */
export type ListPage = { items: unknown[]; nextCursor: string | null } | { error: string };

export function readListPage(result: GatewayHttpResult): ListPage {
  if (result.kind === 'error') return { error: `${result.errorClass}: ${result.message}` };
  if (!isSuccessStatus(result.status)) return { error: describeHttpError(result.status, result.json) };
  const body = asObject(result.json);
  if (!body || !Array.isArray(body.data)) return { error: `HTTP ${result.status}: not a Culqi list` };
  const paging = asObject(body.paging);
  const next = asString(paging?.next);
  if (next === null || body.data.length === 0) return { items: body.data as unknown[], nextCursor: null };
  // `paging.next` is `…?after=<id>`, the same id as `cursors.after` in every recording; either will do.
  const cursor = asString(asObject(paging?.cursors)?.after) ?? afterParam(next);
  if (cursor === null) return { error: 'Culqi announced a next page without a cursor' };
  return { items: body.data as unknown[], nextCursor: cursor };
}

function afterParam(url: string): string | null {
  try {
    return new URL(url, 'https://api.culqi.com').searchParams.get('after');
  } catch {
    return null;
  }
}

/** `POST /refunds`: never retried (no idempotency key); anything ambiguous is `pending`. */
export function mapRefundResult(result: GatewayHttpResult): RefundOutcome {
  if (result.kind === 'error') {
    if (result.notSent) return { status: 'failed', message: 'Culqi could not be reached; the refund was not sent.', gatewayCode: null };
    return { status: 'pending', reason: result.errorClass };
  }
  if (result.status >= 500) return { status: 'pending', reason: 'ambiguous_error' };
  const id = asString(asObject(result.json)?.id);
  if (isSuccessStatus(result.status)) return id?.startsWith('ref_') ? { status: 'succeeded', gatewayRefundId: id } : { status: 'pending', reason: 'ambiguous_error' };
  const error = readCulqiError(result.json);
  if (!error) return { status: 'pending', reason: 'ambiguous_error' };
  return { status: 'failed', message: errorMessage(error, 'Culqi rejected the refund.'), gatewayCode: error.code ?? error.type };
}

/** A Culqi refund object (`ref_…`); null for anything else. */
export function refundObjectId(value: unknown): string | null {
  const refund = asObject(value);
  const id = asString(refund?.id);
  return refund && id !== null && (refund.object === 'refund' || id.startsWith('ref_')) ? id : null;
}

/**
 * `GET /refunds/{id}`. A Culqi refund has no status: one that exists was made (succeeded); 404 is
 * "not found". Anything else is an error, never "not found".
 */
export function mapRefundLookupResult(result: GatewayHttpResult): RefundLookup {
  if (result.kind === 'error') return { error: `${result.errorClass}: ${result.message}` };
  if (result.status === 404) return { found: false };
  if (!isSuccessStatus(result.status)) return { error: describeHttpError(result.status, result.json) };
  const id = refundObjectId(result.json);
  return id === null ? { error: `HTTP ${result.status}: not a Culqi refund object` } : { found: true, gatewayRefundId: id, status: 'succeeded' };
}

function gatewayFailure(message: string, gatewayCode: string | null = null): ChargeFailure {
  return { code: 'gateway_error', declineCode: null, message, gatewayCode };
}

/** For a transport error or a 5xx (the caller checks which): why there is no usable answer. */
function noAnswerFailure(result: GatewayHttpResult, what: string): ChargeFailure {
  if (result.kind === 'error') {
    const message = result.notSent ? `Culqi could not be reached to ${what}.` : `No answer from Culqi to ${what} (${result.errorClass}).`;
    return gatewayFailure(message);
  }
  return gatewayFailure(`Culqi failed to ${what} (HTTP ${result.status}).`, readCulqiError(result.json)?.code ?? null);
}

/** `POST /customers` (the first half of saving a card). */
export function mapCustomerResult(result: GatewayHttpResult): { customerRef: string } | { failure: ChargeFailure } {
  if (result.kind === 'error' || result.status >= 500) return { failure: noAnswerFailure(result, 'create the customer') };
  const id = asString(asObject(result.json)?.id);
  if (isSuccessStatus(result.status) && id?.startsWith('cus_')) return { customerRef: id };
  const error = readCulqiError(result.json);
  if (!error) return { failure: gatewayFailure(`Culqi answered HTTP ${result.status} creating the customer.`) };
  return { failure: gatewayFailure(errorMessage(error, 'Culqi rejected the customer.'), error.code ?? error.type) };
}

/**
 * `POST /cards`. Culqi validates the card with a small charge it reverses: a decline is HTTP 400
 * card_error (§4.6). A 200 REVIEW means the issuer wants 3-D Secure for the validation, a flow this
 * API does not offer for saved cards, so it fails with `authentication_failed`.
 */
export function mapCardResult(result: GatewayHttpResult, customerRef: string): SaveCardOutcome {
  // An unanswered card POST may still have saved the card: an orphan card at Culqi is harmless (never charged).
  if (result.kind === 'error' || result.status >= 500) return { status: 'failed', failure: noAnswerFailure(result, 'save the card') };
  if (isSuccessStatus(result.status)) {
    if (isReviewAnswer(result.json)) {
      return { status: 'failed', failure: authenticationFailure('The card issuer requires 3-D Secure to save this card; pay with it once instead.', 'REVIEW') };
    }
    const body = asObject(result.json);
    const cardRef = asString(body?.id);
    if (!cardRef?.startsWith('crd_')) return { status: 'failed', failure: gatewayFailure(`Culqi answered HTTP ${result.status} without a card.`) };
    const card = cardFromSource(body) ?? { brand: 'unknown', last4: '', expMonth: null, expYear: null };
    return { status: 'saved', ref: { customerRef: asString(body?.customer_id) ?? customerRef, cardRef }, card };
  }
  const error = readCulqiError(result.json);
  if (!error) return { status: 'failed', failure: gatewayFailure(`Culqi answered HTTP ${result.status} saving the card.`) };
  return { status: 'failed', failure: chargeErrorFailure(error, false) };
}

/** `DELETE /cards/{id}`: a card that is already gone counts as deleted. */
export function mapDeleteCardResult(result: GatewayHttpResult): DeleteCardOutcome {
  if (result.kind === 'error') return { status: 'failed', message: `No answer from Culqi deleting the card (${result.errorClass}).` };
  if (isSuccessStatus(result.status) || result.status === 404) return { status: 'deleted' };
  const error = readCulqiError(result.json);
  return { status: 'failed', message: error ? errorMessage(error, 'Culqi refused to delete the card.') : `Culqi answered HTTP ${result.status}.` };
}
