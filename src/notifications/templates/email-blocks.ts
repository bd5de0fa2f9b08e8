import { contrastRatio, hexColor, mj, type Interpolation, type Markup, safeUrl, textColorOn, tint } from './mjml-markup';

/**
 * The building blocks every message is made of, so the e-mails look like one family. Colours are
 * chosen for WCAG AA contrast on white (ink 15:1, muted 7.6:1); styles are inline because many mail
 * clients drop <style> blocks.
 */

export const INK = '#1F2937';
export const MUTED = '#4B5563';
export const RULE = '#E5E7EB';
export const PAGE = '#F3F4F6';
export const PANEL = '#F9FAFB';

/** The brand colour where it is readable as text on white, else ink (a pale brand colour must not hide a heading). */
export function accentOnWhite(primaryColor: string): string {
  const color = hexColor(primaryColor);
  return contrastRatio(color, '#FFFFFF') >= 4.5 ? color : INK;
}

/** One white card section; `cssClass` lets tests and e2e checks find it. */
export function section(content: Markup, options: { padding?: string; background?: string; cssClass?: string; last?: boolean } = {}): Markup {
  const radius = options.last ? '0 0 8px 8px' : '0';
  return mj`<mj-section background-color="${options.background ?? '#FFFFFF'}" padding="${options.padding ?? '8px 24px'}" border-radius="${radius}" css-class="${options.cssClass ?? ''}"><mj-column>${content}</mj-column></mj-section>`;
}

export function heading(text: string, color: string = INK): Markup {
  return mj`<mj-text font-size="22px" font-weight="700" line-height="1.3" color="${color}" padding="8px 0 8px 0">${text}</mj-text>`;
}

export function paragraph(text: Interpolation, options: { color?: string; size?: string; cssClass?: string } = {}): Markup {
  return mj`<mj-text color="${options.color ?? INK}" font-size="${options.size ?? '15px'}" css-class="${options.cssClass ?? ''}">${text}</mj-text>`;
}

/** Small grey print: identifiers and notes nobody needs to read first. */
export function fineprint(text: Interpolation): Markup {
  return mj`<mj-text color="${MUTED}" font-size="12px" line-height="1.5">${text}</mj-text>`;
}

/**
 * The figure the e-mail is about, in a box tinted with the brand colour: a small label, the amount (never
 * wrapped between symbol and digits) and a caption (the date). Its own section, so the box can be rounded.
 */
export function amountPanel(label: string, amount: string, caption: string | null, primaryColor: string): Markup {
  return mj`<mj-section background-color="#FFFFFF" padding="4px 24px 12px 24px"><mj-column background-color="${tint(primaryColor, 0.92)}" border-radius="8px" padding="16px 20px 4px 20px">
    <mj-text color="${MUTED}" font-size="12px" font-weight="600" letter-spacing="0.6px" text-transform="uppercase" padding="0 0 2px 0">${label}</mj-text>
    <mj-text font-size="34px" font-weight="700" line-height="1.2" letter-spacing="-0.5px" padding="0 0 4px 0" css-class="sp-amount"><span style="white-space:nowrap">${amount}</span></mj-text>
    ${caption === null ? null : mj`<mj-text color="${MUTED}" font-size="14px" padding="0 0 12px 0">${caption}</mj-text>`}
  </mj-column></mj-section>`;
}

export function divider(): Markup {
  return mj`<mj-divider border-color="${RULE}" border-width="1px" padding="8px 0 8px 0" />`;
}

const ROW_LABEL = `padding:9px 12px 9px 0;border-bottom:1px solid ${RULE};color:${MUTED};font-weight:400;text-align:left;vertical-align:top;width:40%;`;
const ROW_VALUE = `padding:9px 0;border-bottom:1px solid ${RULE};text-align:right;vertical-align:top;overflow-wrap:anywhere;word-break:break-word;`;

/** Label / value rows (order, reference, method…); rows whose value is null are left out. */
/**
 * `text` with each of `words` kept on one line (document numbers such as B001-00000012 would otherwise break
 * at their hyphen on a phone); everything else wraps as usual and is escaped like any interpolation.
 */
