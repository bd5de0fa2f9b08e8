import type {
  AlertModel,
  Brand,
  CreditsLowBalanceModel,
  CreditsRenewalFailedModel,
  InvoiceReplacedModel,
  Locale,
  PaymentFailedModel,
  ReceiptModel,
  RefundModel,
  SummaryModel,
} from '../../src/notifications/templates/email-models';

/**
 * Realistic models of every message, for tests, screenshots and a future preview page. Fixed dates and ids,
 * so renders are reproducible. Each builder takes overrides for the case a test is about.
 */

export const SAMPLE_BRAND: Brand = {
  name: 'SmartPay',
  primaryColor: '#0F766E',
  logoUrl: null,
  supportEmail: 'soporte@smartpay.pe',
  footer: 'SmartPay S.A.C. · Lima, Perú',
};

const VISA = { type: 'card', brand: 'visa', last4: '1111' } as const;

export function sampleReceipt(locale: Locale, overrides: Partial<ReceiptModel> = {}): ReceiptModel {
  return {
    kind: 'receipt',
    locale,
    brand: SAMPLE_BRAND,
    customerName: 'Ana Quispe',
    amount: 11800,
    currency: 'PEN',
    orderId: 'ord_01JF3ZK8Q4R7V2M9XNB6T5W0CE',
    reference: 'PED-2026-000123',
    description: 'Suscripción SmartLite',
    items: [
      { description: 'Plan Pro mensual', quantity: 2, unitAmount: 5000 },
      { description: 'Envío a domicilio', quantity: 1, unitAmount: 1800 },
    ],
    paymentMethod: VISA,
    paidAt: new Date('2026-12-04T15:15:00Z'),
    chargeId: 'ch_01JF3ZKB1N8H6S3D0QWE4R7T2Y',
    invoice: { fullNumber: 'B001-00000012', attached: true },
    ...overrides,
  };
}

export function samplePaymentFailed(locale: Locale, overrides: Partial<PaymentFailedModel> = {}): PaymentFailedModel {
  return {
    kind: 'payment_failed',
    locale,
    brand: SAMPLE_BRAND,
    customerName: 'Ana Quispe',
    amount: 11800,
    currency: 'PEN',
    orderId: 'ord_01JF3ZK8Q4R7V2M9XNB6T5W0CE',
    reference: 'PED-2026-000123',
    description: 'Suscripción SmartLite',
    paymentMethod: VISA,
    failure: { code: 'card_declined', declineCode: 'insufficient_funds' },
    attemptedAt: new Date('2026-12-04T15:15:00Z'),
    retryUrl: 'https://tienda.smartlite.pe/pagar/ord_01JF3ZK8Q4R7V2M9XNB6T5W0CE',
    ...overrides,
  };
}

export function sampleRefund(locale: Locale, overrides: Partial<RefundModel> = {}): RefundModel {
  return {
    kind: 'refund',
    locale,
    brand: SAMPLE_BRAND,
    customerName: 'Ana Quispe',
    amount: 5000,
    currency: 'PEN',
    orderAmount: 11800,
    amountRefundedTotal: 5000,
    orderId: 'ord_01JF3ZK8Q4R7V2M9XNB6T5W0CE',
    reference: 'PED-2026-000123',
    description: 'Suscripción SmartLite',
    refundId: 'ref_01JF40A2C5E8G1J4L7N0Q3S6U9',
    paymentMethod: VISA,
    refundedAt: new Date('2026-12-06T21:40:00Z'),
    ...overrides,
  };
}

/**
 * 40 credits left: 30 of a Professional purchase (its purchased and bonus lots end the same day), 10 granted
 * that never expire, and a used-up lot that would have expired first. Auto-renewal off.
 */
export function sampleCreditsLowBalance(locale: Locale, overrides: Partial<CreditsLowBalanceModel> = {}): CreditsLowBalanceModel {
  return {
    kind: 'credits_low_balance',
    locale,
    brand: SAMPLE_BRAND,
    customerName: 'Ana Quispe',
    balance: 40,
    threshold: 50,
    lots: [
      { remaining: 20, expiresAt: new Date('2027-12-04T15:15:00Z') },
      { remaining: 10, expiresAt: new Date('2027-12-04T20:00:00Z') },
      { remaining: 0, expiresAt: new Date('2027-06-01T15:00:00Z') },
      { remaining: 10, expiresAt: null },
    ],
    autoRenewal: null,
    purchaseUrl: 'https://tienda.smartlite.pe/creditos',
    ...overrides,
  };
}

