import type { PaymentFailedModel } from './email-models';
import { amountPanel, button, callout, detailsTable, heading, INK, paragraph, section, subheading } from './email-blocks';
import { DEFAULT_TIME_ZONE, type EmailDraft, emailLayout, footerText, subjectLine } from './email-layout';
import { describePaymentMethod, type EmailText, reasonFor, textFor } from './email-text';
import { mj } from './mjml-markup';
import { formatDateTime, formatMoney } from './money-format';
import { fields, textDocument, wrap } from './plain-text';

/**
 * Card-network guidance: a customer is never told that their card was flagged as lost, stolen or
 * fraudulent (the e-mail may reach whoever is using the card); they get the issuer's generic decline.
 */
const MASKED_FOR_CUSTOMERS = new Set(['lost_card', 'stolen_card', 'fraudulent']);

/** Outcomes where the request certainly produced no charge; after a gateway error we cannot promise that. */
const CERTAINLY_NOT_CHARGED = new Set(['card_declined', 'invalid_source', 'authentication_failed', 'gateway_unavailable']);

/** Whether the customer can be told that nothing was charged (never after a gateway error: we do not know). */
export function certainlyNotCharged(failure: PaymentFailedModel['failure']): boolean {
  return CERTAINLY_NOT_CHARGED.has(failure.code);
}

export function customerReason(failure: PaymentFailedModel['failure'], text: EmailText): string {
  const code = failure.declineCode ?? failure.code;
  return reasonFor(MASKED_FOR_CUSTOMERS.has(code) ? 'generic_decline' : code, text);
}

/** "We couldn't process your payment": the reason in plain words and, when the app gave one, a way to retry. */
export function paymentFailedEmail(m: PaymentFailedModel): EmailDraft {
  const t = textFor(m.locale);
  const amount = formatMoney(m.amount, m.currency);
  const method = describePaymentMethod(m.paymentMethod, t);
  const attemptedAt = formatDateTime(m.attemptedAt, m.locale, m.timeZone ?? DEFAULT_TIME_ZONE);
  const reason = customerReason(m.failure, t);
  const noCharge = certainlyNotCharged(m.failure) ? t.failed.noCharge : null;
  const advice = m.retryUrl === null ? t.failed.noRetryAdvice(m.brand.name) : t.failed.retryAdvice;
  const subject = subjectLine(t.failed.subject(amount));
  const details = [
    [t.labels.paymentMethod, method],
    [t.labels.date, attemptedAt],
    [t.labels.order, m.orderId],
    [t.labels.reference, m.reference],
    [t.labels.description, m.description],
  ] as const;

  const body = mj`${section(
    mj`${heading(t.failed.heading, INK)}
      ${paragraph(mj`${t.greeting(m.customerName)}<br />${t.failed.intro(m.brand.name)}`)}`,
    { padding: '24px 24px 4px 24px' },
  )}
  ${amountPanel(t.failed.amountLabel, amount, attemptedAt, m.brand.primaryColor)}
  ${callout(
    mj`${paragraph(mj`<strong>${t.failed.reason}:</strong> ${reason}`, { cssClass: 'sp-reason' })}${noCharge === null ? null : paragraph(noCharge, { size: '14px' })}`,
    '#FEF2F2',
    '#B91C1C',
  )}
  ${section(
    mj`${paragraph(advice)}
      ${m.retryUrl === null ? null : button(m.retryUrl, t.failed.retryButton, m.brand.primaryColor)}
      ${subheading(t.labels.details)}
      ${detailsTable(details.filter(([label]) => label !== t.labels.date))}`,
    { padding: '12px 24px 20px 24px', last: true, cssClass: 'sp-body' },
  )}`;

  const text = textDocument([
    [t.failed.heading, '='.repeat(t.failed.heading.length)],
    [t.greeting(m.customerName), ...wrap(t.failed.intro(m.brand.name))],
    fields([[t.failed.amountLabel, amount], [t.failed.reason, reason]]),
    noCharge === null ? wrap(advice) : wrap(`${noCharge} ${advice}`),
    m.retryUrl === null ? null : [`${t.failed.retryButton}:`, m.retryUrl],
    fields(details),
    footerText(m.locale, m.brand, t.failed.why(m.brand.name)),
  ]);

  return {
    subject,
    mjml: emailLayout({ locale: m.locale, brand: m.brand, title: subject, preview: t.failed.preview(reason), body, why: t.failed.why(m.brand.name) }),
    text,
  };
}
