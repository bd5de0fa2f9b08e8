export type Currency = 'PEN' | 'USD';

const SYMBOLS: Record<string, string> = { PEN: 'S/', USD: 'US$' };

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Minor units to `S/ 1,234.50` / `US$ 1,234.50`, the same in both languages (how Peruvian invoices write it).
 * Integer arithmetic only: amounts are céntimos/cents and must never pass through a float.
 */
export function formatMoney(amount: number | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return '—';
  const minor = Math.round(amount);
  const abs = Math.abs(minor);
  const whole = Math.trunc(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  const symbol = currency ? (SYMBOLS[currency] ?? currency) : '';
  const sign = minor < 0 ? '-' : '';
  return `${sign}${symbol}${symbol ? ' ' : ''}${groupThousands(String(whole))}.${cents}`;
}

/** `118.5`, `118.50` or `118` typed by a person → 11850; null when it is not a plain amount with ≤ 2 decimals. */
export function parseMoneyInput(text: string): number | null {
  const m = /^\s*(\d{1,12})(?:[.,](\d{1,2}))?\s*$/.exec(text.replace(/,(?=\d{3}(\D|$))/g, ''));
  if (!m) return null;
  const whole = Number(m[1]);
  const cents = Number((m[2] ?? '').padEnd(2, '0'));
  return whole * 100 + cents;
}

/** 11850 → `118.50`, for prefilling an input. */
export function minorToInput(amount: number): string {
  return `${Math.trunc(amount / 100)}.${String(Math.abs(amount % 100)).padStart(2, '0')}`;
}
