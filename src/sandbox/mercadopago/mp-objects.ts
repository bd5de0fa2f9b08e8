/** Mercado Pago objects (mercadopago.md §2, §4) plus what only the simulator knows about them. */

export interface MpCardholder {
  name: string;
  identification: { type: string | null; number: string | null };
}

export interface MpCardToken {
  id: string;
  public_key: string;
  card_id: string | null;
  luhn_validation: boolean;
  status: 'active' | 'used';
  date_used: string | null;
  card_number_length: number;
  date_created: string;
  first_six_digits: string;
  last_four_digits: string;
  security_code_length: number;
  expiration_month: number;
  expiration_year: number;
  date_last_updated: string;
  date_due: string;
  live_mode: boolean;
  require_esc: boolean;
  cardholder: MpCardholder;
}

export interface TokenRecord {
  token: MpCardToken;
  cardNumber: string;
  createdAt: number;
  used: boolean;
}

export interface MpRefund {
  id: number;
  payment_id: number;
  amount: number;
  metadata: Record<string, unknown>;
  source: { id: string; name: string; type: string };
  date_created: string;
  unique_sequence_number: null;
  refund_mode: string;
  adjustment_amount: number;
  status: string;
  reason: null;
  amount_refunded_to_payer: number;
  labels: string[];
  partition_details: unknown[];
}

/** A payment: the JSON as served, and the state behind it (amounts in céntimos, never floats). */
export interface PaymentRecord {
  json: Record<string, unknown> & { id: number; status: string; status_detail: string; external_reference: string | null; notification_url: string | null };
  amountCents: number;
  refundedCents: number;
  cardNumber: string;
  cardholderName: string;
  createdAt: number;
  threeDs?: 'challenge_succeeds' | 'challenge_fails';
  challengeDeadline?: number;
  creq?: string;
  refunds: MpRefund[];
}

export interface MpCard {
  id: string;
  customer_id: string;
  expiration_month: number;
  expiration_year: number;
  first_six_digits: string;
  last_four_digits: string;
  payment_method: { id: string; name: string; payment_type_id: string; thumbnail: string; secure_thumbnail: string };
  security_code: { length: number; card_location: string };
  issuer: { id: number; name: string };
  cardholder: MpCardholder;
  date_created: string;
  date_last_updated: string;
  user_id: string;
  live_mode: boolean;
}

export interface CardRecord {
  card: MpCard;
  cardNumber: string;
  deleted: boolean;
}

export interface MpCustomer {
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  phone: { area_code: string | null; number: string | null };
  identification: { type: string | null; number: string | null };
  address: { id: string | null; zip_code: string | null; street_name: string | null; street_number: number | null };
  description: string | null;
  date_created: string;
  date_last_updated: string;
  metadata: Record<string, unknown>;
  default_card: string | null;
  default_address: string | null;
  cards: MpCard[];
  addresses: unknown[];
  live_mode: boolean;
}

export interface CustomerRecord {
  customer: MpCustomer;
  deleted: boolean;
}
