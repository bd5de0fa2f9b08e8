import type { Brand, Locale } from './email-models';
import { MUTED, PAGE } from './email-blocks';
import { textFor } from './email-text';
import { hexColor, mj, type Markup, safeUrl, textColorOn } from './mjml-markup';
import { wrap } from './plain-text';

/**
 * The branded frame shared by every e-mail: header on the brand colour (logo, or the brand name as text),
 * the message's sections on a white card, and a footer saying who sent it, how to reach them and why the
 * reader got it. No image is needed to understand anything: the logo has the brand name as alt text.
 */

/** Customer-facing dates are shown in Lima time unless the model says otherwise. */
export const DEFAULT_TIME_ZONE = 'America/Lima';

/** What a template produces; the renderer compiles `mjml` to HTML. */
export interface EmailDraft {
  subject: string;
  mjml: Markup;
  text: string;
}

/** Subjects are one header line: names with line breaks or tabs must not fold or inject headers. */
export function subjectLine(subject: string): string {
  return subject.replace(/\s+/g, ' ').trim();
}

export interface LayoutInput {
  locale: Locale;
  brand: Brand;
  /** The subject, also the document title (screen readers announce it). */
  title: string;
  /** Preheader shown next to the subject in inbox lists. */
  preview: string;
  body: Markup;
  /** One line: why this reader receives this e-mail. */
  why: string;
}

/** System fonts only: web fonts would be fetched from the network and most clients block them anyway. */
const FONT_STACK = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

function header(brand: Brand): Markup {
  const background = hexColor(brand.primaryColor);
  const mark =
    brand.logoUrl === null
      ? mj`<mj-text font-size="20px" font-weight="700" line-height="1.2" color="${textColorOn(background)}" padding="0">${brand.name}</mj-text>`
      : mj`<mj-image src="${safeUrl(brand.logoUrl, { dataImage: true })}" alt="${brand.name}" width="140px" align="left" padding="0" />`;
  return mj`<mj-section background-color="${background}" padding="20px 24px" border-radius="8px 8px 0 0" css-class="sp-header"><mj-column>${mark}</mj-column></mj-section>`;
}

function footer(input: LayoutInput): Markup {
  const { brand } = input;
  const text = textFor(input.locale);
  const support =
    brand.supportEmail === null
      ? null
      : mj`<mj-text align="center" color="${MUTED}" font-size="13px" padding="0 0 8px 0">${text.supportPrefix} <a href="${safeUrl(`mailto:${brand.supportEmail}`, { mailto: true })}" style="color:${MUTED};text-decoration:underline;">${brand.supportEmail}</a>.</mj-text>`;
  const company = brand.footer === null ? null : mj`<mj-text align="center" color="${MUTED}" font-size="12px" padding="0 0 8px 0">${brand.footer}</mj-text>`;
  return mj`<mj-section padding="20px 24px 32px 24px" css-class="sp-footer"><mj-column>${support}${company}<mj-text align="center" color="${MUTED}" font-size="12px" padding="0">${input.why}</mj-text></mj-column></mj-section>`;
}

/** The whole MJML document for one message. */
export function emailLayout(input: LayoutInput): Markup {
  return mj`<mjml lang="${input.locale}">
  <mj-head>
    <mj-title>${input.title}</mj-title>
    <mj-preview>${input.preview}</mj-preview>
    <mj-attributes>
      <mj-all font-family="${FONT_STACK}" />
      <mj-text font-size="15px" line-height="1.55" color="#1F2937" padding="0 0 12px 0" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="${PAGE}" width="600px">
    <mj-section padding="24px 0 0 0"><mj-column><mj-spacer height="0px" /></mj-column></mj-section>
    ${header(input.brand)}
    ${input.body}
    ${footer(input)}
  </mj-body>
</mjml>`;
}

/** The plain-text counterpart of the footer: a signature separator, support address, company line, why. */
export function footerText(locale: Locale, brand: Brand, why: string): string[] {
  const text = textFor(locale);
  return [
    '-- ',
    ...(brand.supportEmail === null ? [] : wrap(`${text.supportPrefix} ${brand.supportEmail}.`)),
    ...(brand.footer === null ? [] : wrap(brand.footer)),
    ...wrap(why),
  ];
}