/** Four declined attempts to renew a Professional package; auto-renewal turned off. */
export function sampleCreditsRenewalFailed(locale: Locale, overrides: Partial<CreditsRenewalFailedModel> = {}): CreditsRenewalFailedModel {
  return {
    kind: 'credits_renewal_failed',
    locale,
    brand: SAMPLE_BRAND,
    customerName: 'Ana Quispe',
    packageName: 'Professional',
    amount: 19900,
    currency: 'PEN',
    orderId: 'ord_01JF3ZP4T8W2Y6A0C4E8G2J6M0',
    card: VISA,
    attempts: 4,
    failure: { code: 'card_declined', declineCode: 'insufficient_funds' },
    autoRenewalDisabled: true,
    balance: 12,
    failedAt: new Date('2026-12-04T15:15:00Z'),
    ...overrides,
  };
}

export function sampleAlert(locale: Locale, overrides: Partial<AlertModel> = {}): AlertModel {
  return {
    kind: 'alert',
    locale,
    brand: SAMPLE_BRAND,
    appName: 'SmartLite',
    severity: 'critical',
    title: locale === 'es' ? 'La tasa de éxito de pagos cayó a 61%' : 'Payment success rate dropped to 61%',
    detail:
      locale === 'es'
        ? 'En los últimos 15 minutos solo 61% de los intentos de pago fueron aprobados (normal: 90%).\nLa mayoría de rechazos vienen de Culqi.'
        : 'In the last 15 minutes only 61% of payment attempts succeeded (usual: 90%).\nMost declines come from Culqi.',
    rule: 'success_rate_below_70pct_15m',
    openedAt: new Date('2026-12-04T15:15:00Z'),
    facts: [
      { label: locale === 'es' ? 'Intentos (15 min)' : 'Attempts (15 min)', value: '184' },
      { label: locale === 'es' ? 'Aprobados' : 'Succeeded', value: '112' },
      { label: locale === 'es' ? 'Pasarela' : 'Gateway', value: 'Culqi' },
    ],
    dashboardUrl: 'https://pagos.smartpay.pe/admin/alerts/alr_01JF3ZM',
    ...overrides,
  };
}

export function sampleSummary(locale: Locale, overrides: Partial<SummaryModel> = {}): SummaryModel {
  return {
    kind: 'summary',
    locale,
    brand: SAMPLE_BRAND,
    appName: 'SmartLite',
    period: 'daily',
    from: new Date('2026-12-03T05:00:00Z'),
    to: new Date('2026-12-04T05:00:00Z'),
    timeZone: 'America/Lima',
    attempts: 1284,
    succeeded: 1185,
    successRate: 1185 / 1284,
    processed: [
      { currency: 'PEN', count: 1150, amount: 13_574_050 },
      { currency: 'USD', count: 35, amount: 182_500 },
    ],
    refunds: [{ currency: 'PEN', count: 3, amount: 15_900 }],
    topDeclines: [
      { code: 'insufficient_funds', count: 41 },
      { code: 'incorrect_cvc', count: 22 },
      { code: 'expired_card', count: 13 },
      { code: 'authentication_failed', count: 9 },
    ],
    gateways: [
      { gateway: 'culqi', attempts: 912, succeeded: 850, conversion: 850 / 912, amounts: [{ currency: 'PEN', amount: 9_702_300 }] },
      {
        gateway: 'mercadopago',
        attempts: 372,
        succeeded: 335,
        conversion: 335 / 372,
        amounts: [
          { currency: 'PEN', amount: 3_871_750 },
          { currency: 'USD', amount: 182_500 },
        ],
      },
    ],
    previous: { attempts: 1190, succeeded: 1071, successRate: 1071 / 1190, processed: [{ currency: 'PEN', count: 1040, amount: 12_204_000 }] },
    dashboardUrl: 'https://pagos.smartpay.pe/admin/apps/app_smartlite/reports',
    ...overrides,
  };
}

export function sampleInvoiceReplaced(locale: Locale, overrides: Partial<InvoiceReplacedModel> = {}): InvoiceReplacedModel {
  return {
    kind: 'invoice_replaced',
    locale,
    brand: SAMPLE_BRAND,
    customerName: 'Ana Quispe',
    document: 'boleta',
    replacedNumber: 'B001-00000012',
    replacementNumber: 'B001-00000013',
    total: 11800,
    currency: 'PEN',
    issuedAt: new Date('2026-12-04T15:20:00Z'),
    orderId: 'ord_01JF3ZK8Q4R7V2M9XNB6T5W0CE',
    reference: 'PED-2026-000123',
    ...overrides,
  };
}
