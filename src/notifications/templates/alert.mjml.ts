import type { AlertModel } from './email-models';
import { button, detailsTable, heading, lines, paragraph, section } from './email-blocks';
import { DEFAULT_TIME_ZONE, type EmailDraft, emailLayout, footerText, subjectLine } from './email-layout';
import { textFor } from './email-text';
import { mj } from './mjml-markup';
import { formatDateTime } from './money-format';
import { fields, textDocument, wrap } from './plain-text';

/**
 * Severity band colours, chosen for contrast with their text (WCAG AA ≥ 4.5:1): white on red 6.5:1,
 * near-black on amber 8.9:1. The band also says the severity in words, so colour is never the only cue.
 */
export const SEVERITY_COLORS = {
  critical: { background: '#B91C1C', text: '#FFFFFF' },
  warning: { background: '#F59E0B', text: '#111827' },
} as const;

/** First line of the detail, short enough for an inbox preview. */
function previewOf(detail: string): string {
  const first = detail.split(/\r?\n/)[0] ?? '';
  return first.length > 110 ? `${first.slice(0, 107)}…` : first;
}

/** An operational alert for the merchant's contacts: what, since when, the numbers behind it, where to look. */
export function alertEmail(m: AlertModel): EmailDraft {
  const t = textFor(m.locale);
  const scope = m.appName ?? t.alert.wholeDeployment;
  const openedAt = formatDateTime(m.openedAt, m.locale, m.timeZone ?? DEFAULT_TIME_ZONE);
  const colors = SEVERITY_COLORS[m.severity];
  const band = t.alert.band(m.severity, scope);
  const subject = subjectLine(t.alert.subject(m.title));
  const details: (readonly [string, string])[] = [
    [t.alert.app, scope],
    [t.alert.rule, m.rule],
    [t.alert.openedAt, openedAt],
    ...m.facts.map((fact) => [fact.label, fact.value] as const),
  ];

  const body = mj`<mj-section background-color="${colors.background}" padding="10px 24px" css-class="sp-severity"><mj-column>
      <mj-text color="${colors.text}" font-size="13px" font-weight="700" letter-spacing="0.6px" text-transform="uppercase" padding="0">${band}</mj-text>
    </mj-column></mj-section>
  ${section(
    mj`${heading(m.title)}
      ${paragraph(lines(m.detail))}
      ${detailsTable(details)}
      ${m.dashboardUrl === null ? null : button(m.dashboardUrl, t.dashboardButton, m.brand.primaryColor)}`,
    { padding: '20px 24px 16px 24px', last: true, cssClass: 'sp-body' },
  )}`;

  const text = textDocument([
    [band],
    [m.title, '='.repeat(Math.min(m.title.length, 76))],
    wrap(m.detail),
    fields(details),
    m.dashboardUrl === null ? null : [`${t.dashboardButton}:`, m.dashboardUrl],
    footerText(m.locale, m.brand, t.alert.why(m.brand.name, m.appName)),
  ]);

  return {
    subject,
    mjml: emailLayout({ locale: m.locale, brand: m.brand, title: subject, preview: previewOf(m.detail), body, why: t.alert.why(m.brand.name, m.appName) }),
    text,
  };
}
