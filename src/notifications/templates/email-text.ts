import type { Locale, PaymentMethodView } from './email-models';

/**
 * Every word the e-mails say, one dictionary per locale with the same keys (the `EmailText` type makes a
 * missing translation a compile error). Values are plain text; templates escape them when they build MJML.
 */

export const DECLINE_CODES = [
  'insufficient_funds', 'expired_card', 'incorrect_cvc', 'lost_card', 'stolen_card', 'card_not_supported', 'contact_issuer',
  'issuer_unavailable', 'fraudulent', 'processing_error', 'invalid_installments', 'duplicate_transaction', 'generic_decline',
] as const;
export type DeclineCode = (typeof DECLINE_CODES)[number];
export const FAILURE_CODES = ['card_declined', 'invalid_source', 'authentication_failed', 'gateway_unavailable', 'gateway_error'] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

type Text = string;
type Amount = string;

export interface EmailText {
  greeting(name: string | null): Text;
  labels: { paymentMethod: Text; date: Text; order: Text; reference: Text; description: Text; quantity: Text; amount: Text; total: Text; chargeId: Text; refundId: Text; details: Text };
  card: Text;
  otherMethod: Text;
  supportPrefix: Text;
  receipt: {
    subject(amount: Amount, brand: Text): Text; preview(amount: Amount, method: Text, date: Text): Text; heading: Text; intro(brand: Text): Text;
    amountLabel: Text; itemsHeading: Text;
    invoice(number: Text, attached: boolean): Text; keep: Text; why(brand: Text): Text;
  };
  failed: {
    subject(amount: Amount): Text; preview(reason: Text): Text; heading: Text; amountLabel: Text; intro(brand: Text): Text; reason: Text; noCharge: Text;
    retryAdvice: Text; noRetryAdvice(brand: Text): Text; retryButton: Text; why(brand: Text): Text;
  };
  refund: {
    subject(amount: Amount): Text; preview(amount: Amount, method: Text): Text; heading: Text; amountLabel: Text; intro(brand: Text): Text; full: Text; partial: Text;
    kind: Text; orderAmount: Text; totalLabel: Text; refundedTotal(total: Amount, of: Amount): Text; timingCard: Text; timingOther: Text; why(brand: Text): Text;
  };
  alert: {
    subject(title: Text): Text; band(severity: 'critical' | 'warning', scope: Text): Text; wholeDeployment: Text; app: Text; rule: Text;
    openedAt: Text; why(brand: Text, app: Text | null): Text;
  };
  summary: {
    subject(period: 'daily' | 'weekly', app: Text, dates: Text): Text; heading(period: 'daily' | 'weekly', app: Text): Text; preview(attempts: Text, rate: Text): Text;
    attempts: Text; successRate: Text; processed: Text; succeeded(count: Text): Text; payments(count: number, formatted: Text): Text;
    previousPeriod: Text; vsPrevious: Text; nothingProcessed: Text; noActivity: Text; gateways: Text; gateway: Text; conversion: Text;
    succeededOfAttempts(succeeded: Text, attempts: Text): Text; declines: Text; reason: Text; count: Text; refunds: Text;
    refundsLine(count: number, formatted: Text, amount: Amount): Text; noRefunds: Text; why(brand: Text, app: Text): Text;
  };
  dashboardButton: Text;
  declineReasons: Record<DeclineCode, Text>;
  failureReasons: Record<FailureCode, Text>;
  unknownReason(code: Text): Text;
}

