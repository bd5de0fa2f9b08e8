import type { CulqiCharge, CulqiRefund } from './culqi-objects';

/**
 * Webhook payloads carry Culqi's internal camelCase names, not the REST snake_case (culqi.md §8.2, from the
 * docs sample and the field map in Culqi's WooCommerce plugin).
 */

function tokenSource(source: Record<string, unknown>): Record<string, unknown> {
  // Saved-card charges carry the card object; its token sits under `source` (§4.6).
  const token = (source.object === 'card' ? source.source : source) as Record<string, unknown> | undefined;
  const iin = token?.iin as Record<string, unknown> | null | undefined;
  const issuer = iin?.issuer as Record<string, unknown> | null | undefined;
  const client = token?.client as Record<string, unknown> | undefined;
  return {
    object: source.object,
    id: source.id,
    type: token?.type ?? null,
    creationDate: token?.creation_date ?? null,
    email: token?.email ?? null,
    cardNumber: token?.card_number ?? null,
    lastFourDigits: token?.last_four ?? null,
    active: token?.active ?? null,
    iin: iin
      ? {
          object: 'iin',
          value: iin.bin,
          brand: iin.card_brand,
          cardType: iin.card_type,
          cardCategory: iin.card_category,
          issuer: issuer ? { name: issuer.name, country: issuer.country, countryCode: issuer.country_code, website: issuer.website, phoneNumber: issuer.phone_number } : null,
          installmentsAllowed: iin.installments_allowed,
        }
      : null,
    tokenClient: client
      ? { ip: client.ip, countryIp: client.ip_country, countryCodeIp: client.ip_country_code, browser: client.browser, deviceFingerprint: client.device_fingerprint, deviceType: client.device_type }
      : null,
    metadata: token?.metadata ?? {},
  };
}

export function chargeEventData(charge: CulqiCharge): Record<string, unknown> {
  const antifraud = charge.antifraud_details;
  return {
    object: 'charge',
    id: charge.id,
    creationDate: charge.creation_date,
    email: charge.email,
    description: charge.description,
    originalAmount: charge.amount,
    refundedAmount: charge.amount_refunded,
    actualAmount: charge.current_amount,
    installments: charge.installments,
    installmentsAmount: charge.installments_amount,
    currency: charge.currency_code,
    source: tokenSource(charge.source),
    outcome: {
      type: charge.outcome.type,
      code: charge.outcome.code,
      declineCode: charge.outcome.decline_code ?? null,
      message: charge.outcome.merchant_message,
      userMessage: charge.outcome.user_message,
    },
    fraudScore: charge.fraud_score,
    client: antifraud
      ? { name: antifraud.first_name ?? null, lastName: antifraud.last_name ?? null, address: antifraud.address ?? null, city: antifraud.address_city ?? null, country: antifraud.country_code ?? null, phone: antifraud.phone ?? null }
      : null,
    referenceCode: charge.reference_code,
    authorizationCode: charge.authorization_code,
    fee: charge.total_fee,
    feeDetails: charge.fee_details,
    feeTaxes: charge.total_fee_taxes,
    transferAmount: charge.transfer_amount,
    paid: charge.paid,
    statementDescriptor: charge.statement_descriptor,
    transferId: charge.transfer_id,
    operations: charge.operations,
    duplicated: charge.duplicated,
    capture: charge.capture,
    captureDate: charge.capture_date,
    dispute: charge.dispute,
    metadata: charge.metadata,
  };
}

export function refundEventData(refund: CulqiRefund): Record<string, unknown> {
  return { object: 'refund', id: refund.id, chargeId: refund.charge_id, creationDate: refund.creation_date, amount: refund.amount, reason: refund.reason, metadata: refund.metadata };
}
