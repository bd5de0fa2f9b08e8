import type { CreditsRenewalFailedModel } from './email-models';
import { amountPanel, callout, detailsTable, heading, INK, paragraph, section } from './email-blocks';
import { DEFAULT_TIME_ZONE, type EmailDraft, emailLayout, footerText, subjectLine } from './email-layout';
import { describeCredits, describePaymentMethod, type EmailText, isPaymentReason, RENEWAL_CODES, type RenewalCode, textFor } from './email-text';
import { mj } from './mjml-markup';
import { formatCount, formatDateTime, formatMoney } from './money-format';
import { certainlyNotCharged, customerReason } from './payment-failed.mjml';
import { fields, textDocument, wrap } from './plain-text';

type Failure = NonNullable<CreditsRenewalFailedModel['failure']>;

function isRenewalCode(code: string): code is RenewalCode {
  return (RENEWAL_CODES as readonly string[]).includes(code);
}

/**
 * The last attempt's failure in the customer's words: a gateway's decline as the payment-failed notice puts it,
 * a refusal of SmartPay's own (the card was removed, the package withdrawn) in its own words. Any other
 * code is an internal one that would mean nothing to the customer, so no reason is given.
 */
function renewalReason(failure: Failure | null, t: EmailText): string | null {
  if (failure === null) return null;
  if ([failure.code, failure.declineCode].some((code) => code !== null && isPaymentReason(code))) return customerReason(failure, t);
  return isRenewalCode(failure.code) ? t.credits.renewalFailed.reasons[failure.code] : null;
}

/** Nothing reached a card: a decline the gateway answered, or a refusal before any charge was attempted. */
function notCharged(failure: Failure | null): boolean {
  return failure !== null && (certainlyNotCharged(failure) || isRenewalCode(failure.code));
}

/**
 * "We couldn't renew your package": what was tried and why it failed (in the words of the payment-failed
 * notice, masked the same way), that nothing more will be tried, and the balance left to work with.
 */
export function creditsRenewalFailedEmail(m: CreditsRenewalFailedModel): EmailDraft {
  const t = textFor(m.locale);
  const amount = formatMoney(m.amount, m.currency);
  const balance = describeCredits(m.balance, t);
  const failedAt = formatDateTime(m.failedAt, m.locale, m.timeZone ?? DEFAULT_TIME_ZONE);
  const reason = renewalReason(m.failure, t);
  const noCharge = notCharged(m.failure) ? t.failed.noCharge : null;
  const disabled = m.autoRenewalDisabled ? t.credits.renewalFailed.disabled : null;
  const notes = [noCharge, disabled].filter((note) => note !== null);
  const intro = t.credits.renewalFailed.intro(m.brand.name, m.packageName, t.credits.attempts(m.attempts, formatCount(m.attempts)));
  const subject = subjectLine(t.credits.renewalFailed.subject(m.packageName));
  const details = [
    [t.credits.labels.package, m.packageName],
    [t.labels.paymentMethod, m.card === null ? null : describePaymentMethod(m.card, t)],
    [t.credits.labels.attempts, formatCount(m.attempts)],
    [t.labels.date, failedAt],
    [t.labels.order, m.orderId],
  ] as const;

  const notice =
    reason === null && disabled === null
      ? null
      : callout(
          mj`${reason === null ? null : paragraph(mj`<strong>${t.failed.reason}:</strong> ${reason}`, { cssClass: 'sp-reason' })}
            ${noCharge === null ? null : paragraph(noCharge, { size: '14px' })}
            ${disabled === null ? null : paragraph(mj`<strong>${disabled}</strong>`, { size: '14px', cssClass: 'sp-disabled' })}`,
          '#FEF2F2',
          '#B91C1C',
        );

  const body = mj`${section(
    mj`${heading(t.credits.renewalFailed.heading, INK)}
      ${paragraph(mj`${t.greeting(m.customerName)}<br />${intro}`)}`,
    { padding: '24px 24px 4px 24px' },
  )}
  ${amountPanel(t.credits.renewalFailed.amountLabel, amount, failedAt, m.brand.primaryColor)}
  ${notice}
  ${section(
    mj`${paragraph(mj`<strong>${t.credits.renewalFailed.balance(balance)}</strong>`, { cssClass: 'sp-balance' })}
      ${paragraph(t.credits.renewalFailed.advice(m.brand.name))}
      ${detailsTable(details.filter(([label]) => label !== t.labels.date))}`,
    { padding: '12px 24px 20px 24px', last: true, cssClass: 'sp-body' },
  )}`;

  const text = textDocument([
    [t.credits.renewalFailed.heading, '='.repeat(t.credits.renewalFailed.heading.length)],
    [t.greeting(m.customerName), ...wrap(intro)],
    fields([[t.credits.renewalFailed.amountLabel, amount], [t.failed.reason, reason]]),
    notes.length === 0 ? null : wrap(notes.join(' ')),
    wrap(`${t.credits.renewalFailed.balance(balance)} ${t.credits.renewalFailed.advice(m.brand.name)}`),
    fields(details),
    footerText(m.locale, m.brand, t.credits.renewalFailed.why(m.brand.name)),
  ]);

  return {
    subject,
    mjml: emailLayout({ locale: m.locale, brand: m.brand, title: subject, preview: t.credits.renewalFailed.preview(balance, m.autoRenewalDisabled), body, why: t.credits.renewalFailed.why(m.brand.name) }),
    text,
  };
}
