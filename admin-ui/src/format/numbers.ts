import type { Lang } from '../i18n/dictionary';

const locale = (lang: Lang): string => (lang === 'es' ? 'es-PE' : 'en-US');

export function formatCount(n: number | null | undefined, lang: Lang): string {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat(locale(lang)).format(n);
}

/** A 0..1 rate as `66.7%`. */
export function formatRate(r: number | null | undefined, lang: Lang): string {
  if (r === null || r === undefined) return '—';
  return new Intl.NumberFormat(locale(lang), { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(r);
}

export function formatMs(ms: number | null | undefined, lang: Lang): string {
  if (ms === null || ms === undefined) return '—';
  return `${new Intl.NumberFormat(locale(lang)).format(ms)} ms`;
}

/** Signed change for a KPI: `+12.5%` relative, or `+3.1 pp` for rates. */
export function formatChange(value: number, kind: 'relative' | 'points', lang: Lang): string {
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±';
  const abs = Math.abs(value);
  // Both kinds are fractions (0.031 = 3.1 pp or 3.1 %), so both scale by 100.
  const digits = new Intl.NumberFormat(locale(lang), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(abs * 100);
  return kind === 'points' ? `${sign}${digits} pp` : `${sign}${digits}%`;
}
