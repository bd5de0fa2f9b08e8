/**
 * What the e-mail templates need, already resolved by the caller (no database access while rendering).
 * Amounts are integer minor units (céntimos / cents); dates are instants, shown in `timeZone`.
 */
export type Locale = 'es' | 'en';
export type Currency = 'PEN' | 'USD';

export interface Brand {
  name: string;
  /** `#RRGGBB` or `#RGB`; anything else is refused, since it ends up in CSS. */
  primaryColor: string;
  /** https: or data:image/ URL; null shows the brand name as text. */
  logoUrl: string | null;
  supportEmail: string | null;
  footer: string | null;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface PaymentMethodView {
  type: 'card' | 'yape' | 'other';
  brand: string | null;
  last4: string | null;
}

/** Time zone the customer-facing dates are shown in; `America/Lima` when not given. */
interface ShownInTimeZone {
  timeZone?: string;
}

export interface ReceiptModel extends ShownInTimeZone {
  kind: 'receipt';
  locale: Locale;
  brand: Brand;
  customerName: string | null;
  amount: number /* minor units */;
  currency: Currency;
  orderId: string;
  reference: string | null;
  description: string | null;
  items: { description: string; quantity: number; unitAmount: number }[];
  paymentMethod: PaymentMethodView;
  paidAt: Date;
  chargeId: string;
  invoice: { fullNumber: string; attached: boolean } | null;
}

export interface PaymentFailedModel extends ShownInTimeZone {
  kind: 'payment_failed';
  locale: Locale;
  brand: Brand;
  customerName: string | null;
  amount: number;
  currency: Currency;
  orderId: string;
  reference: string | null;
  description: string | null;
  paymentMethod: PaymentMethodView;
  failure: {
    code: string /* card_declined | invalid_source | authentication_failed | gateway_unavailable | gateway_error */;
    declineCode: string | null /* insufficient_funds | expired_card | incorrect_cvc | lost_card | stolen_card | card_not_supported | contact_issuer | issuer_unavailable | fraudulent | processing_error | invalid_installments | duplicate_transaction | generic_decline */;
  };
  attemptedAt: Date;
  /** https: URL of the merchant's checkout; the button is shown only when present. */
  retryUrl: string | null;
}

export interface RefundModel extends ShownInTimeZone {
  kind: 'refund';
  locale: Locale;
  brand: Brand;
  customerName: string | null;
  amount: number;
  currency: Currency;
  orderAmount: number;
  amountRefundedTotal: number;
  orderId: string;
  reference: string | null;
  description: string | null;
  refundId: string;
  paymentMethod: PaymentMethodView;
  refundedAt: Date;
}

/** A card saved for renewals; null when it was deleted meanwhile (the e-mail then says "your saved card"). */
export type SavedCardView = PaymentMethodView | null;

export interface CreditsLowBalanceModel extends ShownInTimeZone {
  kind: 'credits_low_balance';
  locale: Locale;
  brand: Brand;
  customerName: string | null;
  balance: number /* credits */;
  threshold: number /* credits */;
  /** The lots that still hold credits when the balance crossed the threshold; `expiresAt` null never expires. */
  lots: { remaining: number; expiresAt: Date | null }[];
  /** Present when auto-renewal is on and not disabled: the package it buys, below which balance, with which card. */
  autoRenewal: { packageName: string; threshold: number /* credits */; card: SavedCardView } | null;
  /** https: URL where the customer can buy credits; the button is shown only when present. */
  purchaseUrl: string | null;
}

export interface CreditsRenewalFailedModel extends ShownInTimeZone {
  kind: 'credits_renewal_failed';
  locale: Locale;
  brand: Brand;
  customerName: string | null;
  packageName: string;
  amount: number;
  currency: Currency;
  orderId: string | null;
  card: SavedCardView;
  attempts: number;
  /** The last attempt's failure; null when the gateway gave no reason. */
  failure: PaymentFailedModel['failure'] | null;
  /** Whether SmartPay turned auto-renewal off after the failed attempts (it no longer retries). */
  autoRenewalDisabled: boolean;
  balance: number /* credits */;
  failedAt: Date;
}

export interface AlertModel extends ShownInTimeZone {
  kind: 'alert';
  locale: Locale;
  brand: Brand;
  appName: string | null /* null = the whole deployment */;
  severity: 'critical' | 'warning';
  title: string;
  detail: string;
  rule: string;
  openedAt: Date;
  facts: { label: string; value: string }[];
  dashboardUrl: string | null;
}

export interface SummaryModel {
  kind: 'summary';
  locale: Locale;
  brand: Brand;
  appName: string;
  period: 'daily' | 'weekly';
  from: Date;
  to: Date /* exclusive */;
  timeZone: string /* e.g. America/Lima */;
  attempts: number;
  succeeded: number;
  successRate: number | null /* 0..1 */;
  processed: { currency: Currency; count: number; amount: number }[];
  refunds: { currency: Currency; count: number; amount: number }[];
  topDeclines: { code: string; count: number }[];
  gateways: { gateway: string; attempts: number; succeeded: number; conversion: number | null; amounts: { currency: Currency; amount: number }[] }[];
  previous: { attempts: number; succeeded: number; successRate: number | null; processed: { currency: Currency; count: number; amount: number }[] } | null;
  dashboardUrl: string | null;
}

/** A SUNAT document the customer was sent was rejected and replaced by another (its PDF and XML attached). */
export interface InvoiceReplacedModel extends ShownInTimeZone {
  kind: 'invoice_replaced';
  locale: Locale;
  brand: Brand;
  customerName: string | null;
  document: 'factura' | 'boleta' | 'credit_note';
  /** `B001-00000001`: the document the customer holds, void now. */
  replacedNumber: string;
  /** `B001-00000002`: the one attached, valid instead. */
  replacementNumber: string;
  /** The replacement's total, minor units. */
  total: number;
  currency: Currency;
  issuedAt: Date;
  orderId: string;
  reference: string | null;
}

export type EmailModel =
  | ReceiptModel
  | PaymentFailedModel
  | RefundModel
  | CreditsLowBalanceModel
  | CreditsRenewalFailedModel
  | AlertModel
  | SummaryModel
  | InvoiceReplacedModel;
