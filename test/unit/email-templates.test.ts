import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmailRenderer } from '../../src/notifications/email-renderer';
import { SEVERITY_COLORS } from '../../src/notifications/templates/alert.mjml';
import type { EmailModel, Locale } from '../../src/notifications/templates/email-models';
import { nextExpiry } from '../../src/notifications/templates/credits-low-balance.mjml';
import {
  sampleAlert,
  sampleCreditsLowBalance,
  sampleCreditsRenewalFailed,
  sampleInvoiceReplaced,
  samplePaymentFailed,
  sampleReceipt,
  sampleRefund,
  SAMPLE_BRAND,
  sampleSummary,
} from '../support/email-samples';
import { DECLINE_CODES, FAILURE_CODES, reasonFor, textFor } from '../../src/notifications/templates/email-text';
import { keepTogether } from '../../src/notifications/templates/email-blocks';
import { contrastRatio, escapeHtml, mj, textColorOn } from '../../src/notifications/templates/mjml-markup';
import { formatDate, formatDateTime, formatMoney, formatPointsDelta, formatShortDate, formatShortDateRange } from '../../src/notifications/templates/money-format';

const renderer = new EmailRenderer();
const LOCALES: Locale[] = ['es', 'en'];
const XSS = '<script>alert("x")</script>';
const XSS_ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';

