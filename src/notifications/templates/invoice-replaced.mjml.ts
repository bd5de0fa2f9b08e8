import type { InvoiceReplacedModel } from './email-models';
import { accentOnWhite, amountPanel, detailsTable, heading, keepTogether, paragraph, section, subheading } from './email-blocks';
import { DEFAULT_TIME_ZONE, type EmailDraft, emailLayout, footerText, subjectLine } from './email-layout';
import { textFor } from './email-text';
import { invoiceReplacedText } from './invoice-replaced-text';
import { mj } from './mjml-markup';
import { formatDate, formatMoney } from './money-format';
import { fields, textDocument, wrap } from './plain-text';

/** "B001-00000001 was replaced by B001-00000002": which document is void, which one is attached, and that nothing else changes. */
export function invoiceReplacedEmail(m: InvoiceReplacedModel): EmailDraft {
  const base = textFor(m.locale);
  const t = invoiceReplacedText(m.locale);
  const total = formatMoney(m.total, m.currency);
  const issued = formatDate(m.issuedAt, m.locale, m.timeZone ?? DEFAULT_TIME_ZONE);
  const subject = subjectLine(t.subject(m.document, m.replacedNumber, m.replacementNumber, m.brand.name));
  const intro = t.intro(m.document, m.replacedNumber, m.replacementNumber, m.brand.name);
  const details = [
    [t.labels.replaced, m.replacedNumber],
    [t.labels.replacement, m.replacementNumber],
    [t.labels.issued, issued],
    [base.labels.total, total],
    [base.labels.order, m.orderId],
    [base.labels.reference, m.reference],
  ] as const;

  const body = mj`${section(
    mj`${heading(t.heading, accentOnWhite(m.brand.primaryColor))}
      ${paragraph(mj`${base.greeting(m.customerName)}<br />${keepTogether(intro, [m.replacedNumber, m.replacementNumber])}`)}`,
    { padding: '24px 24px 4px 24px' },
  )}
  ${amountPanel(t.labels.replacement, m.replacementNumber, `${total} · ${issued}`, m.brand.primaryColor)}
  ${section(
    mj`${paragraph(t.nothingToDo(m.document), { size: '14px', cssClass: 'sp-next' })}
      ${subheading(t.labels.details)}
      ${detailsTable(details.map(([label, value]) => [label, value === m.replacedNumber || value === m.replacementNumber ? keepTogether(value, [value]) : value] as const))}`,
    { padding: '8px 24px 20px 24px', last: true, cssClass: 'sp-body' },
  )}`;

  const text = textDocument([
    [t.heading, '='.repeat(t.heading.length)],
    [base.greeting(m.customerName), ...wrap(intro)],
    fields(details),
    wrap(t.nothingToDo(m.document)),
    footerText(m.locale, m.brand, t.why(m.brand.name)),
  ]);

  return {
    subject,
    mjml: emailLayout({ locale: m.locale, brand: m.brand, title: subject, preview: t.preview(m.document, m.replacedNumber, m.replacementNumber), body, why: t.why(m.brand.name) }),
    text,
  };
}
