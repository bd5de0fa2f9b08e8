import type { Currency } from '../../common/money';
import type { CardDetails, ChargeFailure, ChargeOutcome, DeclineCode, GatewayChargeSummary, LookupOutcome } from '../payment-gateway.port';
import { tryDecimalToMinor } from './mercadopago.amounts';
import { asRecord, idString, int, text, type Json } from './mercadopago.wire';

/** Mercado Pago's own `status` / `status_detail`, kept next to the normalised outcome. */
export interface MercadoPagoStatus {
  status: string;
  statusDetail: string | null;
}

/**
 * A charge outcome plus the raw gateway status: `refunded`, `charged_back` and `in_mediation` are a
 * successful charge whose order the charges service must move to refunded / disputed.
 */
export type MercadoPagoChargeOutcome = ChargeOutcome & { gatewayStatus?: MercadoPagoStatus };

export type MercadoPagoLookupOutcome =
  | { found: true; outcome: Exclude<MercadoPagoChargeOutcome, { status: 'not_sent' }>; amount: number; currency: Currency }
  | Exclude<LookupOutcome, { found: true }>;

/** api.md "Normalisation of gateway outcomes", Mercado Pago column; anything not listed is generic_decline. */
export const MERCADOPAGO_DECLINE_CODES: ReadonlyMap<string, DeclineCode> = new Map<string, DeclineCode>([
  ['cc_rejected_insufficient_amount', 'insufficient_funds'],
  ['insufficient_amount', 'insufficient_funds'],
  ['cc_rejected_bad_filled_date', 'expired_card'],
  ['cc_rejected_bad_filled_security_code', 'incorrect_cvc'],
  ['cc_rejected_card_type_not_allowed', 'card_not_supported'],
  ['cc_rejected_card_disabled', 'card_not_supported'],
  ['cc_rejected_call_for_authorize', 'contact_issuer'],
  ['bank_error', 'issuer_unavailable'],
  ['cc_rejected_high_risk', 'fraudulent'],
  ['cc_rejected_blacklist', 'fraudulent'],
  ['cc_rejected_card_error', 'processing_error'],
  ['cc_rejected_invalid_installments', 'invalid_installments'],
  ['cc_rejected_duplicated_payment', 'duplicate_transaction'],
]);

export function normaliseDeclineCode(statusDetail: string | null): DeclineCode {
  return (statusDetail !== null ? MERCADOPAGO_DECLINE_CODES.get(statusDetail) : undefined) ?? 'generic_decline';
}

const BRANDS: ReadonlyMap<string, string> = new Map([
  ['visa', 'visa'],
  ['debvisa', 'visa'],
  ['master', 'mastercard'],
  ['debmaster', 'mastercard'],
  ['amex', 'amex'],
  ['diners', 'diners'],
]);

/** Mercado Pago payment_method_id → SmartPay brand (`master` → `mastercard`); unknown ids pass through. */
export function normaliseBrand(paymentMethodId: string | null): string {
  const id = (paymentMethodId ?? 'unknown').toLowerCase();
  return BRANDS.get(id) ?? id;
}

/** Last four digits may come as a number (`5682`): keep leading zeros. */
export function lastFour(value: unknown): string | null {
  const digits = idString(value);
  return digits !== null && /^\d{1,4}$/.test(digits) ? digits.padStart(4, '0') : null;
}

export function cardDetails(paymentMethodId: string | null, card: Json | null): CardDetails | null {
  const last4 = lastFour(card?.last_four_digits);
  if (last4 === null) return null;
  return {
    brand: normaliseBrand(paymentMethodId),
    last4,
    expMonth: int(card?.expiration_month),
    expYear: int(card?.expiration_year),
  };
}

/** Payment states whose money Mercado Pago took (or holds): a lookup should prefer them. */
export const MONEY_TAKEN = new Set(['approved', 'authorized', 'refunded', 'charged_back', 'in_mediation']);

/**
 * A Mercado Pago payment (`POST /v1/payments`, `GET /v1/payments/{id}`, search results) as a charge
 * outcome; null when the body is not a payment (no id or no status).
 */
