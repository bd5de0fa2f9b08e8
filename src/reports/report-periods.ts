import { addDays, type LocalDate, startOfLocalDay, wallClock } from './zoned-time';

export type PeriodKind = 'daily' | 'weekly';

export interface ReportPeriod {
  kind: PeriodKind;
  /** The local date the period starts (a Monday for a week starting on Monday…). */
  start: LocalDate;
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** By `wallClock(…).weekday` (0 = Sunday). */
export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * The periods whose summary is due at `now`: yesterday's once the local time reaches `dailyAt`, and
 * the last full week (starting on `weeklyDay`) once it is `weeklyDay` at `dailyAt` or later. A summary
 * already sent is not sent again (the e-mail's dedupe key names the period), so a check that runs late
 * or twice changes nothing; one that never ran on its day sends nothing for that day — only the most
 * recent period is offered.
 */
export function duePeriods(now: Date, timeZone: string, dailyAt: string, weeklyDay: Weekday): ReportPeriod[] {
  const local = wallClock(now, timeZone);
  const [h, m] = dailyAt.split(':').map(Number) as [number, number];
  if (local.hour * 60 + local.minute < h * 60 + m) return [];
  const today: LocalDate = { year: local.year, month: local.month, day: local.day };
  const yesterday = addDays(today, -1);
  const periods: ReportPeriod[] = [{ kind: 'daily', start: yesterday, from: startOfLocalDay(yesterday, timeZone), to: startOfLocalDay(today, timeZone) }];
  if (WEEKDAYS[local.weekday] === weeklyDay) {
    const weekStart = addDays(today, -7);
    periods.push({ kind: 'weekly', start: weekStart, from: startOfLocalDay(weekStart, timeZone), to: startOfLocalDay(today, timeZone) });
  }
  return periods;
}

/** The period of equal length just before (for comparisons). */
export function previousPeriod(p: ReportPeriod, timeZone: string): ReportPeriod {
  const start = addDays(p.start, p.kind === 'daily' ? -1 : -7);
  return { kind: p.kind, start, from: startOfLocalDay(start, timeZone), to: p.from };
}
