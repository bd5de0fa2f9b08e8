import type { Currency, Locale } from './email-models';

/**
 * Number and date formatting for e-mails. Money is done by hand on BigInt, not with Intl: the format is
 * fixed (`S/ 1,234.50`, the way Peruvian receipts write it in both languages) and must never go through a
 * float, so a céntimo can never be lost to rounding.
 */

const SYMBOL: Record<Currency, string> = { PEN: 'S/', USD: 'US$' };

/** Groups an unsigned digit string in thousands with commas: `1234567` → `1,234,567`. */
function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `S/ 118.00`, `US$ 0.05`, `-S/ 5.00`. Throws on anything but a safe integer number of minor units. */
export function formatMoney(amount: number, currency: Currency): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`not an amount in minor units: ${amount}`);
  const symbol = SYMBOL[currency];
  if (symbol === undefined) throw new RangeError(`unsupported currency: ${String(currency)}`);
  const minor = BigInt(amount);
  const abs = minor < 0n ? -minor : minor;
  const units = groupThousands((abs / 100n).toString());
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${minor < 0n ? '-' : ''}${symbol} ${units}.${cents}`;
}

/** A count with thousands separators: `1,234`. */
export function formatCount(count: number): string {
  if (!Number.isSafeInteger(count)) throw new RangeError(`not a count: ${count}`);
  return (count < 0 ? '-' : '') + groupThousands(Math.abs(count).toString());
}

/** A 0..1 ratio as `92.3%`; null (nothing to divide) as an em dash. */
export function formatPercent(ratio: number | null): string {
  if (ratio === null) return '—';
  if (!Number.isFinite(ratio)) throw new RangeError(`not a ratio: ${ratio}`);
  return `${(ratio * 100).toFixed(1)}%`;
}

/** Difference of two 0..1 ratios in percentage points, signed: `+1.2 pp`, `-0.8 pp`, `0.0 pp`. */
export function formatPointsDelta(current: number, previous: number): string {
  const points = Number(((current - previous) * 100).toFixed(1));
  if (points === 0) return '0.0 pp';
  return `${points > 0 ? '+' : '-'}${Math.abs(points).toFixed(1)} pp`;
}

const INTL_LOCALE: Record<Locale, string> = { es: 'es-PE', en: 'en-US' };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Building an Intl.DateTimeFormat costs far more than using one, so they are kept per locale, zone and style. */
function formatter(locale: Locale, timeZone: string, style: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${style}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(INTL_LOCALE[locale], { ...options, timeZone });
    formatters.set(key, found);
  }
  return found;
}

/** ICU puts narrow/no-break spaces before `AM` and inside dates; plain spaces keep text parts predictable. */
function plainSpaces(value: string): string {
  return value.replace(/[\u00a0\u202f]/g, ' ');
}

function checkDate(date: Date): void {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new RangeError('invalid date');
}

/** `(hora de Lima)` / `(Lima time)`, from the IANA zone's city; `(UTC)` for UTC. */
export function timeZoneLabel(timeZone: string, locale: Locale): string {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return '(UTC)';
  const city = (timeZone.split('/').pop() ?? timeZone).replace(/_/g, ' ');
  return locale === 'es' ? `(hora de ${city})` : `(${city} time)`;
}

/** `4 de diciembre de 2026` / `December 4, 2026`. */
export function formatDate(date: Date, locale: Locale, timeZone: string): string {
  checkDate(date);
  return plainSpaces(formatter(locale, timeZone, 'date', { dateStyle: 'long' }).format(date));
}

/** `4 de diciembre de 2026, 10:15 (hora de Lima)` / `December 4, 2026, 10:15 AM (Lima time)`. */
export function formatDateTime(date: Date, locale: Locale, timeZone: string): string {
  const time = formatter(locale, timeZone, 'time', { hour: 'numeric', minute: '2-digit', hourCycle: locale === 'es' ? 'h23' : 'h12' });
  const clock = plainSpaces(time.format(date)).replace(/^(\d):/, locale === 'es' ? '0$1:' : '$1:');
  return `${formatDate(date, locale, timeZone)}, ${clock} ${timeZoneLabel(timeZone, locale)}`;
}

/** `3 dic 2026` / `Dec 3, 2026` (Spanish CLDR writes `dic.`; the period is noise in a subject line). */
export function formatShortDate(date: Date, locale: Locale, timeZone: string): string {
  checkDate(date);
  const text = formatter(locale, timeZone, 'short', { day: 'numeric', month: 'short', year: 'numeric' }).format(date);
  return plainSpaces(text).replace(/\./g, '');
}

/** The calendar days covered by `[from, to)`: `30 nov – 6 dic 2026` / `Nov 30 – Dec 6, 2026`. */
export function formatShortDateRange(from: Date, toExclusive: Date, locale: Locale, timeZone: string): string {
  checkDate(toExclusive);
  const last = new Date(Math.max(from.getTime(), toExclusive.getTime() - 1));
  const first = formatShortDate(from, locale, timeZone);
  const end = formatShortDate(last, locale, timeZone);
  if (first === end) return end;
  const year = (text: string): string => text.slice(-4);
  if (year(first) !== year(end)) return `${first} – ${end}`;
  const dayMonth = formatter(locale, timeZone, 'day-month', { day: 'numeric', month: 'short' }).format(from);
  return `${plainSpaces(dayMonth).replace(/\./g, '')} – ${end}`;
}