export function mapPayment(json: unknown): Exclude<MercadoPagoChargeOutcome, { status: 'not_sent' }> | null {
  const payment = asRecord(json);
  const id = idString(payment?.id);
  const status = text(payment?.status);
  if (payment === null || id === null || status === null) return null;
  const statusDetail = text(payment.status_detail);
  const gatewayStatus: MercadoPagoStatus = { status, statusDetail };
  const card = cardDetails(text(payment.payment_method_id), asRecord(payment.card));
  const failed = (failure: ChargeFailure) => ({ status: 'failed' as const, gatewayChargeId: id, card, failure, gatewayStatus });
  switch (status) {
    // refunded / charged_back / in_mediation: the charge itself succeeded; the order-level effect
    // (refunded / disputed) is the charges service's call, from gatewayStatus.
    case 'approved':
    case 'refunded':
    case 'charged_back':
    case 'in_mediation':
      return { status: 'succeeded', gatewayChargeId: id, card, gatewayStatus };
    case 'pending': {
      const info = asRecord(payment.three_ds_info);
      const url = text(info?.external_resource_url);
      const creq = text(info?.creq);
      if (statusDetail === 'pending_challenge' && url !== null && creq !== null) {
        return {
          status: 'requires_action',
          gatewayChargeId: id,
          card,
          nextAction: { type: 'three_ds_challenge', gateway: 'mercadopago', mercadopago: { external_resource_url: url, creq } },
          gatewayStatus,
        };
      }
      return { status: 'pending', gatewayChargeId: id, reason: 'asynchronous', gatewayStatus };
    }
    case 'rejected':
      if (statusDetail === 'cc_rejected_3ds_challenge') {
        return failed({ code: 'authentication_failed', declineCode: null, message: '3-D Secure authentication failed', gatewayCode: statusDetail });
      }
      return failed({
        code: 'card_declined',
        declineCode: normaliseDeclineCode(statusDetail),
        message: `Mercado Pago rejected the payment (${statusDetail ?? 'no detail'})`,
        gatewayCode: statusDetail,
      });
    case 'cancelled':
      // Expired (30 days pending, or a 3-D Secure challenge never completed) or cancelled by a party:
      // nothing was charged, and the buyer may try again.
      return failed({
        code: 'card_declined',
        declineCode: 'generic_decline',
        message: `Mercado Pago cancelled the payment (${statusDetail ?? 'no detail'})`,
        gatewayCode: statusDetail ?? status,
      });
    // We always capture, so `authorized` is transient; `in_process` is a review. Unknown statuses are
    // treated as unresolved rather than guessed: reconciliation asks again.
    default:
      return { status: 'pending', gatewayChargeId: id, reason: 'asynchronous', gatewayStatus };
  }
}

/** A payment as a lookup result, with its amount back in exact minor units. */
export function mapLookup(json: unknown): MercadoPagoLookupOutcome {
  const outcome = mapPayment(json);
  if (outcome === null) return { error: 'Mercado Pago answered something that is not a payment' };
  const payment = asRecord(json);
  const amount = tryDecimalToMinor(payment?.transaction_amount);
  if (amount === null) return { error: 'Mercado Pago payment amount is not an exact 2-decimal amount' };
  const currency = text(payment?.currency_id);
  if (currency !== 'PEN' && currency !== 'USD') return { error: `Mercado Pago payment in unsupported currency ${currency ?? '(none)'}` };
  return { found: true, outcome, amount, currency };
}

/** Gateway statuses of a payment that took the money and was then fully refunded or disputed. */
const SETTLED_STATUS: ReadonlyMap<string, GatewayChargeSummary['status']> = new Map([
  ['refunded', 'refunded'],
  ['charged_back', 'disputed'],
  ['in_mediation', 'disputed'],
]);

/**
 * A search result for the reconciliation report (exact amount, our charge id from
 * `external_reference`); null when it is not a readable payment or has no valid `date_created`.
 */
export function summarisePayment(json: unknown): GatewayChargeSummary | null {
  const lookup = mapLookup(json);
  if (!('found' in lookup) || !lookup.found) return null;
  const payment = asRecord(json);
  const id = idString(payment?.id);
  const created = Date.parse(text(payment?.date_created) ?? '');
  if (id === null || Number.isNaN(created)) return null;
  const { outcome } = lookup;
  const status = outcome.status === 'succeeded' ? (SETTLED_STATUS.get(outcome.gatewayStatus?.status ?? '') ?? 'succeeded') : outcome.status;
  return {
    gatewayChargeId: id,
    reference: text(payment?.external_reference),
    amount: lookup.amount,
    currency: lookup.currency,
    status,
    createdAt: new Date(created),
  };
}