/** What a reader sees: tags and the <head> dropped, the few entities the templates produce decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<head>[\s\S]*?<\/head>/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    // Inline tags add no space where a browser shows none ("<span>B001-00000013</span>," reads "B001-00000013,").
    .replace(/<\/?(span|b|strong|em|i|a)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

function allSamples(locale: Locale): EmailModel[] {
  return [
    sampleReceipt(locale),
    samplePaymentFailed(locale),
    sampleRefund(locale),
    sampleCreditsLowBalance(locale),
    sampleCreditsRenewalFailed(locale),
    sampleAlert(locale),
    sampleSummary(locale),
    sampleInvoiceReplaced(locale),
  ];
}

describe('formatMoney', () => {
  it.each([
    [11800, 'PEN', 'S/ 118.00'],
    [123450, 'PEN', 'S/ 1,234.50'],
    [1050, 'USD', 'US$ 10.50'],
    [5, 'USD', 'US$ 0.05'],
    [-500, 'PEN', '-S/ 5.00'],
    [0, 'PEN', 'S/ 0.00'],
    [100_000_000, 'PEN', 'S/ 1,000,000.00'],
    [Number.MAX_SAFE_INTEGER, 'USD', 'US$ 90,071,992,547,409.91'],
  ] as const)('%d %s → %s', (amount, currency, expected) => {
    expect(formatMoney(amount, currency)).toBe(expected);
  });

  it.each([1.5, 2 ** 60, Number.NaN, Number.POSITIVE_INFINITY, 0.1 + 0.2])('throws on %d (not exact minor units)', (amount) => {
    expect(() => formatMoney(amount, 'PEN')).toThrow(RangeError);
  });

  it('reads back to exactly the same number of minor units for any safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (amount) => {
        const shown = formatMoney(amount, 'PEN');
        expect(shown).toMatch(/^-?S\/ \d{1,3}(,\d{3})*\.\d{2}$/);
        expect(BigInt(shown.replace(/[^\d-]/g, ''))).toBe(BigInt(amount));
      }),
    );
  });
});

describe('date formatting', () => {
  const at = new Date('2026-12-04T15:15:00Z');

  it('shows Lima time in both languages', () => {
    expect(formatDateTime(at, 'es', 'America/Lima')).toBe('4 de diciembre de 2026, 10:15 (hora de Lima)');
    expect(formatDateTime(at, 'en', 'America/Lima')).toBe('December 4, 2026, 10:15 AM (Lima time)');
    expect(formatDateTime(new Date('2026-12-04T13:05:00Z'), 'es', 'America/Lima')).toBe('4 de diciembre de 2026, 08:05 (hora de Lima)');
    expect(formatDate(new Date('2026-12-04T03:00:00Z'), 'es', 'America/Lima')).toBe('3 de diciembre de 2026');
  });

  it('writes short dates and week ranges without CLDR abbreviation dots', () => {
    expect(formatShortDate(at, 'es', 'America/Lima')).toBe('4 dic 2026');
    expect(formatShortDate(at, 'en', 'America/Lima')).toBe('Dec 4, 2026');
    const from = new Date('2026-11-30T05:00:00Z');
    const to = new Date('2026-12-07T05:00:00Z');
    expect(formatShortDateRange(from, to, 'es', 'America/Lima')).toBe('30 nov – 6 dic 2026');
    expect(formatShortDateRange(from, to, 'en', 'America/Lima')).toBe('Nov 30 – Dec 6, 2026');
    expect(formatShortDateRange(new Date('2026-12-28T05:00:00Z'), new Date('2027-01-04T05:00:00Z'), 'es', 'America/Lima')).toBe('28 dic 2026 – 3 ene 2027');
  });

  it('signs percentage-point differences', () => {
    expect(formatPointsDelta(0.923, 0.9)).toBe('+2.3 pp');
    expect(formatPointsDelta(0.85, 0.9)).toBe('-5.0 pp');
    expect(formatPointsDelta(0.9, 0.9)).toBe('0.0 pp');
  });
});

describe('escaping', () => {
  it('escapes every interpolated string and nothing that is already markup', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const inner = mj`<b>${'<i>'}</b>`;
    expect(mj`<mj-text>${inner}${[XSS, inner]}${null}${false}${3}</mj-text>`.source).toBe(`<mj-text><b>&lt;i&gt;</b>${XSS_ESCAPED}<b>&lt;i&gt;</b>3</mj-text>`);
  });

  it('never lets <script> from a description, a name or an app name into the HTML, and keeps it readable in text', async () => {
    const receipt = await renderer.render(
      sampleReceipt('es', { description: XSS, customerName: `Ana ${XSS}`, reference: XSS, items: [{ description: XSS, quantity: 1, unitAmount: 11800 }] }),
    );
    const summary = await renderer.render(sampleSummary('es', { appName: XSS }));
    const alert = await renderer.render(sampleAlert('en', { appName: XSS, title: XSS, detail: XSS, facts: [{ label: XSS, value: XSS }] }));
    for (const email of [receipt, summary, alert]) {
      expect(email.html).not.toContain('<script');
      expect(email.html).toContain(XSS_ESCAPED);
      expect(email.text).toContain(XSS);
    }
    expect(summary.subject).toBe(`Resumen diario — ${XSS} — 3 dic 2026`);
  });

  it('escapes attribute values (logo alt) and refuses unsafe URLs and colours', async () => {
    const logo = 'data:image/png;base64,iVBORw0KGgo=';
    const { html } = await renderer.render(sampleReceipt('es', { brand: { ...SAMPLE_BRAND, name: 'Tienda "La <Esquina>"', logoUrl: logo } }));
    expect(html).toContain('alt="Tienda &quot;La &lt;Esquina&gt;&quot;"');
    await expect(renderer.render(samplePaymentFailed('es', { retryUrl: 'javascript:alert(1)' }))).rejects.toThrow(/scheme not allowed/);
    await expect(renderer.render(sampleAlert('es', { dashboardUrl: 'data:text/html,<script>' }))).rejects.toThrow(RangeError);
    await expect(renderer.render(sampleReceipt('es', { brand: { ...SAMPLE_BRAND, primaryColor: 'red;background:url(https://x)' } }))).rejects.toThrow(/colour/);
  });
});

describe('every message in both languages', () => {
  it.each(LOCALES.flatMap((locale) => allSamples(locale).map((model) => [model.kind, locale, model] as const)))('%s (%s) compiles cleanly', async (_kind, locale, model) => {
    const { subject, html, text } = await renderer.render(model);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<html lang="${locale}"`);
    expect(html).toContain(`<title>${escapeHtml(subject)}</title>`);
    expect(html).toContain('SmartPay S.A.C. · Lima, Perú');
    expect(html).toContain('mailto:soporte@smartpay.pe');
    // Nothing is fetched to read the message: no stylesheet links, web fonts or remote images.
    expect(html).not.toMatch(/<link|googleapis|<img[^>]+src="https?:/);
    expect(subject).not.toMatch(/\n/);
    expect(text).toContain('soporte@smartpay.pe');
    for (const line of text.split('\n')) if (!/^https?:\/\/\S+$/.test(line)) expect(line.length, line).toBeLessThanOrEqual(76);
  });

  it.each([
    [sampleReceipt('es'), 'Recibo de tu pago de S/ 118.00 — SmartPay'],
    [sampleReceipt('en'), 'Your receipt for S/ 118.00 — SmartPay'],
    [samplePaymentFailed('es'), 'No pudimos procesar tu pago de S/ 118.00'],
    [samplePaymentFailed('en'), "We couldn't process your payment of S/ 118.00"],
    [sampleRefund('es'), 'Te devolvimos S/ 50.00'],
    [sampleRefund('en'), 'We refunded S/ 50.00'],
    [sampleCreditsLowBalance('es'), 'Te quedan 40 créditos'],
    [sampleCreditsLowBalance('en'), 'You have 40 credits left'],
    [sampleCreditsLowBalance('es', { balance: 1 }), 'Te queda 1 crédito'],
    [sampleCreditsLowBalance('en', { balance: 0 }), 'You have no credits left'],
    [sampleCreditsLowBalance('es', { balance: 1250 }), 'Te quedan 1,250 créditos'],
    [sampleCreditsRenewalFailed('es'), 'No pudimos renovar tu paquete Professional'],
    [sampleCreditsRenewalFailed('en'), "We couldn't renew your Professional package"],
    [sampleAlert('es'), '[Alerta] La tasa de éxito de pagos cayó a 61%'],
    [sampleAlert('en'), '[Alert] Payment success rate dropped to 61%'],
    [sampleInvoiceReplaced('es'), 'Tu boleta de venta B001-00000012 fue reemplazada por B001-00000013 — SmartPay'],
    [sampleInvoiceReplaced('en'), 'Your sales receipt B001-00000012 was replaced by B001-00000013 — SmartPay'],
    [sampleInvoiceReplaced('es', { document: 'factura', replacedNumber: 'F001-00000004', replacementNumber: 'F001-00000005' }), 'Tu factura F001-00000004 fue reemplazada por F001-00000005 — SmartPay'],
    [sampleSummary('es'), 'Resumen diario — SmartLite — 3 dic 2026'],
    [sampleSummary('en'), 'Daily summary — SmartLite — Dec 3, 2026'],
    [sampleSummary('es', { period: 'weekly', from: new Date('2026-11-30T05:00:00Z'), to: new Date('2026-12-07T05:00:00Z') }), 'Resumen semanal — SmartLite — 30 nov – 6 dic 2026'],
  ] as const)('subject: %#', async (model, subject) => {
    expect((await renderer.render(model)).subject).toBe(subject);
  });
});

describe('receipt', () => {
  it('shows the amount, brand, card, items, order and invoice (es)', async () => {
    const { html, text } = await renderer.render(sampleReceipt('es'));
    const seen = visibleText(html);
    expect(html).toContain('lang="es"');
    for (const fact of ['Pago recibido', 'S/ 118.00', 'SmartPay', 'Visa •••• 1111', 'PED-2026-000123', 'ord_01JF3ZK8Q4R7V2M9XNB6T5W0CE', 'Plan Pro mensual', 'S/ 100.00', '2 × S/ 50.00', '4 de diciembre de 2026, 10:15 (hora de Lima)', 'Comprobante B001-00000012 adjunto a este correo.', 'ch_01JF3ZKB1N8H6S3D0QWE4R7T2Y']) {
      expect(seen).toContain(fact);
      expect(text).toContain(fact);
    }
    expect(text).toMatch(/^Plan Pro mensual \(2 × S\/ 50\.00\) +S\/ 100\.00$/m);
  });

  it('speaks English with lang="en"', async () => {
    const { html, text } = await renderer.render(sampleReceipt('en', { invoice: { fullNumber: 'F001-00000007', attached: false } }));
    const seen = visibleText(html);
    expect(html).toContain('<html lang="en"');
    for (const fact of ['Payment received', 'Amount paid', 'Thank you for your payment to SmartPay', 'December 4, 2026, 10:15 AM (Lima time)', 'Electronic invoice: F001-00000007.']) {
      expect(seen).toContain(fact);
    }
    expect(seen).not.toContain('Pago recibido');
    expect(text).toContain('Hi Ana Quispe,');
  });

  it('in dollars, without items, shows the description instead of a table', async () => {
    const { subject, html, text } = await renderer.render(sampleReceipt('es', { amount: 1050, currency: 'USD', items: [], invoice: null, customerName: null, paymentMethod: { type: 'yape', brand: null, last4: null } }));
    expect(subject).toBe('Recibo de tu pago de US$ 10.50 — SmartPay');
    const seen = visibleText(html);
    expect(seen).toContain('US$ 10.50');
    expect(seen).toContain('Suscripción SmartLite');
    expect(seen).toContain('Yape');
    expect(seen).not.toContain('Resumen del pedido');
    expect(seen).not.toContain('Comprobante');
    expect(text).toContain('Hola:');
    expect(text).toMatch(/^Descripción: +Suscripción SmartLite$/m);
  });

  it('refuses a line whose total is not an exact integer', async () => {
    await expect(renderer.render(sampleReceipt('es', { items: [{ description: 'x', quantity: 1.5, unitAmount: 100 }] }))).rejects.toThrow(RangeError);
  });
});

describe('payment failed', () => {
  it('gives the reason and a retry button when the app sent a retry URL', async () => {
    const model = samplePaymentFailed('es');
    const { html, text } = await renderer.render(model);
    expect(html).toContain(`href="${model.retryUrl}"`);
    expect(visibleText(html)).toContain('Intentar de nuevo');
    expect(visibleText(html)).toContain('Motivo: Fondos insuficientes');
    expect(visibleText(html)).toContain('No se realizó ningún cargo');
    expect(text).toContain(`Intentar de nuevo:\n${model.retryUrl}`);
    expect(text).toMatch(/^Motivo: +Fondos insuficientes$/m);
  });

  it('has no button and no link without a retry URL', async () => {
    const { html, text } = await renderer.render(samplePaymentFailed('en', { retryUrl: null }));
    expect(visibleText(html)).not.toContain('Try again');
    expect(html).not.toContain('tienda.smartlite.pe');
    expect(visibleText(html)).toContain('To complete your purchase, please try again from SmartPay.');
    expect(text).not.toContain('Try again');
  });

  it('never tells a customer their card was flagged; promises nothing after a gateway error', async () => {
    const stolen = await renderer.render(samplePaymentFailed('es', { failure: { code: 'card_declined', declineCode: 'stolen_card' } }));
    expect(visibleText(stolen.html)).toContain('Rechazado por el banco emisor');
    expect(stolen.text).not.toMatch(/robada/);
    const unknown = await renderer.render(samplePaymentFailed('es', { failure: { code: 'gateway_error', declineCode: null } }));
    expect(visibleText(unknown.html)).toContain('Error del procesador de pagos');
    expect(unknown.text).not.toContain('No se realizó ningún cargo');
  });
});

describe('credits low balance', () => {
  it('shows the balance, the threshold and the soonest expiry among lots with credits left, with a link to buy more', async () => {
    const model = sampleCreditsLowBalance('es');
    const { html, text } = await renderer.render(model);
    const seen = visibleText(html);
    for (const fact of ['Tu saldo de créditos está bajo', '40 créditos', 'bajó de 50 créditos', 'Aviso de saldo bajo', '30 créditos el 4 de diciembre de 2027', 'Para no quedarte sin créditos, compra un paquete.', 'Comprar créditos']) {
      expect(seen).toContain(fact);
    }
    expect(html).toContain(`href="${model.purchaseUrl}"`);
    expect(text).toMatch(/^Saldo actual: +40 créditos$/m);
    expect(text).toMatch(/^Próximo vencimiento: +30 créditos el 4 de diciembre de 2027$/m);
    expect(text).toContain(`Comprar créditos:\n${model.purchaseUrl}`);
  });

  it('promises the automatic purchase instead of a button when auto-renewal is on', async () => {
    const visa = { type: 'card', brand: 'visa', last4: '1111' } as const;
    const now = await renderer.render(sampleCreditsLowBalance('en', { autoRenewal: { packageName: 'Professional', threshold: 50, card: visa } }));
    expect(visibleText(now.html)).toContain('Automatic renewal is on: we will buy the Professional package with your saved card (Visa •••• 1111).');
    expect(visibleText(now.html)).not.toContain('Buy credits');
    expect(now.html).not.toContain('tienda.smartlite.pe');
    expect(now.text).not.toContain('Buy credits');
    // The renewal has its own, lower threshold: it buys later, and the e-mail says when.
    const later = await renderer.render(sampleCreditsLowBalance('es', { autoRenewal: { packageName: 'Basic', threshold: 20, card: null } }));
    expect(visibleText(later.html)).toContain('cuando tu saldo baje de 20 créditos, compraremos el paquete Basic con tu tarjeta guardada.');
  });

  it('without a purchase link has no button and points to the brand instead', async () => {
    const { html, text } = await renderer.render(sampleCreditsLowBalance('en', { purchaseUrl: null }));
    expect(visibleText(html)).toContain('To avoid running out, buy a credit package at SmartPay.');
    expect(visibleText(html)).not.toContain('Buy credits');
    expect(html).not.toContain('tienda.smartlite.pe');
    expect(text).not.toContain('Buy credits');
  });

  it('leaves the expiry out when no lot with credits expires', async () => {
    const { html, text } = await renderer.render(sampleCreditsLowBalance('es', { lots: [{ remaining: 40, expiresAt: null }, { remaining: 0, expiresAt: new Date('2027-01-01T00:00:00Z') }] }));
    expect(visibleText(html)).not.toContain('Próximo vencimiento');
    expect(text).not.toContain('Próximo vencimiento');
  });

  it('counts the soonest expiry per day shown, in the customer time zone', () => {
    const lots = [
      { remaining: 5, expiresAt: new Date('2027-03-02T04:00:00Z') }, // 1 March, 23:00 in Lima
      { remaining: 7, expiresAt: new Date('2027-03-02T06:00:00Z') }, // 2 March in Lima
      { remaining: 9, expiresAt: new Date('2027-03-01T15:00:00Z') },
    ];
    expect(nextExpiry(lots, 'en', 'America/Lima')).toEqual({ date: 'March 1, 2027', credits: 14 });
    expect(nextExpiry(lots, 'en', 'UTC')).toEqual({ date: 'March 1, 2027', credits: 9 });
    expect(nextExpiry([], 'es', 'America/Lima')).toBeNull();
  });

  it('escapes the package name and the customer name', async () => {
    const { html, text } = await renderer.render(sampleCreditsLowBalance('es', { customerName: XSS, autoRenewal: { packageName: XSS, threshold: 50, card: null } }));
    expect(html).not.toContain('<script');
    expect(html).toContain(XSS_ESCAPED);
    expect(text).toContain(XSS);
  });
});

describe('credits renewal failed', () => {
  it('gives the package, the amount, the attempts, the reason, that renewal is off and the balance (es)', async () => {
    const { html, text } = await renderer.render(sampleCreditsRenewalFailed('es'));
    const seen = visibleText(html);
    for (const fact of [
      'La renovación automática no se completó',
      'S/ 199.00',
      'Intentamos 4 veces comprar el paquete Professional',
      'Motivo: Fondos insuficientes',
      'No se realizó ningún cargo',
      'Desactivamos la renovación automática',
      'Tu saldo actual es de 12 créditos.',
      'Visa •••• 1111',
      'ord_01JF3ZP4T8W2Y6A0C4E8G2J6M0',
    ]) {
      expect(seen).toContain(fact);
    }
    expect(text).toMatch(/^Monto de la renovación: +S\/ 199\.00$/m);
    expect(text).toMatch(/^Motivo: +Fondos insuficientes$/m);
    expect(text).toMatch(/^Intentos: +4$/m);
  });

  it('in dollars and English; masks a flagged card like the payment-failed notice', async () => {
    const { subject, html, text } = await renderer.render(
      sampleCreditsRenewalFailed('en', { amount: 5400, currency: 'USD', attempts: 2, failure: { code: 'card_declined', declineCode: 'stolen_card' } }),
    );
    expect(subject).toBe("We couldn't renew your Professional package");
    const seen = visibleText(html);
    expect(seen).toContain('US$ 54.00');
    expect(seen).toContain('We tried twice to buy the Professional package');
    expect(seen).toContain('Reason: Declined by the card issuer');
    expect(seen).toContain('We have turned automatic renewal off');
    expect(seen).toContain('Your current balance is 12 credits.');
    expect(text).not.toMatch(/stolen/i);
  });

  it('says nothing it does not know: no reason without a failure, no promise after a gateway error', async () => {
    const unknown = await renderer.render(sampleCreditsRenewalFailed('es', { failure: null, card: null }));
    expect(visibleText(unknown.html)).not.toContain('Motivo');
    expect(visibleText(unknown.html)).not.toContain('Medio de pago');
    expect(visibleText(unknown.html)).toContain('Desactivamos la renovación automática');
    const gateway = await renderer.render(sampleCreditsRenewalFailed('es', { failure: { code: 'gateway_error', declineCode: null } }));
    expect(visibleText(gateway.html)).toContain('Error del procesador de pagos');
    expect(gateway.text).not.toContain('No se realizó ningún cargo');
    // SmartPay's own refusals: in words when they mean something to the customer, never as a bare code.
    const removed = await renderer.render(sampleCreditsRenewalFailed('en', { failure: { code: 'resource_not_found', declineCode: null } }));
    expect(visibleText(removed.html)).toContain('Reason: Your saved card is no longer on file');
    expect(visibleText(removed.html)).toContain('You have not been charged.');
    const internal = await renderer.render(sampleCreditsRenewalFailed('es', { failure: { code: 'order_not_payable', declineCode: null } }));
    expect(visibleText(internal.html)).not.toContain('Motivo');
    expect(internal.text).not.toContain('order_not_payable');
    const stillOn = await renderer.render(sampleCreditsRenewalFailed('en', { autoRenewalDisabled: false, failure: null }));
    expect(visibleText(stillOn.html)).not.toContain('turned automatic renewal off');
    expect(stillOn.html).not.toContain('sp-disabled');
  });
});

describe('invoice replaced', () => {
  it('says which document is void and which one is attached, and that the payment does not change (es)', async () => {
    const { html, text } = await renderer.render(sampleInvoiceReplaced('es'));
    const seen = visibleText(html);
    expect(html).toContain('<html lang="es"');
    for (const fact of [
      'Reemplazamos tu comprobante',
      'Hola, Ana Quispe:',
      'SUNAT rechazó la boleta de venta B001-00000012 que te enviamos por tu pago a SmartPay',
      'emitimos la boleta de venta B001-00000013, que adjuntamos a este correo (PDF y XML)',
      'Tu pago no cambia',
      'S/ 118.00',
      '4 de diciembre de 2026',
      'ord_01JF3ZK8Q4R7V2M9XNB6T5W0CE',
      'PED-2026-000123',
    ]) {
      expect(seen).toContain(fact);
    }
    expect(text).toMatch(/^Comprobante anterior \(sin validez\): +B001-00000012$/m);
    expect(text).toMatch(/^Nuevo comprobante: +B001-00000013$/m);
    // A document number never breaks at its hyphen on a phone: in the sentence and in the details table.
    for (const number of ['B001-00000012', 'B001-00000013']) {
      expect(html.split(`<span style="white-space:nowrap">${number}</span>`).length - 1, number).toBeGreaterThanOrEqual(2);
    }
  });

  it('keeps chosen words on one line and escapes the rest like any interpolation', () => {
    expect(String(keepTogether('a <b> F001-1 and F001-1.', ['F001-1', '']))).toBe(
      'a &lt;b&gt; <span style="white-space:nowrap">F001-1</span> and <span style="white-space:nowrap">F001-1</span>.',
    );
    expect(String(keepTogether('x+y (z)', ['x+y', '(z)']))).toBe('<span style="white-space:nowrap">x+y</span> <span style="white-space:nowrap">(z)</span>');
    expect(String(keepTogether('<i>', []))).toBe('&lt;i&gt;');
  });

  it('speaks English; a credit note is about the refund', async () => {
    const { html, text } = await renderer.render(
      sampleInvoiceReplaced('en', { document: 'credit_note', replacedNumber: 'BC01-00000003', replacementNumber: 'BC01-00000004', total: 5000, currency: 'USD', customerName: null }),
    );
    const seen = visibleText(html);
    expect(html).toContain('<html lang="en"');
    for (const fact of ['We replaced your tax document', 'SUNAT rejected the credit note BC01-00000003 we sent you for the refund of your payment to SmartPay', 'Your refund is unchanged', 'US$ 50.00', 'December 4, 2026']) {
      expect(seen).toContain(fact);
    }
    expect(text).toContain('Hi there,');
    expect(text).toMatch(/^Previous document \(void\): +BC01-00000003$/m);
    expect(seen).not.toContain('Reemplazamos');
  });
});

describe('refund, alert and summary', () => {
  it('refund says partial or full and how much of the order came back', async () => {
    const partial = await renderer.render(sampleRefund('es'));
    expect(visibleText(partial.html)).toContain('Devolución parcial');
    expect(partial.text).toMatch(/^Total devuelto: +S\/ 50\.00 de S\/ 118\.00$/m);
    const full = await renderer.render(sampleRefund('en', { amount: 6800, amountRefundedTotal: 11800 }));
    expect(full.subject).toBe('We refunded S/ 68.00');
    expect(visibleText(full.html)).toContain('Full refund');
    expect(visibleText(full.html)).toContain('S/ 118.00 of S/ 118.00');
  });

  it('alert has a severity band with readable colours and a dashboard button only when there is a URL', async () => {
    for (const { background, text } of Object.values(SEVERITY_COLORS)) expect(contrastRatio(background, text)).toBeGreaterThanOrEqual(4.5);
    const critical = await renderer.render(sampleAlert('es'));
    expect(critical.html).toContain(`background-color:${SEVERITY_COLORS.critical.background}`);
    expect(visibleText(critical.html)).toContain('Alerta crítica · SmartLite');
    expect(visibleText(critical.html)).toContain('Abrir el panel');
    const warning = await renderer.render(sampleAlert('en', { severity: 'warning', appName: null, dashboardUrl: null }));
    expect(warning.html).toContain(`background-color:${SEVERITY_COLORS.warning.background}`);
    expect(visibleText(warning.html)).toContain('Warning · Whole platform');
    expect(visibleText(warning.html)).not.toContain('Open the dashboard');
    expect(warning.text).toMatch(/^Attempts \(15 min\): +184$/m);
  });

  it('summary shows KPIs, the change against the previous period, gateways, declines in words and refunds', async () => {
    const { html, text } = await renderer.render(sampleSummary('es'));
    const seen = visibleText(html);
    for (const fact of ['1,284', '92.3%', '+2.3 pp', 'Periodo anterior: 90.0%', 'S/ 135,740.50', 'US$ 1,825.00', 'Mercado Pago', '850 de 912', 'Fondos insuficientes', '3 devoluciones por S/ 159.00']) {
      expect(seen).toContain(fact);
    }
    expect(text).toContain('Tasa de éxito:    92.3% (+2.3 pp vs. periodo anterior, 90.0%)');
    expect(text).toMatch(/^Fondos insuficientes +41$/m);
  });

  it('summary of an empty period says so instead of showing 0%', async () => {
    const { html } = await renderer.render(
      sampleSummary('en', { attempts: 0, succeeded: 0, successRate: null, processed: [], refunds: [], topDeclines: [], gateways: [], previous: null, dashboardUrl: null }),
    );
    const seen = visibleText(html);
    expect(seen).toContain('There were no payment attempts in this period.');
    expect(seen).toContain('No successful payments');
    expect(seen).toContain('No refunds in this period.');
    expect(seen).not.toContain('NaN');
    expect(seen).not.toContain('By gateway');
  });
});

describe('wording', () => {
  it('has a human reason for every decline and failure code in both languages', () => {
    for (const code of [...DECLINE_CODES, ...FAILURE_CODES]) {
      const es = reasonFor(code, textFor('es'));
      const en = reasonFor(code, textFor('en'));
      expect(es.length).toBeGreaterThan(5);
      expect(es).not.toContain(code);
      expect(es).not.toBe(en);
    }
    expect(reasonFor('insufficient_funds', textFor('es'))).toBe('Fondos insuficientes');
    expect(reasonFor('weird_code', textFor('es'))).toBe('Otro motivo (weird_code)');
    for (const locale of LOCALES) for (const reason of Object.values(textFor(locale).credits.renewalFailed.reasons)) expect(reason.length).toBeGreaterThan(5);
  });

  it('keeps the header text readable on any brand colour', async () => {
    expect(textColorOn('#0F766E')).toBe('#FFFFFF');
    expect(textColorOn('#FDE047')).toBe('#111827');
    const { html } = await renderer.render(sampleReceipt('es', { brand: { ...SAMPLE_BRAND, primaryColor: '#fde047' } }));
    expect(html).toMatch(/color:#111827;[^"]*"[^>]*>SmartPay</);
  });
});
