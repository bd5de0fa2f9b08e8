import type { GatewayId } from '../config/app-config';
import type { Currency } from '../common/money';

/**
 * The one interface every gateway adapter implements (Culqi, Mercado Pago). The charges
 * capability talks only to this port; adapters translate to and from each gateway's wire format.
 * Expected outcomes (a decline, a 3-D Secure challenge, an ambiguous timeout) are typed results,
 * never exceptions: only programming errors throw.
 */
export interface PaymentGateway {
  readonly id: GatewayId;
  readonly capabilities: GatewayCapabilities;

  charge(request: ChargeRequest, ctx: CallContext): Promise<ChargeOutcome>;
  /** Culqi: retries the charge with the same token plus the 3-D Secure result. */
  completeThreeDs(request: ChargeRequest, authentication: ThreeDsAuthentication, ctx: CallContext): Promise<ChargeOutcome>;
  getCharge(gatewayChargeId: string, ctx: CallContext): Promise<LookupOutcome>;
  /** Finds what the gateway did for one of our charge ids (reconciliation after a timeout or crash). */
  findChargeByReference(reference: ChargeReference, ctx: CallContext): Promise<LookupOutcome>;
  /**
   * Every charge the gateway created in the window (all SmartPay apps share the gateway account),
   * declined ones included, read to the end: a listing that fails or does not end is an error,
   * never a shorter list. Used by the reconciliation report.
   */
  listCharges(window: ChargeListingWindow, ctx: CallContext): Promise<ChargeListing>;
  refund(request: RefundRequest, ctx: CallContext): Promise<RefundOutcome>;
  /**
   * Finds what the gateway did for one of our refunds (reconciliation of a refund left `pending` by a
   * timeout or crash). `found: false` only once the whole search window was read; anything the adapter
   * could not read is an error, never "not found".
   */
  findRefund(reference: RefundReference, ctx: CallContext): Promise<RefundLookup>;
  saveCard(request: SaveCardRequest, ctx: CallContext): Promise<SaveCardOutcome>;
  deleteCard(card: SavedCardRef, ctx: CallContext): Promise<DeleteCardOutcome>;
}

export interface GatewayCapabilities {
  cards: boolean;
  yape: boolean;
  threeDSecure: boolean;
  savedCards: boolean;
  partialRefunds: boolean;
  lookupByReference: boolean;
  currencies: readonly Currency[];
}

/**
 * Who a gateway exchange belongs to, and where its call-log entries go: the caller persists the
 * collected entries in the same transaction as the outcome they explain.
 */
export interface CallContext {
  appId: string;
  chargeId?: string;
  refundId?: string;
  paymentMethodId?: string;
  calls: GatewayCallRecord[];
}

/** One HTTP exchange with a gateway, bodies already redacted. */
export interface GatewayCallRecord {
  gateway: GatewayId;
  operation: string;
  method: string;
  path: string;
  httpStatus: number | null;
  durationMs: number;
  errorClass: string | null;
  requestBody: string | null;
  responseBody: string | null;
  at: Date;
}

export type ChargeSource =
  | { type: 'card_token'; token: string; paymentMethodId?: string; issuerId?: string }
  | { type: 'yape_token'; token: string }
  | { type: 'saved_card'; customerRef: string; cardRef: string };

export interface ChargeRequest {
  /** Our charge id: travels as Culqi metadata / Mercado Pago external_reference and idempotency key. */
  chargeId: string;
  amount: number;
  currency: Currency;
  email: string;
  description: string;
  source: ChargeSource;
  installments: number;
  deviceFingerprint?: string;
  threeDsMode?: 'optional' | 'not_supported';
  /** Where the gateway should notify asynchronous outcomes (Mercado Pago notification_url). */
  notificationUrl?: string;
  /** When the attempt was first sent: bounds the reconciliation search window. */
  attemptedAt: Date;
}

export interface ThreeDsAuthentication {
  eci: string;
  xid?: string;
  cavv: string;
  protocolVersion: string;
  directoryServerTransactionId?: string;
}

export interface ChargeReference {
  chargeId: string;
  attemptedAt: Date;
  amount: number;
  currency: Currency;
}

export interface ChargeListingWindow {
  from: Date;
  to: Date;
}

/** One gateway charge as the reconciliation report compares it with ours. */
export interface GatewayChargeSummary {
  gatewayChargeId: string;
  /** Our charge id, when the gateway charge carries one (Culqi metadata.smartpay_charge_id, Mercado Pago external_reference). */
  reference: string | null;
  /** The charged amount in exact minor units (refunds do not reduce it). */
  amount: number;
  currency: Currency;
  /** `refunded` (fully) and `disputed` are charges that did take the money. */
  status: 'succeeded' | 'failed' | 'pending' | 'requires_action' | 'refunded' | 'disputed';
  createdAt: Date;
}

