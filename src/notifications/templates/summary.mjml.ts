import type { Currency, SummaryModel } from './email-models';
import { button, dataTable, heading, MUTED, PANEL, paragraph, section, subheading } from './email-blocks';
import { type EmailDraft, emailLayout, footerText, subjectLine } from './email-layout';
import { type EmailText, reasonFor, textFor } from './email-text';
import { type Interpolation, mj, type Markup } from './mjml-markup';
import { formatCount, formatDate, formatMoney, formatPercent, formatPointsDelta, formatShortDate, formatShortDateRange, timeZoneLabel } from './money-format';
import { amountRow, fields, heading as textHeading, textDocument, wrap } from './plain-text';

/** Gateways as the code names them → as merchants know them. */
const GATEWAY_NAMES: Record<string, string> = { culqi: 'Culqi', mercadopago: 'Mercado Pago', mercado_pago: 'Mercado Pago' };

/** Better is green, worse is red (both ≥ 5:1 on the panel); the sign says the same for those who can't see colour. */
const UP = '#047857';
const DOWN = '#B91C1C';

type Amounts = readonly { currency: Currency; amount: number; count?: number }[];

function gatewayName(gateway: string): string {
  return GATEWAY_NAMES[gateway.toLowerCase()] ?? gateway;
}

function amountsText(amounts: Amounts): string[] {
  return amounts.map((a) => formatMoney(a.amount, a.currency));
}

/** An amount never breaks between the currency symbol and its digits. */
function nowrap(text: string): Markup {
  return mj`<span style="white-space:nowrap">${text}</span>`;
}

/** One KPI tile; tiles sit side by side on a desktop and stack on a phone. */
function kpi(label: string, value: Interpolation, notes: readonly (Markup | null)[]): Markup {
  const shown = notes.filter((n): n is Markup => n !== null);
  return mj`<mj-column padding="4px" inner-background-color="${PANEL}" inner-border-radius="8px" css-class="sp-kpi">
    <mj-text color="${MUTED}" font-size="12px" font-weight="600" letter-spacing="0.5px" text-transform="uppercase" padding="14px 14px 4px 14px">${label}</mj-text>
    <mj-text font-size="22px" font-weight="700" line-height="1.25" padding="0 14px 6px 14px">${value}</mj-text>
    <mj-text color="${MUTED}" font-size="13px" line-height="1.45" padding="0 14px 14px 14px">${shown.map((n, i) => (i === 0 ? n : mj`<br />${n}`))}</mj-text>
  </mj-column>`;
}

/** The numbers both the HTML and the text part show, computed once. */
function figures(m: SummaryModel, t: EmailText) {
  const prev = m.previous;
  const delta = prev !== null && prev.successRate !== null && m.successRate !== null ? formatPointsDelta(m.successRate, prev.successRate) : null;
  return {
    attempts: formatCount(m.attempts),
    succeeded: t.summary.succeeded(formatCount(m.succeeded)),
    rate: formatPercent(m.successRate),
    delta,
    deltaColor: delta === null || delta.startsWith('0.0') ? MUTED : delta.startsWith('+') ? UP : DOWN,
    previousAttempts: prev === null ? null : `${t.summary.previousPeriod}: ${formatCount(prev.attempts)}`,
    previousRate: prev === null || prev.successRate === null ? null : `${t.summary.previousPeriod}: ${formatPercent(prev.successRate)}`,
    previousProcessed: prev === null || prev.processed.length === 0 ? null : amountsText(prev.processed),
    processed: m.processed.map((p) => ({ amount: formatMoney(p.amount, p.currency), payments: t.summary.payments(p.count, formatCount(p.count)) })),
    gateways: m.gateways.map((g) => ({
      name: gatewayName(g.gateway),
      conversion: formatPercent(g.conversion),
      ofAttempts: t.summary.succeededOfAttempts(formatCount(g.succeeded), formatCount(g.attempts)),
      amounts: amountsText(g.amounts),
    })),
    declines: m.topDeclines.map((d) => ({ reason: reasonFor(d.code, t), count: formatCount(d.count) })),
    refunds: m.refunds.map((r) => t.summary.refundsLine(r.count, formatCount(r.count), formatMoney(r.amount, r.currency))),
  };
}

