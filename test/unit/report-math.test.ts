import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile, rate, meanMs } from '../../src/reports/report-math';
import { bucketBoundaries, bucketIndex, MAX_BUCKETS, TooManyBuckets } from '../../src/reports/time-buckets';

describe('percentile from a distribution (nearest rank)', () => {
  it('is a value that occurred: the smallest with at least ⌈q·N⌉ observations at or below it', () => {
    expect(percentile([[100, 1], [150, 1], [200, 1], [300, 1], [400, 1], [5000, 1]], 0.95)).toBe(5000);
    expect(percentile([[10, 95], [1000, 5]], 0.95)).toBe(10);
    expect(percentile([[10, 94], [1000, 6]], 0.95)).toBe(1000);
    expect(percentile([[300, 2], [100, 1]], 0.5)).toBe(300); // order of the pairs does not matter
    expect(percentile([[7, 3]], 1)).toBe(7);
    expect(percentile([], 0.95)).toBeNull();
    expect(percentile([[5, 0]], 0.95)).toBeNull();
    expect(() => percentile([[1, 1]], 0)).toThrow(RangeError);
  });

  it('agrees with sorting the raw observations', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60_000 }), { minLength: 1, maxLength: 300 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (values, q) => {
        const counts = new Map<number, number>();
        for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
        const sorted = [...values].sort((a, b) => a - b);
        expect(percentile([...counts], q)).toBe(sorted[Math.ceil(q * sorted.length) - 1]);
      }),
    );
  });

  it('rates and means say "no data" rather than divide by zero', () => {
    expect(rate(3, 4)).toBe(0.75);
    expect(rate(0, 0)).toBeNull();
    expect(meanMs(750, 4)).toBe(188);
    expect(meanMs(0, 0)).toBeNull();
  });
});

describe('time buckets', () => {
  const iso = (b: number[]) => b.map((x) => new Date(x).toISOString());

  it('Lima days and hours; a range starting mid-bucket widens to whole buckets', () => {
    expect(iso(bucketBoundaries(new Date('2026-11-01T18:00:00Z'), new Date('2026-11-02T06:00:00Z'), 'day', 'America/Lima'))).toEqual([
      '2026-11-01T05:00:00.000Z',
      '2026-11-02T05:00:00.000Z',
      '2026-11-03T05:00:00.000Z',
    ]);
    expect(iso(bucketBoundaries(new Date('2026-11-01T12:30:00Z'), new Date('2026-11-01T14:00:00Z'), 'hour', 'America/Lima'))).toEqual([
      '2026-11-01T12:00:00.000Z',
      '2026-11-01T13:00:00.000Z',
      '2026-11-01T14:00:00.000Z',
    ]);
  });

  it('follows daylight saving: a 23-hour spring day and a 25-hour autumn day in New York; half-hour zones', () => {
    const spring = bucketBoundaries(new Date('2026-03-08T05:00:00Z'), new Date('2026-03-09T04:00:00Z'), 'day', 'America/New_York');
    expect(iso(spring)).toEqual(['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    const autumn = bucketBoundaries(new Date('2026-11-01T04:00:00Z'), new Date('2026-11-02T05:00:00Z'), 'day', 'America/New_York');
    expect(autumn[1]! - autumn[0]!).toBe(25 * 3_600_000);
    expect(iso(bucketBoundaries(new Date('2026-11-01T10:00:00Z'), new Date('2026-11-01T10:01:00Z'), 'hour', 'Asia/Kolkata'))).toEqual([
      '2026-11-01T09:30:00.000Z',
      '2026-11-01T10:30:00.000Z',
    ]);
  });

  it('refuses more than MAX_BUCKETS buckets', () => {
    expect(() => bucketBoundaries(new Date('2026-01-01T00:00:00Z'), new Date('2026-03-01T00:00:00Z'), 'hour', 'UTC')).toThrow(TooManyBuckets);
    expect(bucketBoundaries(new Date('2026-01-01T00:00:00Z'), new Date(Date.UTC(2026, 0, 1) + MAX_BUCKETS * 3_600_000), 'hour', 'UTC')).toHaveLength(MAX_BUCKETS + 1);
  });

  it('bucketIndex finds the bucket holding an instant', () => {
    const b = [0, 10, 20, 30];
    expect([-1, 0, 9, 10, 29, 30].map((x) => bucketIndex(b, x))).toEqual([-1, 0, 0, 1, 2, 3]);
  });
});
