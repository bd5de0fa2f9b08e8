import type { Lang } from '../i18n/dictionary';

/** Every date shown is Lima's wall clock, whatever the browser's zone. */
export const TIME_ZONE = 'America/Lima';
/** Peru has kept UTC−5 without daylight saving since 1994, so Lima's midnight is a fixed offset. */
const LIMA_OFFSET = '-05:00';

const locale = (lang: Lang): string => (lang === 'es' ? 'es-PE' : 'en-US');

export function formatDateTime(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(lang), { timeZone: TIME_ZONE, dateStyle: 'medium', timeStyle: 'medium' }).format(d);
}

export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(lang), { timeZone: TIME_ZONE, dateStyle: 'medium' }).format(d);
}

/** Short label for a chart bucket: `04 dic` for days, `14:00` for hours. */
export function formatBucket(iso: string, interval: 'hour' | 'day', lang: Lang): string {
  const opts: Intl.DateTimeFormatOptions =
    interval === 'hour' ? { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : { timeZone: TIME_ZONE, day: '2-digit', month: 'short' };
  return new Intl.DateTimeFormat(locale(lang), opts).format(new Date(iso));
}

/** Today's date in Lima as `YYYY-MM-DD` (the value of a date input). */
export function limaToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** `YYYY-MM-DD` plus n days, calendar arithmetic in UTC so no zone can shift it. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The instant a Lima day starts, as the API wants it (ISO 8601 UTC). */
export function limaDayStart(day: string): string {
  return new Date(`${day}T00:00:00.000${LIMA_OFFSET}`).toISOString();
}

export function isDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
}

/** A period `[from, to)` as the Lima days it covers: `28 nov. 2026 – 4 dic. 2026`, or one day alone. */
export function formatDayRange(fromIso: string, toIso: string, lang: Lang): string {
  const first = formatDate(fromIso, lang);
  const last = formatDate(new Date(Date.parse(toIso) - 1).toISOString(), lang);
  return first === last ? first : `${first} – ${last}`;
}