export function keepTogether(text: string, words: readonly string[]): Markup {
  const wanted = words.filter((w) => w.length > 0);
  if (wanted.length === 0) return mj`${text}`;
  const pattern = new RegExp(`(${wanted.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`);
  const parts = text.split(pattern).map((part, i) => (i % 2 === 1 ? mj`<span style="white-space:nowrap">${part}</span>` : part));
  return mj`${parts}`;
}

export function detailsTable(rows: readonly (readonly [string, Interpolation])[]): Markup {
  const present = rows.filter(([, value]) => value !== null && value !== undefined && value !== '');
  return mj`<mj-table padding="0 0 16px 0" font-size="14px" line-height="1.45" color="${INK}" css-class="sp-details">${present.map(
    ([label, value]) => mj`<tr><th scope="row" style="${ROW_LABEL}">${label}</th><td style="${ROW_VALUE}">${value}</td></tr>`,
  )}</mj-table>`;
}

export type Align = 'left' | 'center' | 'right';
export interface DataTable {
  /** `width` (e.g. `64px`) keeps number columns tight so the first column gets the room. */
  columns: readonly { title: string; align: Align; width?: string }[];
  rows: readonly (readonly Interpolation[])[];
  footer?: readonly Interpolation[];
}

const CELL = `padding:9px 0 9px 8px;border-bottom:1px solid ${RULE};vertical-align:top;`;

/** A small data table with a header row (2–3 columns, so it still fits a phone); the first column wraps, the others don't. */
export function dataTable(table: DataTable): Markup {
  const cell = (i: number, content: Interpolation, tag: 'td' | 'th', extra = ''): Markup => {
    const align = table.columns[i]?.align ?? 'left';
    const width = table.columns[i]?.width;
    const wrapping = i === 0 ? 'padding-left:0;overflow-wrap:anywhere;word-break:break-word;' : 'white-space:nowrap;';
    return tag === 'th'
      ? mj`<th scope="col" style="${CELL}${wrapping}${width === undefined ? '' : `width:${width};`}text-align:${align};color:${MUTED};font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:0.4px;">${content}</th>`
      : mj`<td style="${CELL}${wrapping}text-align:${align};${extra}">${content}</td>`;
  };
  const head = mj`<tr>${table.columns.map((c, i) => cell(i, c.title, 'th'))}</tr>`;
  const body = table.rows.map((row) => mj`<tr>${row.map((content, i) => cell(i, content, 'td'))}</tr>`);
  const foot = table.footer ? mj`<tr>${table.footer.map((content, i) => cell(i, content, 'td', 'font-weight:700;border-bottom:0;'))}</tr>` : null;
  return mj`<mj-table padding="0 0 16px 0" font-size="14px" line-height="1.45" color="${INK}" css-class="sp-table">${head}${body}${foot}</mj-table>`;
}

/** A call to action in the brand colour; only http(s) links are accepted. */
export function button(href: string, label: string, primaryColor: string): Markup {
  const background = hexColor(primaryColor);
  return mj`<mj-button href="${safeUrl(href)}" background-color="${background}" color="${textColorOn(background)}" font-size="15px" font-weight="600" border-radius="6px" inner-padding="12px 24px" padding="8px 0 16px 0" align="left">${label}</mj-button>`;
}

/** A tinted box for the one thing the reader must notice (the decline reason). */
export function callout(content: Markup, background: string, border: string): Markup {
  return mj`<mj-section padding="0 24px 8px 24px" background-color="#FFFFFF"><mj-column background-color="${background}" border-left="4px solid ${border}" padding="12px 16px 4px 16px">${content}</mj-column></mj-section>`;
}

export function subheading(text: string): Markup {
  return mj`<mj-text font-size="16px" font-weight="700" line-height="1.4" padding="8px 0 8px 0">${text}</mj-text>`;
}

/** User text with line breaks (alert details) keeps them, each line escaped on its own. */
export function lines(text: string): Markup {
  return mj`${text.split(/\r?\n/).map((line, i) => (i === 0 ? mj`${line}` : mj`<br />${line}`))}`;
}