const es: EmailText = {
  greeting: (name) => (name ? `Hola, ${name}:` : 'Hola:'),
  labels: { paymentMethod: 'Medio de pago', date: 'Fecha', order: 'Pedido', reference: 'Referencia', description: 'Descripción', quantity: 'Cant.', amount: 'Importe', total: 'Total', chargeId: 'ID de cargo', refundId: 'ID de devolución', details: 'Detalles del pago' },
  card: 'Tarjeta',
  otherMethod: 'Otro medio de pago',
  supportPrefix: '¿Tienes preguntas? Escríbenos a',
  receipt: {
    subject: (amount, brand) => `Recibo de tu pago de ${amount} — ${brand}`,
    preview: (amount, method, date) => `Pagaste ${amount} con ${method} el ${date}.`,
    heading: 'Pago recibido',
    amountLabel: 'Total pagado',
    itemsHeading: 'Resumen del pedido',
    intro: (brand) => `Gracias por tu pago a ${brand}. Este es tu recibo.`,
    invoice: (number, attached) => (attached ? `Comprobante ${number} adjunto a este correo.` : `Comprobante electrónico: ${number}.`),
    keep: 'Guarda este correo como constancia de tu pago.',
    why: (brand) => `Recibes este correo porque realizaste un pago a ${brand}.`,
  },
  failed: {
    subject: (amount) => `No pudimos procesar tu pago de ${amount}`,
    preview: (reason) => `Motivo: ${reason}. Puedes intentarlo de nuevo.`,
    heading: 'Tu pago no se completó',
    amountLabel: 'Monto del intento',
    intro: (brand) => `Intentamos procesar tu pago a ${brand}, pero no se completó.`,
    reason: 'Motivo',
    noCharge: 'No se realizó ningún cargo a tu medio de pago.',
    retryAdvice: 'Puedes intentarlo de nuevo con el mismo u otro medio de pago.',
    noRetryAdvice: (brand) => `Si quieres completar tu compra, vuelve a intentarlo desde ${brand}.`,
    retryButton: 'Intentar de nuevo',
    why: (brand) => `Recibes este correo porque intentaste hacer un pago a ${brand}.`,
  },
  refund: {
    subject: (amount) => `Te devolvimos ${amount}`,
    preview: (amount, method) => `Devolvimos ${amount} a tu ${method}.`,
    heading: 'Devolución procesada',
    amountLabel: 'Monto devuelto',
    intro: (brand) => `${brand} procesó una devolución de tu pago.`,
    full: 'Devolución total',
    partial: 'Devolución parcial',
    kind: 'Tipo',
    orderAmount: 'Monto del pedido',
    totalLabel: 'Total devuelto',
    refundedTotal: (total, of) => `${total} de ${of}`,
    timingCard: 'El abono puede tardar entre 5 y 15 días hábiles en aparecer en tu estado de cuenta, según tu banco.',
    timingOther: 'El abono puede tardar unos días hábiles en aparecer, según tu banco o billetera.',
    why: (brand) => `Recibes este correo porque se hizo una devolución de tu pago a ${brand}.`,
  },
  alert: {
    subject: (title) => `[Alerta] ${title}`,
    band: (severity, scope) => `${severity === 'critical' ? 'Alerta crítica' : 'Advertencia'} · ${scope}`,
    wholeDeployment: 'Toda la plataforma',
    app: 'Aplicación',
    rule: 'Regla',
    openedAt: 'Desde',
    why: (brand, app) => `Recibes esta alerta porque eres contacto de ${app ?? 'la plataforma'} en ${brand}.`,
  },
  summary: {
    subject: (period, app, dates) => `${period === 'daily' ? 'Resumen diario' : 'Resumen semanal'} — ${app} — ${dates}`,
    heading: (period, app) => `${period === 'daily' ? 'Resumen diario' : 'Resumen semanal'} de ${app}`,
    preview: (attempts, rate) => `${attempts} intentos de pago, tasa de éxito ${rate}.`,
    attempts: 'Intentos de pago',
    successRate: 'Tasa de éxito',
    processed: 'Monto procesado',
    succeeded: (count) => `${count} aprobados`,
    payments: (count, formatted) => `${formatted} ${count === 1 ? 'pago' : 'pagos'}`,
    previousPeriod: 'Periodo anterior',
    vsPrevious: 'vs. periodo anterior',
    nothingProcessed: 'Sin pagos aprobados',
    noActivity: 'No hubo intentos de pago en este periodo.',
    gateways: 'Por pasarela',
    gateway: 'Pasarela',
    conversion: 'Conversión',
    succeededOfAttempts: (succeeded, attempts) => `${succeeded} de ${attempts}`,
    declines: 'Principales motivos de rechazo',
    reason: 'Motivo',
    count: 'Cantidad',
    refunds: 'Devoluciones',
    refundsLine: (count, formatted, amount) => `${formatted} ${count === 1 ? 'devolución' : 'devoluciones'} por ${amount}`,
    noRefunds: 'Sin devoluciones en este periodo.',
    why: (brand, app) => `Recibes este resumen porque eres contacto de ${app} en ${brand}.`,
  },
  dashboardButton: 'Abrir el panel',
  declineReasons: {
    insufficient_funds: 'Fondos insuficientes',
    expired_card: 'Tarjeta vencida',
    incorrect_cvc: 'Código de seguridad (CVV) incorrecto',
    lost_card: 'Tarjeta reportada como perdida',
    stolen_card: 'Tarjeta reportada como robada',
    card_not_supported: 'Tarjeta no habilitada para este tipo de compra',
    contact_issuer: 'El banco pide que te comuniques con él',
    issuer_unavailable: 'El banco emisor no respondió',
    fraudulent: 'Rechazado por sospecha de fraude',
    processing_error: 'Error al procesar la tarjeta',
    invalid_installments: 'Número de cuotas no válido para esta tarjeta',
    duplicate_transaction: 'Operación duplicada',
    generic_decline: 'Rechazado por el banco emisor',
  },
  failureReasons: {
    card_declined: 'Rechazado por el banco emisor',
    invalid_source: 'Medio de pago no válido',
    authentication_failed: 'No se completó la verificación de seguridad (3-D Secure)',
    gateway_unavailable: 'El procesador de pagos no estaba disponible',
    gateway_error: 'Error del procesador de pagos',
  },
  unknownReason: (code) => `Otro motivo (${code})`,
};