/** Daily or weekly numbers for one app: attempts, success rate against the previous period, money, gateways, declines. */
export function summaryEmail(m: SummaryModel): EmailDraft {
  const t = textFor(m.locale);
  const f = figures(m, t);
  const days = m.period === 'daily' ? formatDate(m.from, m.locale, m.timeZone) : formatShortDateRange(m.from, m.to, m.locale, m.timeZone);
  const when = `${days} ${timeZoneLabel(m.timeZone, m.locale)}`;
  const subjectDates = m.period === 'daily' ? formatShortDate(m.from, m.locale, m.timeZone) : formatShortDateRange(m.from, m.to, m.locale, m.timeZone);
  const subject = subjectLine(t.summary.subject(m.period, m.appName, subjectDates));
  const title = t.summary.heading(m.period, m.appName);

  // Two tiles of counts side by side, then money full width: amounts are too long for a third of 600px.
  const kpis = mj`<mj-section background-color="#FFFFFF" padding="4px 20px 0 20px">
    ${kpi(t.summary.attempts, f.attempts, [mj`${f.succeeded}`, f.previousAttempts === null ? null : mj`${f.previousAttempts}`])}
    ${kpi(t.summary.successRate, f.rate, [
      f.delta === null ? null : mj`<span style="color:${f.deltaColor};font-weight:600;">${f.delta}</span> ${t.summary.vsPrevious}`,
      f.previousRate === null ? null : mj`${f.previousRate}`,
    ])}
  </mj-section>
  <mj-section background-color="#FFFFFF" padding="0 20px 8px 20px">
    ${kpi(
      t.summary.processed,
      f.processed.length === 0
        ? t.summary.nothingProcessed
        : f.processed.map((p, i) => mj`${i === 0 ? null : mj`<br />`}${nowrap(p.amount)} <span style="color:${MUTED};font-size:13px;font-weight:400;">${p.payments}</span>`),
      [f.previousProcessed === null ? null : mj`${t.summary.previousPeriod}: ${f.previousProcessed.map((a, i) => mj`${i === 0 ? null : ', '}${nowrap(a)}`)}`],
    )}
  </mj-section>`;

  const gateways =
    f.gateways.length === 0
      ? null
      : mj`${subheading(t.summary.gateways)}${dataTable({
          columns: [
            { title: t.summary.gateway, align: 'left' },
            { title: t.summary.conversion, align: 'right' },
            { title: t.labels.amount, align: 'right', width: '120px' },
          ],
          rows: f.gateways.map((g) => [g.name, mj`${g.conversion}<br /><span style="color:${MUTED};font-size:12px;">${g.ofAttempts}</span>`, g.amounts.length === 0 ? '—' : g.amounts.map((a, i) => mj`${i === 0 ? null : mj`<br />`}${a}`)]),
        })}`;
  const declines =
    f.declines.length === 0
      ? null
      : mj`${subheading(t.summary.declines)}${dataTable({
          columns: [
            { title: t.summary.reason, align: 'left' },
            { title: t.summary.count, align: 'right', width: '90px' },
          ],
          rows: f.declines.map((d) => [d.reason, d.count]),
        })}`;

  const body = mj`${section(mj`${heading(title)}${paragraph(when, { color: MUTED, size: '14px' })}${m.attempts === 0 ? paragraph(t.summary.noActivity) : null}`, { padding: '24px 24px 4px 24px' })}
  ${kpis}
  ${section(
    mj`${gateways}${declines}
      ${subheading(t.summary.refunds)}
      ${paragraph(f.refunds.length === 0 ? t.summary.noRefunds : f.refunds.map((r, i) => mj`${i === 0 ? null : mj`<br />`}${r}`), { size: '14px' })}
      ${m.dashboardUrl === null ? null : button(m.dashboardUrl, t.dashboardButton, m.brand.primaryColor)}`,
    { padding: '12px 24px 20px 24px', last: true, cssClass: 'sp-body' },
  )}`;

  const text = textDocument([
    [title, '='.repeat(Math.min(title.length, 76)), when],
    m.attempts === 0 ? wrap(t.summary.noActivity) : null,
    fields([
      [t.summary.attempts, [f.attempts, f.succeeded, f.previousAttempts].filter((x) => x !== null).join(' · ')],
      [t.summary.successRate, f.delta === null ? f.rate : `${f.rate} (${f.delta} ${t.summary.vsPrevious}, ${formatPercent(m.previous?.successRate ?? null)})`],
      [t.summary.processed, f.processed.length === 0 ? t.summary.nothingProcessed : f.processed.map((p) => `${p.amount} (${p.payments})`).join('\n')],
      [t.summary.previousPeriod, f.previousProcessed === null ? null : f.previousProcessed.join(', ')],
    ]),
    f.gateways.length === 0 ? null : [...textHeading(t.summary.gateways), ...fields(f.gateways.map((g) => [g.name, [`${g.conversion} (${g.ofAttempts})`, ...g.amounts].join(' · ')] as const))],
    f.declines.length === 0 ? null : [...textHeading(t.summary.declines), ...f.declines.flatMap((d) => amountRow(d.reason, d.count))],
    [...textHeading(t.summary.refunds), ...(f.refunds.length === 0 ? [t.summary.noRefunds] : f.refunds)],
    m.dashboardUrl === null ? null : [`${t.dashboardButton}:`, m.dashboardUrl],
    footerText(m.locale, m.brand, t.summary.why(m.brand.name, m.appName)),
  ]);

  return {
    subject,
    mjml: emailLayout({ locale: m.locale, brand: m.brand, title: subject, preview: t.summary.preview(f.attempts, f.rate), body, why: t.summary.why(m.brand.name, m.appName) }),
    text,
  };
}
