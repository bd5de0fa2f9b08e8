import type { ChargeRequest, ChargeSource, RefundRequest, SaveCardRequest, ThreeDsAuthentication } from '../payment-gateway.port';
import { CHARGE_ID_METADATA_KEY, REFUND_ID_METADATA_KEY } from './culqi.mappers';

/** Request bodies Culqi expects (culqi.md §4.3–§4.6). Pure, so their shape is unit-tested. */

const DESCRIPTION_MIN = 5;
const DESCRIPTION_MAX = 80;
const NAME_MAX = 50;

/** `source_id`: a card token (`tkn_…`), a Yape token (`ype_…`) or a saved card (`crd_…`). */
export function culqiSourceId(source: ChargeSource): string {
  switch (source.type) {
    case 'card_token':
    case 'yape_token':
      return source.token;
    case 'saved_card':
      return source.cardRef;
  }
}

/**
 * Culqi accepts 5–80 characters. Short texts are prefixed, long ones cut on a code-point boundary so
 * the UTF-16 length (what a Java back end counts) stays within 80 as well.
 */
export function fitDescription(description: string): string {
  let text = description.replace(/\s+/g, ' ').trim();
  if (text.length < DESCRIPTION_MIN) text = text === '' ? 'Pago SmartPay' : `Pago ${text}`;
  if (text.length < DESCRIPTION_MIN) text = 'Pago SmartPay';
  return cut(text, DESCRIPTION_MAX);
}

function cut(text: string, max: number): string {
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out.trimEnd();
}

export function buildChargeBody(request: ChargeRequest, authentication?: ThreeDsAuthentication): Record<string, unknown> {
  const body: Record<string, unknown> = {
    amount: request.amount,
    currency_code: request.currency,
    email: request.email,
    source_id: culqiSourceId(request.source),
    description: fitDescription(request.description),
    capture: true,
    metadata: { [CHARGE_ID_METADATA_KEY]: request.chargeId },
  };
  // "0 or absent = none" (§4.3); the 2020 sandbox turned a sent 0 into 1. Only real instalment plans travel.
  if (request.installments > 1) body.installments = request.installments;
  if (request.deviceFingerprint) body.antifraud_details = { device_finger_print_id: request.deviceFingerprint };
  if (authentication) {
    // camelCase inside, as Culqi's 3DS library returns it (§7 step 5); absent optional fields are left out.
    body.authentication_3DS = {
      eci: authentication.eci,
      xid: authentication.xid,
      cavv: authentication.cavv,
      protocolVersion: authentication.protocolVersion,
      directoryServerTransactionId: authentication.directoryServerTransactionId,
    };
  }
  return body;
}

/** Culqi's refund `reason` enum (§4.4). */
export const CULQI_REFUND_REASONS: Record<RefundRequest['reason'], string> = {
  requested_by_customer: 'solicitud_comprador',
  duplicate: 'duplicado',
  fraudulent: 'fraudulento',
};

export function buildRefundBody(request: RefundRequest): Record<string, unknown> {
  // Culqi always wants an amount, also for a full refund (the caller passes the remaining amount). Our
  // refund id travels in metadata: Culqi has no idempotency key, so it is what reconciliation finds a
  // refund by when the answer to this POST was lost.
  return {
    amount: request.amount,
    charge_id: request.gatewayChargeId,
    reason: CULQI_REFUND_REASONS[request.reason],
    metadata: { [REFUND_ID_METADATA_KEY]: request.refundId },
  };
}

/**
 * Placeholders for the customer fields Culqi requires (§4.5) but SmartPay does not collect when a card is
 * saved. Culqi only uses them as antifraud profile data; they are fixed and recognisable on purpose.
 */
export const CUSTOMER_PLACEHOLDERS = {
  firstName: 'Cliente',
  lastName: 'SmartPay',
  address: 'Sin dirección',
  addressCity: 'Lima',
  countryCode: 'PE',
  phoneNumber: '999999999',
} as const;

export function buildCustomerBody(request: Pick<SaveCardRequest, 'name' | 'email'>): Record<string, unknown> {
  const words = (request.name ?? '').trim().split(/\s+/).filter((w) => w !== '');
  const first = cut(words[0] ?? '', NAME_MAX);
  const last = cut(words.slice(1).join(' '), NAME_MAX);
  return {
    first_name: first.length >= 2 ? first : CUSTOMER_PLACEHOLDERS.firstName,
    last_name: last.length >= 2 ? last : CUSTOMER_PLACEHOLDERS.lastName,
    email: request.email,
    address: CUSTOMER_PLACEHOLDERS.address,
    address_city: CUSTOMER_PLACEHOLDERS.addressCity,
    country_code: CUSTOMER_PLACEHOLDERS.countryCode,
    phone_number: CUSTOMER_PLACEHOLDERS.phoneNumber,
  };
}

export function buildCardBody(customerRef: string, token: string, paymentMethodId: string | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = { customer_id: customerRef, token_id: token };
  if (paymentMethodId) body.metadata = { smartpay_payment_method_id: paymentMethodId };
  return body;
}
