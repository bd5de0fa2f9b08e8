import type { Locale, PaymentMethodView } from './email-models';
import { formatCount } from './money-format';

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
/** Why a renewal can fail before any card is charged (SmartPay's own error codes, not the gateway's). */
export const RENEWAL_CODES = ['payment_method_unusable', 'resource_not_found', 'unknown_credit_package'] as const;
export type RenewalCode = (typeof RENEWAL_CODES)[number];

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
  credits: {
    count(count: number, formatted: Text): Text;
    attempts(count: number, formatted: Text): Text;
    labels: { balance: Text; threshold: Text; nextExpiry: Text; package: Text; attempts: Text };
    expiring(credits: Text, date: Text): Text;
    lowBalance: {
      subject(count: number, formatted: Text): Text; preview(threshold: Text): Text; heading: Text; intro(brand: Text, threshold: Text): Text;
      renewsNow(pkg: Text, card: Text | null): Text; renewsBelow(pkg: Text, card: Text | null, threshold: Text): Text;
      buyAdvice: Text; buyAdviceAt(brand: Text): Text; buyButton: Text; why(brand: Text): Text;
    };
    renewalFailed: {
      subject(pkg: Text): Text; preview(balance: Text, disabled: boolean): Text; heading: Text; intro(brand: Text, pkg: Text, attempts: Text): Text; amountLabel: Text;
      disabled: Text; balance(credits: Text): Text; advice(brand: Text): Text; why(brand: Text): Text; reasons: Record<RenewalCode, Text>;
    };
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
  credits: {
    count: (count, formatted) => `${formatted} ${count === 1 ? 'crédito' : 'créditos'}`,
    attempts: (count, formatted) => (count === 1 ? 'una vez' : `${formatted} veces`),
    labels: { balance: 'Saldo actual', threshold: 'Aviso de saldo bajo', nextExpiry: 'Próximo vencimiento', package: 'Paquete', attempts: 'Intentos' },
    expiring: (credits, date) => `${credits} el ${date}`,
    lowBalance: {
      subject: (count, formatted) => (count === 0 ? 'Te quedaste sin créditos' : count === 1 ? 'Te queda 1 crédito' : `Te quedan ${formatted} créditos`),
      preview: (threshold) => `Tu saldo bajó de ${threshold}.`,
      heading: 'Tu saldo de créditos está bajo',
      intro: (brand, threshold) => `Te avisamos porque tu saldo de créditos en ${brand} bajó de ${threshold}.`,
      renewsNow: (pkg, card) => `Tienes activada la renovación automática: compraremos el paquete ${pkg} con tu tarjeta guardada${card === null ? '' : ` (${card})`}. No necesitas hacer nada.`,
      renewsBelow: (pkg, card, threshold) =>
        `Tienes activada la renovación automática: cuando tu saldo baje de ${threshold}, compraremos el paquete ${pkg} con tu tarjeta guardada${card === null ? '' : ` (${card})`}.`,
      buyAdvice: 'Para no quedarte sin créditos, compra un paquete.',
      buyAdviceAt: (brand) => `Para no quedarte sin créditos, compra un paquete en ${brand}.`,
      buyButton: 'Comprar créditos',
      why: (brand) => `Recibes este correo porque tienes créditos en ${brand}.`,
    },
    renewalFailed: {
      subject: (pkg) => `No pudimos renovar tu paquete ${pkg}`,
      preview: (balance, disabled) => `${disabled ? 'Desactivamos la renovación automática. ' : ''}Tu saldo: ${balance}.`,
      heading: 'La renovación automática no se completó',
      intro: (brand, pkg, attempts) => `Intentamos ${attempts} comprar el paquete ${pkg} de ${brand} con tu tarjeta guardada, pero el pago no se completó.`,
      amountLabel: 'Monto de la renovación',
      disabled: 'Desactivamos la renovación automática: no volveremos a intentar el cobro.',
      balance: (credits) => `Tu saldo actual es de ${credits}.`,
      advice: (brand) => `Para seguir usando tus créditos, compra un paquete o vuelve a activar la renovación automática con otra tarjeta desde ${brand}.`,
      why: (brand) => `Recibes este correo porque activaste la renovación automática de créditos en ${brand}.`,
      reasons: {
        payment_method_unusable: 'Tu tarjeta guardada no se puede usar para este pago',
        resource_not_found: 'Tu tarjeta guardada ya no está registrada',
        unknown_credit_package: 'El paquete ya no está a la venta',
      },
    },
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
  credits: {
    count: (count, formatted) => `${formatted} ${count === 1 ? 'credit' : 'credits'}`,
    attempts: (count, formatted) => (count === 1 ? 'once' : count === 2 ? 'twice' : `${formatted} times`),
    labels: { balance: 'Current balance', threshold: 'Low-balance alert', nextExpiry: 'Next expiry', package: 'Package', attempts: 'Attempts' },
    expiring: (credits, date) => `${credits} on ${date}`,
    lowBalance: {
      subject: (count, formatted) => (count === 0 ? 'You have no credits left' : count === 1 ? 'You have 1 credit left' : `You have ${formatted} credits left`),
      preview: (threshold) => `Your balance fell below ${threshold}.`,
      heading: 'Your credit balance is low',
      intro: (brand, threshold) => `We are letting you know because your credit balance at ${brand} fell below ${threshold}.`,
      renewsNow: (pkg, card) => `Automatic renewal is on: we will buy the ${pkg} package with your saved card${card === null ? '' : ` (${card})`}. You don't need to do anything.`,
      renewsBelow: (pkg, card, threshold) =>
        `Automatic renewal is on: when your balance falls below ${threshold}, we will buy the ${pkg} package with your saved card${card === null ? '' : ` (${card})`}.`,
      buyAdvice: 'To avoid running out, buy a credit package.',
      buyAdviceAt: (brand) => `To avoid running out, buy a credit package at ${brand}.`,
      buyButton: 'Buy credits',
      why: (brand) => `You are receiving this e-mail because you have credits at ${brand}.`,
    },
    renewalFailed: {
      subject: (pkg) => `We couldn't renew your ${pkg} package`,
      preview: (balance, disabled) => `${disabled ? 'Automatic renewal is now off. ' : ''}Your balance: ${balance}.`,
      heading: 'Your automatic renewal did not go through',
      intro: (brand, pkg, attempts) => `We tried ${attempts} to buy the ${pkg} package from ${brand} with your saved card, but the payment did not go through.`,
      amountLabel: 'Renewal amount',
      disabled: 'We have turned automatic renewal off: we will not try to charge you again.',
      balance: (credits) => `Your current balance is ${credits}.`,
      advice: (brand) => `To keep using credits, buy a package or turn automatic renewal back on with another card at ${brand}.`,
      why: (brand) => `You are receiving this e-mail because you turned on automatic credit renewal at ${brand}.`,
      reasons: {
        payment_method_unusable: 'Your saved card cannot be used for this payment',
        resource_not_found: 'Your saved card is no longer on file',
        unknown_credit_package: 'The package is no longer sold',
      },
    },
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

/** `40 créditos`, `1 crédito`, `2,400 credits`. */
export function describeCredits(count: number, text: EmailText): string {
  return text.credits.count(count, formatCount(count));
}

/** Whether `reasonFor` has words for the code (a gateway decline or failure) rather than "other reason". */
export function isPaymentReason(code: string): boolean {
  return (DECLINE_CODES as readonly string[]).includes(code) || (FAILURE_CODES as readonly string[]).includes(code);
}

/** Human reason for a decline or failure code, for merchants (summaries) as much as for customers. */
export function reasonFor(code: string, text: EmailText): string {
  if ((DECLINE_CODES as readonly string[]).includes(code)) return text.declineReasons[code as DeclineCode];
  if ((FAILURE_CODES as readonly string[]).includes(code)) return text.failureReasons[code as FailureCode];
  return text.unknownReason(code);
}
