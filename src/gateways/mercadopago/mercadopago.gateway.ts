import type { GatewayHttpClient } from '../http/gateway-http.client';
import type {
  CallContext,
  ChargeListing,
  ChargeListingWindow,
  ChargeReference,
  ChargeRequest,
  DeleteCardOutcome,
  GatewayCapabilities,
  GatewayChargeSummary,
  PaymentGateway,
  RefundLookup,
  RefundOutcome,
  RefundReference,
  RefundRequest,
  SaveCardOutcome,
  SaveCardRequest,
  SavedCardRef,
  ThreeDsAuthentication,
} from '../payment-gateway.port';
import { minorToDecimal } from './mercadopago.amounts';
import { MercadoPagoApi } from './mercadopago.api';
import { gatewayError, resolveCardSource } from './mercadopago.card-source';
import { mapLookup, mapPayment, MONEY_TAKEN, summarisePayment, type MercadoPagoChargeOutcome, type MercadoPagoLookupOutcome } from './mercadopago.mapper';
import type { RetryRun } from './mercadopago.retry';
import { saveMercadoPagoCard } from './mercadopago.cards';
import { matchRefund } from './mercadopago.refunds';
import type { MercadoPagoSettings } from './mercadopago.settings';
import { asRecord, idString, parseMpError, text } from './mercadopago.wire';

/** The same key on every retry of one attempt, so Mercado Pago can never create the payment twice. */
export const paymentIdempotencyKey = (chargeId: string) => `smartpay-${chargeId}`;
export const refundIdempotencyKey = (refundId: string) => `smartpay-${refundId}`;

/** Search paging for the reconciliation report: 100 pages of 100 (10,000 payments) per window, then an error. */
const SEARCH_PAGE_SIZE = 100;
const MAX_SEARCH_PAGES = 100;

/** Cause codes of `POST /v1/payments` meaning the card token is unknown, used or invalid. */
const INVALID_TOKEN_CAUSES = new Set(['2006', '3003']);

const pending = (gatewayChargeId: string | null, reason: 'timeout' | 'ambiguous_error'): MercadoPagoChargeOutcome => ({
  status: 'pending',
  gatewayChargeId,
  reason,
});

/**
 * Mercado Pago (Peru) over plain HTTP: the official SDK cannot change its base URL and leaks
 * idempotency keys between calls (sdk-nodejs#481). Payments carry `X-Idempotency-Key` derived from
 * our charge id and `external_reference` = our charge id, so ambiguous failures are retried safely
 * here and anything still unknown is found again by reference.
 */
export class MercadoPagoGateway implements PaymentGateway {
  readonly id = 'mercadopago' as const;
  readonly capabilities: GatewayCapabilities = {
    cards: true,
    // Yape goes to Culqi in SmartPay.
    yape: false,
    threeDSecure: true,
    savedCards: true,
    partialRefunds: true,
    lookupByReference: true,
    // Mercado Pago Peru charges in PEN only (USD for MPE is unconfirmed).
    currencies: ['PEN'],
  };
  private readonly api: MercadoPagoApi;

  constructor(
    private readonly settings: MercadoPagoSettings,
    http: GatewayHttpClient,
  ) {
    this.api = new MercadoPagoApi(settings, http);
  }