export type ChargeListing = { charges: GatewayChargeSummary[] } | { error: string };

export interface CardDetails {
  brand: string;
  last4: string;
  expMonth: number | null;
  expYear: number | null;
}

export type DeclineCode =
  | 'insufficient_funds'
  | 'expired_card'
  | 'incorrect_cvc'
  | 'lost_card'
  | 'stolen_card'
  | 'card_not_supported'
  | 'contact_issuer'
  | 'issuer_unavailable'
  | 'fraudulent'
  | 'processing_error'
  | 'invalid_installments'
  | 'duplicate_transaction'
  | 'generic_decline';

export type FailureCode = 'card_declined' | 'invalid_source' | 'authentication_failed' | 'gateway_unavailable' | 'gateway_error';

export interface ChargeFailure {
  code: FailureCode;
  declineCode: DeclineCode | null;
  message: string;
  gatewayCode: string | null;
}

export type NextAction =
  | {
      type: 'three_ds_challenge';
      gateway: 'culqi';
      culqi: { public_key: string; token_id: string; amount: number; currency: Currency; email: string };
    }
  | { type: 'three_ds_challenge'; gateway: 'mercadopago'; mercadopago: { external_resource_url: string; creq: string } };

/**
 * What a charge attempt produced:
 * - `succeeded` / `failed`: final;
 * - `requires_action`: the buyer must complete 3-D Secure;
 * - `pending`: sent, outcome unknown (timeout, reset, 5xx, asynchronous method) — reconciliation decides;
 * - `not_sent`: the request certainly never reached the gateway (connection refused, circuit open):
 *   the only outcome that may fail over to another gateway.
 */
export type ChargeOutcome =
  | { status: 'succeeded'; gatewayChargeId: string; card: CardDetails | null }
  | { status: 'failed'; gatewayChargeId: string | null; card: CardDetails | null; failure: ChargeFailure }
  | { status: 'requires_action'; gatewayChargeId: string | null; card: CardDetails | null; nextAction: NextAction }
  | { status: 'pending'; gatewayChargeId: string | null; reason: 'timeout' | 'ambiguous_error' | 'asynchronous' }
  | { status: 'not_sent'; reason: string };

/** A lookup of what the gateway holds for a charge. */
export type LookupOutcome =
  | { found: true; outcome: Exclude<ChargeOutcome, { status: 'not_sent' }>; amount: number; currency: Currency }
  | { found: false }
  | { error: string };

export interface RefundRequest {
  refundId: string;
  gatewayChargeId: string;
  amount: number;
  /** The whole remaining amount: Mercado Pago takes `{}` for a full refund. */
  full: boolean;
  currency: Currency;
  reason: 'requested_by_customer' | 'duplicate' | 'fraudulent';
}

export type RefundOutcome =
  | { status: 'succeeded'; gatewayRefundId: string }
  | { status: 'failed'; message: string; gatewayCode: string | null }
  /** `gatewayRefundId` when the gateway answered with a refund still in process (Mercado Pago). */
  | { status: 'pending'; reason: string; gatewayRefundId?: string };

export interface RefundReference {
  /** Ours, `re_…`: travels as Culqi metadata (Mercado Pago keeps nothing of ours on a refund). */
  refundId: string;
  gatewayChargeId: string;
  /** Known when the gateway answered with it (a refund still in process): then looked up by it. */
  gatewayRefundId: string | null;
  /** Minor units. */
  amount: number;
  currency: Currency;
  /** When the refund was sent: bounds the search window. */
  attemptedAt: Date;
  /** Gateway refunds already attributed to our other refunds of the same charge: never matched again. */
  excludeGatewayRefundIds: string[];
}

export type RefundLookup =
  | { found: true; gatewayRefundId: string; status: 'succeeded' | 'failed' | 'pending' }
  | { found: false }
  | { error: string };

export interface SaveCardRequest {
  token: string;
  email: string;
  name: string | null;
  /** An existing customer at this gateway, when the SmartPay customer already has one. */
  existingCustomerRef: string | null;
}

export interface SavedCardRef {
  customerRef: string;
  cardRef: string;
}

export type SaveCardOutcome =
  | { status: 'saved'; ref: SavedCardRef; card: CardDetails }
  | { status: 'failed'; failure: ChargeFailure };

export type DeleteCardOutcome = { status: 'deleted' } | { status: 'failed'; message: string };