const en: EmailText = {
  greeting: (name) => (name ? `Hi ${name},` : 'Hi there,'),
  labels: { paymentMethod: 'Payment method', date: 'Date', order: 'Order', reference: 'Reference', description: 'Description', quantity: 'Qty', amount: 'Amount', total: 'Total', chargeId: 'Charge ID', refundId: 'Refund ID', details: 'Payment details' },
  card: 'Card',
  otherMethod: 'Other payment method',
  supportPrefix: 'Questions? Write to us at',
  receipt: {
    subject: (amount, brand) => `Your receipt for ${amount} — ${brand}`,
    preview: (amount, method, date) => `You paid ${amount} with ${method} on ${date}.`,
    heading: 'Payment received',
    amountLabel: 'Amount paid',
    itemsHeading: 'Order summary',
    intro: (brand) => `Thank you for your payment to ${brand}. Here is your receipt.`,
    invoice: (number, attached) => (attached ? `Invoice ${number} is attached to this e-mail.` : `Electronic invoice: ${number}.`),
    keep: 'Keep this e-mail as proof of your payment.',
    why: (brand) => `You are receiving this e-mail because you made a payment to ${brand}.`,
  },
  failed: {
    subject: (amount) => `We couldn't process your payment of ${amount}`,
    preview: (reason) => `Reason: ${reason}. You can try again.`,
    heading: 'Your payment did not go through',
    amountLabel: 'Amount attempted',
    intro: (brand) => `We tried to process your payment to ${brand}, but it did not go through.`,
    reason: 'Reason',
    noCharge: 'You have not been charged.',
    retryAdvice: 'You can try again with the same or a different payment method.',
    noRetryAdvice: (brand) => `To complete your purchase, please try again from ${brand}.`,
    retryButton: 'Try again',
    why: (brand) => `You are receiving this e-mail because you tried to make a payment to ${brand}.`,
  },
  refund: {
    subject: (amount) => `We refunded ${amount}`,
    preview: (amount, method) => `We refunded ${amount} to your ${method}.`,
    heading: 'Refund processed',
    amountLabel: 'Amount refunded',
    intro: (brand) => `${brand} has refunded your payment.`,
    full: 'Full refund',
    partial: 'Partial refund',
    kind: 'Type',
    orderAmount: 'Order amount',
    totalLabel: 'Total refunded',
    refundedTotal: (total, of) => `${total} of ${of}`,
    timingCard: 'It may take 5 to 15 business days to appear on your statement, depending on your bank.',
    timingOther: 'It may take a few business days to appear, depending on your bank or wallet.',
    why: (brand) => `You are receiving this e-mail because a payment you made to ${brand} was refunded.`,
  },
  alert: {
    subject: (title) => `[Alert] ${title}`,
    band: (severity, scope) => `${severity === 'critical' ? 'Critical alert' : 'Warning'} · ${scope}`,
    wholeDeployment: 'Whole platform',
    app: 'App',
    rule: 'Rule',
    openedAt: 'Since',
    why: (brand, app) => `You are receiving this alert because you are a contact for ${app ?? 'the platform'} at ${brand}.`,
  },
  summary: {
    subject: (period, app, dates) => `${period === 'daily' ? 'Daily summary' : 'Weekly summary'} — ${app} — ${dates}`,
    heading: (period, app) => `${period === 'daily' ? 'Daily summary' : 'Weekly summary'} for ${app}`,
    preview: (attempts, rate) => `${attempts} payment attempts, ${rate} success rate.`,
    attempts: 'Payment attempts',
    successRate: 'Success rate',
    processed: 'Amount processed',
    succeeded: (count) => `${count} succeeded`,
    payments: (count, formatted) => `${formatted} ${count === 1 ? 'payment' : 'payments'}`,
    previousPeriod: 'Previous period',
    vsPrevious: 'vs. previous period',
    nothingProcessed: 'No successful payments',
    noActivity: 'There were no payment attempts in this period.',
    gateways: 'By gateway',
    gateway: 'Gateway',
    conversion: 'Conversion',
    succeededOfAttempts: (succeeded, attempts) => `${succeeded} of ${attempts}`,
    declines: 'Top decline reasons',
    reason: 'Reason',
    count: 'Count',
    refunds: 'Refunds',
    refundsLine: (count, formatted, amount) => `${formatted} ${count === 1 ? 'refund' : 'refunds'} totalling ${amount}`,
    noRefunds: 'No refunds in this period.',
    why: (brand, app) => `You are receiving this summary because you are a contact for ${app} at ${brand}.`,
  },
  dashboardButton: 'Open the dashboard',
  declineReasons: {
    insufficient_funds: 'Insufficient funds',
    expired_card: 'Expired card',
    incorrect_cvc: 'Incorrect security code (CVC)',
    lost_card: 'Card reported lost',
    stolen_card: 'Card reported stolen',
    card_not_supported: 'Card not enabled for this type of purchase',
    contact_issuer: 'The bank asks you to contact it',
    issuer_unavailable: 'The card issuer did not respond',
    fraudulent: 'Declined as suspected fraud',
    processing_error: 'Error processing the card',
    invalid_installments: 'Number of instalments not allowed for this card',
    duplicate_transaction: 'Duplicate transaction',
    generic_decline: 'Declined by the card issuer',
  },
  failureReasons: {
    card_declined: 'Declined by the card issuer',
    invalid_source: 'Invalid payment method',
    authentication_failed: 'Security verification (3-D Secure) was not completed',
    gateway_unavailable: 'The payment processor was unavailable',
    gateway_error: 'Payment processor error',
  },
  unknownReason: (code) => `Other reason (${code})`,
};

