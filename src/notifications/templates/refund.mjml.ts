import type { RefundModel } from './email-models';
import { accentOnWhite, amountPanel, detailsTable, fineprint, heading, paragraph, section, subheading } from './email-blocks';
import { DEFAULT_TIME_ZONE, type EmailDraft, emailLayout, footerText, subjectLine } from './email-layout';
import { describePaymentMethod, textFor } from './email-text';
import { mj } from './mjml-markup';
import { formatDateTime, formatMoney } from './money-format';
import { fields, textDocument, wrap } from './plain-text';

/** "We refunded S/ 50.00": how much came back, of how much, to which method, and when to expect it. */
export function refundEmail(m: RefundModel): EmailDraft {
  const t = textFor(m.locale);
  const money = (amount: number): string => formatMoney(amount, m.currency);
  const amount = money(m.amount);
  const method = describePaymentMethod(m.paymentMethod, t);
  const refundedAt = formatDateTime(m.refundedAt, m.locale, m.timeZone ?? DEFAULT_TIME_ZONE);
  const full = m.amountRefundedTotal >= m.orderAmount;
  // Card refunds go back through the card network (days to weeks); wallets are usually faster.
  const timing = m.paymentMethod.type === 'card' ? t.refund.timingCard : t.refund.timingOther;
  const subject = subjectLine(t.refund.subject(amount));
  const details = [
    [t.refund.kind, full ? t.refund.full : t.refund.partial],
    [t.labels.paymentMethod, method],
    [t.labels.date, refundedAt],
    [t.labels.order, m.orderId],
    [t.labels.reference, m.reference],
    [t.labels.description, m.description],
    [t.refund.orderAmount, money(m.orderAmount)],
    [t.refund.totalLabel, t.refund.refundedTotal(money(m.amountRefundedTotal), money(m.orderAmount))],
  ] as const;

  const body = mj`${section(
    mj`${heading(t.refund.heading, accentOnWhite(m.brand.primaryColor))}
      ${paragraph(mj`${t.greeting(m.customerName)}<br />${t.refund.intro(m.brand.name)}`)}`,
    { padding: '24px 24px 4px 24px' },
  )}
  ${amountPanel(t.refund.amountLabel, amount, refundedAt, m.brand.primaryColor)}
  ${section(
    mj`${paragraph(timing, { size: '14px' })}
      ${subheading(t.labels.details)}
      ${detailsTable(details.filter(([label]) => label !== t.labels.date))}
      ${fineprint(mj`${t.labels.refundId}: ${m.refundId}`)}`,
    { padding: '8px 24px 20px 24px', last: true, cssClass: 'sp-body' },
  )}`;

  const text = textDocument([
    [t.refund.heading, '='.repeat(t.refund.heading.length)],
    [t.greeting(m.customerName), ...wrap(t.refund.intro(m.brand.name))],
    fields([[t.refund.amountLabel, amount], ...details]),
    wrap(timing),
    [`${t.labels.refundId}: ${m.refundId}`],
    footerText(m.locale, m.brand, t.refund.why(m.brand.name)),
  ]);

  return {
    subject,
    mjml: emailLayout({ locale: m.locale, brand: m.brand, title: subject, preview: t.refund.preview(amount, method), body, why: t.refund.why(m.brand.name) }),
    text,
  };
}
