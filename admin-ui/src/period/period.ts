import { addDays, isDay, limaDayStart, limaToday } from '../format/dates';
import type { Currency } from '../format/money';

export type Preset = 'today' | '7d' | '30d' | 'custom';

export interface PeriodChoice {
  preset: Preset;
  /** Custom range: Lima calendar days, both inclusive (`YYYY-MM-DD`). */
  fromDay: string;
  toDay: string;
  currency: Currency;
}

export interface ResolvedPeriod {
  /** ISO instants: `from` inclusive, `to` exclusive (the start of the day after the last one). */
  from: string;
  to: string;
  interval: 'hour' | 'day';
  valid: boolean;
}

/** Whole Lima days, so "today" and "7 days" mean what a Lima office means and the previous period lines up. */
export function resolvePeriod(choice: PeriodChoice, now: Date = new Date()): ResolvedPeriod {
  const today = limaToday(now);
  let first: string;
  let last: string;
  switch (choice.preset) {
    case 'today':
      first = today;
      last = today;
      break;
    case '7d':
      first = addDays(today, -6);
      last = today;
      break;
    case '30d':
      first = addDays(today, -29);
      last = today;
      break;
    case 'custom':
      first = choice.fromDay;
      last = choice.toDay;
      break;
  }
  const valid = isDay(first) && isDay(last) && first <= last;
  if (!valid) return { from: '', to: '', interval: 'day', valid };
  return { from: limaDayStart(first), to: limaDayStart(addDays(last, 1)), interval: first === last ? 'hour' : 'day', valid };
}

export function defaultChoice(): PeriodChoice {
  const today = limaToday();
  return { preset: '7d', fromDay: addDays(today, -6), toDay: today, currency: 'PEN' };
}
