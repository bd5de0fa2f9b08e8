import type { ReceiptModel } from './email-models';
import { accentOnWhite, amountPanel, dataTable, detailsTable, fineprint, heading, MUTED, paragraph, section, subheading } from './email-blocks';
import { DEFAULT_TIME_ZONE, type EmailDraft, emailLayout, footerText, subjectLine } from './email-layout';
import { describePaymentMethod, textFor } from './email-text';
import { mj } from './mjml-markup';
import { formatCount, formatDateTime, formatMoney } from './money-format';
import { amountRow, fields, textDocument, wrap } from './plain-text';

/** Minor units of one line; quantity × unit price must stay an exact integer. */
function lineTotal(item: ReceiptModel['items'][number]): number {
  const total = item.quantity * item.unitAmount;
  if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0 || !Number.isSafeInteger(total)) {
    throw new RangeError(`invalid receipt line: ${item.quantity} × ${item.unitAmount}`);
  }
  return total;
}

/** "Payment received": the receipt a customer keeps as proof of payment. */
export function receiptEmail(m: ReceiptModel): EmailDraft {
  const t = textFor(m.locale);
  const money = (amount: number): string => formatMoney(amount, m.currency);
  const amount = money(m.amount);
  const method = describePaymentMethod(m.paymentMethod, t);
  const paidAt = formatDateTime(m.paidAt, m.locale, m.timeZone ?? DEFAULT_TIME_ZONE);
  const subject = subjectLine(t.receipt.subject(amount, m.brand.name));
  const lines = m.items.map((item) => ({
    description: item.description,
    quantity: formatCount(item.quantity),
    unit: item.quantity > 1 ? `${formatCount(item.quantity)} × ${money(item.unitAmount)}` : null,
    total: money(lineTotal(item)),
  }));
  const invoice = m.invoice === null ? null : t.receipt.invoice(m.invoice.fullNumber, m.invoice.attached);
  const details = [
    [t.labels.paymentMethod, method],
    [t.labels.date, paidAt],
    [t.labels.order, m.orderId],
    [t.labels.reference, m.reference],
    // With line items the description would repeat them; without, it is what was bought.
    [t.labels.description, lines.length === 0 ? m.description : null],
  ] as const;

  const itemsTable =
    lines.length === 0
      ? null
      : dataTable({
          columns: [
            { title: t.labels.description, align: 'left' },
            { title: t.labels.quantity, align: 'center', width: '56px' },
            { title: t.labels.amount, align: 'right', width: '110px' },
          ],
          rows: lines.map((line) => [
            mj`${line.description}${line.unit === null ? null : mj`<br /><span style="color:${MUTED};font-size:12px;">${line.unit}</span>`}`,
            line.quantity,
            line.total,
          ]),
          footer: [t.labels.total, '', amount],
        });

  const body = mj`${section(
    mj`${heading(t.receipt.heading, accentOnWhite(m.brand.primaryColor))}
      ${paragraph(mj`${t.greeting(m.customerName)}<br />${t.receipt.intro(m.brand.name)}`)}`,
    { padding: '24px 24px 4px 24px' },
  )}
  ${amountPanel(t.receipt.amountLabel, amount, paidAt, m.brand.primaryColor)}
  ${section(
    mj`${itemsTable === null ? null : mj`${subheading(t.receipt.itemsHeading)}${itemsTable}`}
      ${subheading(t.labels.details)}
      ${detailsTable(details.filter(([label]) => label !== t.labels.date))}
      ${invoice === null ? null : paragraph(mj`<strong>${invoice}</strong>`, { size: '14px' })}
      ${fineprint(mj`${t.labels.chargeId}: ${m.chargeId}<br />${t.receipt.keep}`)}`,
    { padding: '8px 24px 20px 24px', last: true, cssClass: 'sp-body' },
  )}`;

  const text = textDocument([
    [t.receipt.heading, '='.repeat(t.receipt.heading.length)],
    [t.greeting(m.customerName), ...wrap(t.receipt.intro(m.brand.name))],
    fields([
      [t.labels.total, amount],
      ...details,
    ]),
    lines.length === 0
      ? null
      : [
          ...lines.flatMap((line) => amountRow(line.unit === null ? line.description : `${line.description} (${line.unit})`, line.total)),
          ...amountRow(`${t.labels.total}:`, amount),
        ],
    invoice === null ? null : wrap(invoice),
    [`${t.labels.chargeId}: ${m.chargeId}`, ...wrap(t.receipt.keep)],
    footerText(m.locale, m.brand, t.receipt.why(m.brand.name)),
  ]);

  return {
    subject,
    mjml: emailLayout({ locale: m.locale, brand: m.brand, title: subject, preview: t.receipt.preview(amount, method, paidAt), body, why: t.receipt.why(m.brand.name) }),
    text,
  };
}
