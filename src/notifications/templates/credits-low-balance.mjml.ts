import type { CreditsLowBalanceModel, Locale } from './email-models';
import { accentOnWhite, amountPanel, button, detailsTable, paragraph, heading, section } from './email-blocks';
import { DEFAULT_TIME_ZONE, type EmailDraft, emailLayout, footerText, subjectLine } from './email-layout';
import { describeCredits, describePaymentMethod, textFor } from './email-text';
import { mj } from './mjml-markup';
import { formatCount, formatDate } from './money-format';
import { fields, textDocument, wrap } from './plain-text';

/**
 * The day the first credits run out and how many go that day. Counted per shown day, not per instant:
 * lots bought together (purchased + bonus) expire together, and two lots ending on one date are one fact
 * to the reader.
 */
export function nextExpiry(lots: CreditsLowBalanceModel['lots'], locale: Locale, timeZone: string): { date: string; credits: number } | null {
  const expiring = lots.filter((lot): lot is { remaining: number; expiresAt: Date } => lot.remaining > 0 && lot.expiresAt !== null);
  if (expiring.length === 0) return null;
  const soonest = expiring.reduce((a, b) => (b.expiresAt.getTime() < a.expiresAt.getTime() ? b : a));
  const date = formatDate(soonest.expiresAt, locale, timeZone);
  const credits = expiring.filter((lot) => formatDate(lot.expiresAt, locale, timeZone) === date).reduce((sum, lot) => sum + lot.remaining, 0);
  return { date, credits };
}

/** "You have 40 credits left": the balance, when the first credits expire, and what happens next (a renewal or a purchase). */
export function creditsLowBalanceEmail(m: CreditsLowBalanceModel): EmailDraft {
  const t = textFor(m.locale);
  const balance = describeCredits(m.balance, t);
  const threshold = describeCredits(m.threshold, t);
  const expiry = nextExpiry(m.lots, m.locale, m.timeZone ?? DEFAULT_TIME_ZONE);
  const subject = subjectLine(t.credits.lowBalance.subject(m.balance, formatCount(m.balance)));
  const renewal = m.autoRenewal;
  const card = renewal?.card ? describePaymentMethod(renewal.card, t) : null;
  // Auto-renewal buys when the balance falls below its own threshold, which may be lower than the alert's.
  const next =
    renewal === null
      ? m.purchaseUrl === null
        ? t.credits.lowBalance.buyAdviceAt(m.brand.name)
        : t.credits.lowBalance.buyAdvice
      : m.balance < renewal.threshold
        ? t.credits.lowBalance.renewsNow(renewal.packageName, card)
        : t.credits.lowBalance.renewsBelow(renewal.packageName, card, describeCredits(renewal.threshold, t));
  // A customer whose renewal is on has nothing to buy: a button would only invite a second package.
  const purchaseUrl = renewal === null ? m.purchaseUrl : null;
  const details = [
    [t.credits.labels.threshold, threshold],
    [t.credits.labels.nextExpiry, expiry === null ? null : t.credits.expiring(describeCredits(expiry.credits, t), expiry.date)],
  ] as const;

  const body = mj`${section(
    mj`${heading(t.credits.lowBalance.heading, accentOnWhite(m.brand.primaryColor))}
      ${paragraph(mj`${t.greeting(m.customerName)}<br />${t.credits.lowBalance.intro(m.brand.name, threshold)}`)}`,
    { padding: '24px 24px 4px 24px' },
  )}
  ${amountPanel(t.credits.labels.balance, balance, null, m.brand.primaryColor)}
  ${section(
    mj`${paragraph(next, { cssClass: 'sp-next' })}
      ${purchaseUrl === null ? null : button(purchaseUrl, t.credits.lowBalance.buyButton, m.brand.primaryColor)}
      ${detailsTable(details)}`,
    { padding: '8px 24px 20px 24px', last: true, cssClass: 'sp-body' },
  )}`;

  const text = textDocument([
    [t.credits.lowBalance.heading, '='.repeat(t.credits.lowBalance.heading.length)],
    [t.greeting(m.customerName), ...wrap(t.credits.lowBalance.intro(m.brand.name, threshold))],
    fields([[t.credits.labels.balance, balance], ...details]),
    wrap(next),
    purchaseUrl === null ? null : [`${t.credits.lowBalance.buyButton}:`, purchaseUrl],
    footerText(m.locale, m.brand, t.credits.lowBalance.why(m.brand.name)),
  ]);

  return {
    subject,
    mjml: emailLayout({ locale: m.locale, brand: m.brand, title: subject, preview: t.credits.lowBalance.preview(threshold), body, why: t.credits.lowBalance.why(m.brand.name) }),
    text,
  };
}
