/**
 * The only way text reaches the MJML: the `mj` tagged template escapes every interpolated value unless it
 * is already `Markup` (built by `mj` itself). Names, descriptions, references and alert texts come from
 * merchants and their customers, so escaping is the default and there is no way to opt out by accident.
 */

export class Markup {
  /** Only `mj` builds markup; a plain string can never be mistaken for it. */
  private constructor(readonly source: string) {}

  static fromTemplate(source: string): Markup {
    return new Markup(source);
  }

  toString(): string {
    return this.source;
  }
}

export type Interpolation = Markup | string | number | false | null | undefined | readonly Interpolation[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

function interpolate(value: Interpolation): string {
  if (value instanceof Markup) return value.source;
  if (value === null || value === undefined || value === false) return '';
  if (typeof value === 'number') return escapeHtml(String(value));
  if (typeof value === 'string') return escapeHtml(value);
  return value.map(interpolate).join('');
}

/** `mj\`<mj-text>${userText}</mj-text>\``: strings are escaped, `Markup` and arrays of it are inserted as is. */
export function mj(strings: TemplateStringsArray, ...values: Interpolation[]): Markup {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += interpolate(value) + (strings[i + 1] ?? '');
  });
  return Markup.fromTemplate(out);
}

/**
 * Links in e-mails must be http(s) (or mailto for the support address, data:image for inline logos):
 * a `javascript:` URL from a misconfigured app would otherwise become a live link. Refusing loudly is better
 * than sending it.
 */
export function safeUrl(url: string, allow: { mailto?: boolean; dataImage?: boolean } = {}): string {
  if (allow.dataImage && /^data:image\/(png|gif|jpeg|webp);base64,[A-Za-z0-9+/=]+$/.test(url)) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError(`not a URL: ${url.slice(0, 80)}`);
  }
  const ok = parsed.protocol === 'https:' || parsed.protocol === 'http:' || (allow.mailto === true && parsed.protocol === 'mailto:');
  if (!ok) throw new RangeError(`URL scheme not allowed in e-mails: ${parsed.protocol}`);
  return url;
}

/** A brand colour goes into CSS attributes, so only `#RGB` / `#RRGGBB` are accepted (normalised to 6 digits). */
export function hexColor(color: string): string {
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(color);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`.toUpperCase();
  if (/^#[0-9a-f]{6}$/i.test(color)) return color.toUpperCase();
  throw new RangeError(`not a #RRGGBB colour: ${color.slice(0, 20)}`);
}

/** The colour mixed with white (`amount` 0..1 of white): a pale background in the brand's hue. */
export function tint(color: string, amount: number): string {
  const hex = hexColor(color);
  const mix = (i: number): string => {
    const c = parseInt(hex.slice(i, i + 2), 16);
    return Math.round(c + (255 - c) * amount).toString(16).padStart(2, '0');
  };
  return `#${mix(1)}${mix(3)}${mix(5)}`.toUpperCase();
}

/** WCAG relative luminance of a `#RRGGBB` colour. */
function luminance(hex: string): number {
  const channel = (i: number): number => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG contrast ratio between two `#RRGGBB` colours (1..21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** White text on the brand colour when that is readable (≥ 4.5:1), else near-black: any brand colour stays legible. */
export function textColorOn(background: string): string {
  return contrastRatio(background, '#FFFFFF') >= 4.5 ? '#FFFFFF' : '#111827';
}
