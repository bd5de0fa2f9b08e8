/**
 * Mercado Pago test data (mercadopago.md §7–8): payment methods by BIN, the cardholder names that pick an
 * outcome, and the 3-D Secure test cards. Issuer ids and names are the simulator's own (MP publishes none for
 * the test cards).
 */

export interface MpPaymentMethod {
  id: string;
  name: string;
  payment_type_id: 'credit_card' | 'debit_card';
  issuer: { id: number; name: string };
  securityCodeLength: number;
  cardLocation: 'back' | 'front';
  binPattern: string;
  cardLength: number;
}

/** In match order: specific debit BINs before the brand-wide patterns. */
export const MP_PAYMENT_METHODS: MpPaymentMethod[] = [
  { id: 'debmaster', name: 'Mastercard Débito', payment_type_id: 'debit_card', issuer: { id: 360, name: 'Mastercard Débito' }, securityCodeLength: 3, cardLocation: 'back', binPattern: '^517878', cardLength: 16 },
  { id: 'visa', name: 'Visa', payment_type_id: 'credit_card', issuer: { id: 310, name: 'Visa' }, securityCodeLength: 3, cardLocation: 'back', binPattern: '^4', cardLength: 16 },
  { id: 'master', name: 'Mastercard', payment_type_id: 'credit_card', issuer: { id: 320, name: 'Mastercard' }, securityCodeLength: 3, cardLocation: 'back', binPattern: '^(5[0-5]|2[2-7])', cardLength: 16 },
  { id: 'amex', name: 'American Express', payment_type_id: 'credit_card', issuer: { id: 330, name: 'American Express' }, securityCodeLength: 4, cardLocation: 'front', binPattern: '^3[47]', cardLength: 15 },
  { id: 'diners', name: 'Diners Club', payment_type_id: 'credit_card', issuer: { id: 340, name: 'Diners Club' }, securityCodeLength: 3, cardLocation: 'back', binPattern: '^3(0[0-5]|[68])', cardLength: 14 },
];

/** The payment method of a card number or BIN (the Peru test Mastercard starts 503175). */
export function paymentMethodForBin(binOrNumber: string): MpPaymentMethod | undefined {
  return MP_PAYMENT_METHODS.find((m) => new RegExp(m.binPattern).test(binOrNumber));
}

export interface MpOutcome {
  status: string;
  status_detail: string;
}

/**
 * Cardholder name → outcome (mercadopago.md §8; the exact status_detail per name is inferred there and kept as a
 * table here). Any other name is approved, like APRO.
 */
export const MP_CARDHOLDER_OUTCOMES: Record<string, MpOutcome> = {
  APRO: { status: 'approved', status_detail: 'accredited' },
  OTHE: { status: 'rejected', status_detail: 'cc_rejected_other_reason' },
  CONT: { status: 'in_process', status_detail: 'pending_contingency' },
  CALL: { status: 'rejected', status_detail: 'cc_rejected_call_for_authorize' },
  FUND: { status: 'rejected', status_detail: 'cc_rejected_insufficient_amount' },
  SECU: { status: 'rejected', status_detail: 'cc_rejected_bad_filled_security_code' },
  EXPI: { status: 'rejected', status_detail: 'cc_rejected_bad_filled_date' },
  FORM: { status: 'rejected', status_detail: 'cc_rejected_bad_filled_other' },
  CARD: { status: 'rejected', status_detail: 'cc_rejected_bad_filled_card_number' },
  INST: { status: 'rejected', status_detail: 'cc_rejected_invalid_installments' },
  DUPL: { status: 'rejected', status_detail: 'cc_rejected_duplicated_payment' },
  LOCK: { status: 'rejected', status_detail: 'cc_rejected_card_disabled' },
  CTNA: { status: 'rejected', status_detail: 'cc_rejected_card_type_not_allowed' },
  ATTE: { status: 'rejected', status_detail: 'cc_rejected_max_attempts' },
  BLAC: { status: 'rejected', status_detail: 'cc_rejected_blacklist' },
};

const APPROVED: MpOutcome = { status: 'approved', status_detail: 'accredited' };

/** The first word of the cardholder name, upper-cased ("APRO", "apro perez" → APRO). */
export function outcomeForCardholder(name: string): MpOutcome {
  const word = name.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
  return { ...(MP_CARDHOLDER_OUTCOMES[word] ?? APPROVED) };
}

export type Mp3dsBehaviour = 'challenge_succeeds' | 'challenge_fails';

/**
 * With `three_d_secure_mode: "optional"` these cards get a challenge (mercadopago.md §7 test cards); every other
 * card is decided frictionless by its cardholder name.
 */
export const MP_3DS_CARDS: Record<string, Mp3dsBehaviour> = {
  '5483928164574623': 'challenge_succeeds',
  '5361956806117557': 'challenge_fails',
};

/** Default status_detail when the control endpoint moves a payment without naming one. */
export const DEFAULT_STATUS_DETAIL: Record<string, string> = {
  pending: 'pending_waiting_payment',
  approved: 'accredited',
  authorized: 'pending_capture',
  in_process: 'pending_review_manual',
  in_mediation: 'in_process',
  rejected: 'cc_rejected_other_reason',
  cancelled: 'by_collector',
  refunded: 'refunded',
  charged_back: 'settled',
};
