/** The shapes of Culqi v2 objects as the recorded sandbox returned them (culqi.md §4, culqi-recordings/). */

export type Metadata = Record<string, unknown>;

export interface CulqiClient {
  ip: string;
  ip_country: string | null;
  ip_country_code: string | null;
  browser: string | null;
  device_fingerprint: string | null;
  device_type: string | null;
}

export interface CulqiTokenObject {
  object: 'token';
  id: string;
  type: 'card' | 'yape';
  creation_date: number;
  email: string | null;
  card_number: string | null;
  last_four: string | null;
  active: boolean;
  iin: Record<string, unknown> | null;
  client: CulqiClient;
  metadata: Metadata;
  /** Yape tokens only: the amount the buyer approved in the Yape app. */
  amount?: number;
}

/** A token plus what only the simulator may know (the card behind it). */
export interface TokenRecord {
  token: CulqiTokenObject;
  cardNumber?: string;
  expMonth?: number;
  expYear?: number;
  used: boolean;
}

export interface CulqiOutcome {
  type: string;
  code: string;
  decline_code?: string;
  merchant_message: string;
  user_message: string;
}

export interface CulqiCharge {
  duplicated: boolean;
  object: 'charge';
  id: string;
  creation_date: number;
  amount: number;
  amount_refunded: number;
  current_amount: number;
  installments: number;
  installments_amount: number | null;
  currency_code: string;
  email: string | null;
  description: string | null;
  source: Record<string, unknown>;
  outcome: CulqiOutcome;
  fraud_score: number;
  antifraud_details?: Record<string, unknown>;
  dispute: boolean;
  capture: boolean | null;
  reference_code: string;
  authorization_code: string | null;
  metadata: Metadata;
  total_fee: number | null;
  fee_details: { fixed_fee: Record<string, unknown> | null; variable_fee: Record<string, unknown> | null };
  total_fee_taxes: number | null;
  transfer_amount: number | null;
  paid: boolean;
  statement_descriptor: string | null;
  transfer_id: string | null;
  operations: unknown[];
  capture_date: number | null;
}

export interface CulqiRefund {
  object: 'refund';
  id: string;
  charge_id: string;
  creation_date: number;
  amount: number;
  reason: string;
  metadata: Metadata;
}

export interface CulqiCustomer {
  object: 'customer';
  id: string;
  creation_date: number;
  email: string;
  antifraud_details: Record<string, unknown>;
  metadata: Metadata;
}

export interface CulqiCard {
  object: 'card';
  id: string;
  active: boolean;
  creation_date: number;
  customer_id: string;
  source: CulqiTokenObject;
  metadata: Metadata;
}

export interface CardRecord {
  card: CulqiCard;
  cardNumber: string;
  expMonth: number;
  expYear: number;
  email: string;
  deleted: boolean;
}

export type CulqiOrderState = 'created' | 'pending' | 'paid' | 'expired' | 'deleted';

export interface CulqiOrder {
  object: 'order';
  id: string;
  amount: number;
  payment_code: string | null;
  currency_code: string;
  description: string;
  order_number: string;
  state: CulqiOrderState;
  total_fee: number | null;
  net_amount: number | null;
  fee_details: unknown;
  /** Orders use Unix seconds (culqi.md §2.3). */
  creation_date: number;
  expiration_date: number;
  updated_at: number | null;
  paid_at: number | null;
  available_on: number | null;
  metadata: Metadata;
}

export interface CulqiEvent {
  object: 'event';
  id: string;
  type: string;
  creation_date: number;
  /** A JSON-encoded string, as delivered (culqi.md §8.2). */
  data: string;
}