  async charge(request: ChargeRequest, ctx: CallContext): Promise<MercadoPagoChargeOutcome> {
    if (request.currency !== 'PEN') {
      return {
        status: 'failed',
        gatewayChargeId: null,
        card: null,
        failure: { code: 'gateway_error', declineCode: null, message: `Mercado Pago Peru does not charge ${request.currency}`, gatewayCode: null },
      };
    }
    const transactionAmount = minorToDecimal(request.amount);
    const source = await resolveCardSource(this.api, this.settings.publicKey, request, ctx);
    if (!source.ok) return source.outcome;
    const body: Record<string, unknown> = {
      transaction_amount: transactionAmount,
      token: source.token,
      description: request.description,
      installments: request.installments,
      payment_method_id: source.paymentMethodId,
      ...(source.issuerId !== null ? { issuer_id: issuerIdValue(source.issuerId) } : {}),
      payer: source.payer,
      external_reference: request.chargeId,
      ...(request.notificationUrl ? { notification_url: request.notificationUrl } : {}),
      // SmartPay charges always capture.
      capture: true,
      // 3-D Secure requires binary_mode false (a challenge is a pending state).
      ...(request.threeDsMode ? { three_d_secure_mode: request.threeDsMode, binary_mode: false } : {}),
      metadata: { smartpay_charge_id: request.chargeId },
    };
    const run = await this.api.retried(
      {
        operation: 'create_payment',
        method: 'POST',
        path: '/v1/payments',
        body,
        idempotencyKey: paymentIdempotencyKey(request.chargeId),
        secrets: [source.token],
      },
      ctx,
    );
    return paymentOutcome(run);
  }

  /**
   * Mercado Pago has no call that takes 3-D Secure results: the challenge happens in the buyer's
   * browser and the payment moves by itself (webhook / sync). So this only looks the payment up by
   * our charge id; a challenge not yet finished stays `requires_action`.
   */
  async completeThreeDs(request: ChargeRequest, _authentication: ThreeDsAuthentication, ctx: CallContext): Promise<MercadoPagoChargeOutcome> {
    const lookup = await this.findChargeByReference({ chargeId: request.chargeId, attemptedAt: request.attemptedAt, amount: request.amount, currency: request.currency }, ctx);
    if ('found' in lookup && lookup.found) return lookup.outcome;
    return pending(null, 'ambiguous_error');
  }

  async getCharge(gatewayChargeId: string, ctx: CallContext): Promise<MercadoPagoLookupOutcome> {
    const run = await this.api.retried({ operation: 'get_payment', method: 'GET', path: `/v1/payments/${encodeURIComponent(gatewayChargeId)}` }, ctx);
    const { last } = run;
    if (last.kind === 'error') return { error: `Mercado Pago unreachable: ${last.errorClass}` };
    if (last.status === 404) return { found: false };
    if (last.status < 200 || last.status >= 300) return { error: `Mercado Pago: ${parseMpError(last.json, last.status).message}` };
    return mapLookup(last.json);
  }

  async findChargeByReference(reference: ChargeReference, ctx: CallContext): Promise<MercadoPagoLookupOutcome> {
    const query = `external_reference=${encodeURIComponent(reference.chargeId)}&sort=date_created&criteria=desc`;
    const run = await this.api.retried({ operation: 'search_payments', method: 'GET', path: `/v1/payments/search?${query}` }, ctx);
    const { last } = run;
    if (last.kind === 'error') return { error: `Mercado Pago unreachable: ${last.errorClass}` };
    if (last.status < 200 || last.status >= 300) return { error: `Mercado Pago: ${parseMpError(last.json, last.status).message}` };
    const results = asRecord(last.json)?.results;
    const payments = (Array.isArray(results) ? (results as unknown[]) : []).filter((p) => text(asRecord(p)?.external_reference) === reference.chargeId);
    // Newest first; the idempotency key makes a second payment for one charge id unlikely, but if
    // one exists the payment that took money is the one the order must learn about.
    const chosen = payments.find((p) => MONEY_TAKEN.has(text(asRecord(p)?.status) ?? '')) ?? payments[0];
    return chosen === undefined ? { found: false } : mapLookup(chosen);
  }