const DICTIONARIES: Record<Locale, EmailText> = { es, en };

export function textFor(locale: Locale): EmailText {
  return DICTIONARIES[locale];
}

/** Card networks as gateways spell them (`visa`, `MASTERCARD`, `american_express`) → their display names. */
const CARD_BRANDS: Record<string, string> = {
  visa: 'Visa', mastercard: 'Mastercard', master: 'Mastercard', amex: 'American Express', americanexpress: 'American Express',
  diners: 'Diners Club', dinersclub: 'Diners Club', discover: 'Discover', jcb: 'JCB', unionpay: 'UnionPay', maestro: 'Maestro',
};

/** `Visa •••• 1111`, `Tarjeta •••• 1111`, `Yape`; the raw brand when the network is unknown. */
export function describePaymentMethod(method: PaymentMethodView, text: EmailText): string {
  if (method.type === 'yape') return 'Yape';
  const brand = method.brand === null ? null : (CARD_BRANDS[method.brand.toLowerCase().replace(/[\s_-]/g, '')] ?? method.brand);
  if (method.type === 'other') return brand ?? text.otherMethod;
  const last4 = method.last4 !== null && /^\d{4}$/.test(method.last4) ? ` •••• ${method.last4}` : '';
  return `${brand ?? text.card}${last4}`;
}

/** Human reason for a decline or failure code, for merchants (summaries) as much as for customers. */
export function reasonFor(code: string, text: EmailText): string {
  if ((DECLINE_CODES as readonly string[]).includes(code)) return text.declineReasons[code as DeclineCode];
  if ((FAILURE_CODES as readonly string[]).includes(code)) return text.failureReasons[code as FailureCode];
  return text.unknownReason(code);
}
