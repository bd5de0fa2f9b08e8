import { describe, expect, it } from 'vitest';
import { duePeriods, previousPeriod } from '../../src/reports/report-periods';
import { startOfLocalDay, wallClock } from '../../src/reports/zoned-time';

describe('report periods', () => {
  it('Lima (UTC−5, no DST): yesterday is due from 08:00 local, not before', () => {
    // 2026-12-04 12:59 UTC = 07:59 in Lima.
    expect(duePeriods(new Date('2026-12-04T12:59:00Z'), 'America/Lima', '08:00', 'monday')).toEqual([]);
    const [daily] = duePeriods(new Date('2026-12-04T13:00:00Z'), 'America/Lima', '08:00', 'monday');
    expect(daily).toEqual({ kind: 'daily', start: { year: 2026, month: 12, day: 3 }, from: new Date('2026-12-03T05:00:00Z'), to: new Date('2026-12-04T05:00:00Z') });
  });

  it('on the weekly day the last full week is due too', () => {
    // Monday 2026-12-07 09:00 in Lima.
    const periods = duePeriods(new Date('2026-12-07T14:00:00Z'), 'America/Lima', '08:00', 'monday');
    expect(periods.map((p) => p.kind)).toEqual(['daily', 'weekly']);
    expect(periods[1]).toMatchObject({ start: { year: 2026, month: 11, day: 30 }, from: new Date('2026-11-30T05:00:00Z'), to: new Date('2026-12-07T05:00:00Z') });
    expect(previousPeriod(periods[1]!, 'America/Lima')).toMatchObject({ from: new Date('2026-11-23T05:00:00Z'), to: new Date('2026-11-30T05:00:00Z') });
  });

  it('a zone with daylight saving time gets its 23-hour day right', () => {
    // New York springs forward on 2026-03-08: that local day lasts 23 hours.
    const start = startOfLocalDay({ year: 2026, month: 3, day: 8 }, 'America/New_York');
    const next = startOfLocalDay({ year: 2026, month: 3, day: 9 }, 'America/New_York');
    expect(start.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(next.toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(wallClock(new Date('2026-03-08T07:30:00Z'), 'America/New_York')).toMatchObject({ hour: 3, minute: 30, weekday: 0 });
  });

  it('month and year boundaries', () => {
    const [daily] = duePeriods(new Date('2027-01-01T15:00:00Z'), 'America/Lima', '08:00', 'monday');
    expect(daily!.start).toEqual({ year: 2026, month: 12, day: 31 });
  });
});