  /**
   * Every payment created in the window: `range=date_created` with ISO bounds, oldest first, paged by
   * offset to the end (payments created meanwhile land after the window or at its end, so earlier
   * offsets do not shift). Payments outside the window are dropped; a page that fails is an error.
   */
  async listCharges(window: ChargeListingWindow, ctx: CallContext): Promise<ChargeListing> {
    const from = window.from.getTime();
    const to = window.to.getTime();
    const charges = new Map<string, GatewayChargeSummary>();
    for (let page = 0; page < MAX_SEARCH_PAGES; page++) {
      const offset = page * SEARCH_PAGE_SIZE;
      const query = new URLSearchParams({
        range: 'date_created',
        begin_date: window.from.toISOString(),
        end_date: window.to.toISOString(),
        sort: 'date_created',
        criteria: 'asc',
        limit: String(SEARCH_PAGE_SIZE),
        offset: String(offset),
      });
      const run = await this.api.retried({ operation: 'search_payments', method: 'GET', path: `/v1/payments/search?${query.toString()}` }, ctx);
      const { last } = run;
      if (last.kind === 'error') return { error: `Mercado Pago unreachable: ${last.errorClass}` };
      if (last.status < 200 || last.status >= 300) return { error: `Mercado Pago: ${parseMpError(last.json, last.status).message}` };
      const body = asRecord(last.json);
      if (!Array.isArray(body?.results)) return { error: 'Mercado Pago answered a search without results' };
      const results = body.results as unknown[];
      for (const item of results) {
        const summary = summarisePayment(item);
        if (!summary) return { error: 'a Mercado Pago payment in the search could not be read' };
        const at = summary.createdAt.getTime();
        if (at >= from && at <= to) charges.set(summary.gatewayChargeId, summary);
      }
      const total = asRecord(body.paging)?.total;
      const done = results.length < SEARCH_PAGE_SIZE || (typeof total === 'number' && offset + results.length >= total);
      if (done) return { charges: [...charges.values()] };
    }
    return { error: `more than ${MAX_SEARCH_PAGES * SEARCH_PAGE_SIZE} Mercado Pago payments in the listing window` };
  }

  async refund(request: RefundRequest, ctx: CallContext): Promise<RefundOutcome> {
    const run = await this.api.retried(
      {
        operation: 'create_refund',
        method: 'POST',
        path: `/v1/payments/${encodeURIComponent(request.gatewayChargeId)}/refunds`,
        // `{}` refunds whatever remains; a partial refund names its exact decimal amount.
        body: request.full ? {} : { amount: minorToDecimal(request.amount) },
        idempotencyKey: refundIdempotencyKey(request.refundId),
      },
      ctx,
    );
    const { last } = run;
    if (last.kind === 'error') {
      if (last.notSent && !run.ambiguousBefore) return { status: 'failed', message: `Mercado Pago unreachable (${last.errorClass}); refund not sent`, gatewayCode: null };
      return { status: 'pending', reason: `no answer from Mercado Pago (${last.errorClass})` };
    }
    if (run.exhausted) return { status: 'pending', reason: `Mercado Pago answered HTTP ${last.status}` };
    if (last.status >= 200 && last.status < 300) {
      const refund = asRecord(last.json);
      const refundId = idString(refund?.id);
      const status = text(refund?.status);
      if (refundId === null) return { status: 'pending', reason: 'Mercado Pago answered without a refund id' };
      if (status === 'rejected' || status === 'cancelled') return { status: 'failed', message: `Mercado Pago refund ${refundId} is ${status}`, gatewayCode: status };
      if (status === 'in_process' || status === 'pending') return { status: 'pending', reason: `Mercado Pago refund ${refundId} is ${status}`, gatewayRefundId: refundId };
      return { status: 'succeeded', gatewayRefundId: refundId };
    }
    // After an ambiguous attempt a refusal may only mean the first attempt already refunded.
    if (run.ambiguousBefore) return { status: 'pending', reason: `Mercado Pago answered HTTP ${last.status} after an unanswered attempt` };
    const error = parseMpError(last.json, last.status);
    return { status: 'failed', message: `Mercado Pago: ${error.message}`, gatewayCode: error.causes[0] ?? String(last.status) };
  }

  /**
   * `GET /v1/payments/{id}/refunds` (an array), then matchRefund: by Mercado Pago's refund id when we
   * have it, else by exact amount and time (see there for why). Retried like every read.
   */
  async findRefund(reference: RefundReference, ctx: CallContext): Promise<RefundLookup> {
    const path = `/v1/payments/${encodeURIComponent(reference.gatewayChargeId)}/refunds`;
    const { last } = await this.api.retried({ operation: 'list_refunds', method: 'GET', path }, ctx);
    if (last.kind === 'error') return { error: `Mercado Pago unreachable: ${last.errorClass}` };
    if (last.status < 200 || last.status >= 300) return { error: `Mercado Pago: ${parseMpError(last.json, last.status).message}` };
    if (!Array.isArray(last.json)) return { error: 'Mercado Pago answered a refund listing that is not a list' };
    return matchRefund(last.json as unknown[], reference);
  }

  saveCard(request: SaveCardRequest, ctx: CallContext): Promise<SaveCardOutcome> {
    return saveMercadoPagoCard(this.api, request, ctx);
  }

  async deleteCard(card: SavedCardRef, ctx: CallContext): Promise<DeleteCardOutcome> {
    const path = `/v1/customers/${encodeURIComponent(card.customerRef)}/cards/${encodeURIComponent(card.cardRef)}`;
    // Card ids count as secrets in the call log (redact.ts lists card_id).
    const run = await this.api.retried({ operation: 'delete_card', method: 'DELETE', path, secrets: [card.cardRef] }, ctx);
    const { last } = run;
    if (last.kind === 'error') return { status: 'failed', message: `Mercado Pago unreachable: ${last.errorClass}` };
    // Already gone is what we wanted.
    if ((last.status >= 200 && last.status < 300) || last.status === 404) return { status: 'deleted' };
    return { status: 'failed', message: `Mercado Pago: ${parseMpError(last.json, last.status).message}` };
  }
}

/** What the (possibly retried) `POST /v1/payments` means for the charge. */
function paymentOutcome(run: RetryRun): MercadoPagoChargeOutcome {
  const { last } = run;
  if (last.kind === 'error') {
    // Refused on the first attempt: certainly nothing processed. After an unanswered attempt: unknown.
    if (last.notSent && !run.ambiguousBefore) return { status: 'not_sent', reason: `Mercado Pago unreachable (${last.errorClass})` };
    return pending(null, last.errorClass === 'timeout' ? 'timeout' : 'ambiguous_error');
  }
  // Retries exhausted on 5xx / 429 / 423: reconciliation searches by external_reference.
  if (run.exhausted) return pending(null, 'ambiguous_error');
  if (last.status >= 200 && last.status < 300) return mapPayment(last.json) ?? pending(idString(asRecord(last.json)?.id), 'ambiguous_error');
  // A refusal after an unanswered attempt may be about a payment that attempt created (its token is
  // now used): never call that a failure.
  if (run.ambiguousBefore) return pending(null, 'ambiguous_error');
  const error = parseMpError(last.json, last.status);
  // 409 (key already used) and cause 2001 (same request in the last minute) say a payment exists.
  if (last.status === 409 || error.causes.includes('2001')) return pending(null, 'ambiguous_error');
  const tokenCause = error.causes.find((c) => INVALID_TOKEN_CAUSES.has(c));
  if (last.status === 400 && tokenCause !== undefined) {
    return {
      status: 'failed',
      gatewayChargeId: null,
      card: null,
      failure: { code: 'invalid_source', declineCode: null, message: `Mercado Pago: ${error.message}`, gatewayCode: tokenCause },
    };
  }
  return { status: 'failed', gatewayChargeId: null, card: null, failure: gatewayError(last.json, last.status) };
}

/** issuer_id is a number in the SDK's request type, though the docs also show strings: send digits as a number. */
function issuerIdValue(issuerId: string): number | string {
  return /^\d{1,15}$/.test(issuerId) ? Number(issuerId) : issuerId;
}
