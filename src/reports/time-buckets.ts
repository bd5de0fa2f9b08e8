import { addDays, startOfLocalDay, wallClock } from './zoned-time';

export type BucketInterval = 'hour' | 'day';

/**
 * SQL groups charges into 15-minute slots of UTC (every time zone in use is a whole number of quarter
 * hours from UTC), and the slots are then placed into the local hours or days of the report's time zone
 * here — so the database needs no time-zone tables and a day with a daylight-saving change is 23 or 25
 * hours long, as it is on the wall.
 */
export const SLOT_MS = 15 * 60_000;

/** More buckets than a chart can show is a request mistake (an hourly chart over a year). */
export const MAX_BUCKETS = 1000;

export class TooManyBuckets extends RangeError {
  override readonly name = 'TooManyBuckets';
}

/**
 * The boundaries (epoch ms, ascending) of the `interval` buckets of `timeZone` that cover [from, to): bucket i
 * is [b[i], b[i+1]), so there is one more boundary than buckets. The first bucket holds `from` (it may start
 * before it), the last holds the instant before `to` (it may end after it).
 */
export function bucketBoundaries(from: Date, to: Date, interval: BucketInterval, timeZone: string): number[] {
  const bounds: number[] = [];
  const local = wallClock(from, timeZone);
  const tooMany = () => new TooManyBuckets(`more than ${MAX_BUCKETS} ${interval === 'hour' ? 'hourly buckets: choose interval=day or' : 'daily buckets: choose'} a shorter range`);
  if (interval === 'hour') {
    // A local hour lasts sixty real minutes (the rare half-hour DST shifts are not followed).
    let at = from.getTime() - ((local.minute * 60 + from.getUTCSeconds()) * 1000 + from.getUTCMilliseconds());
    for (;;) {
      bounds.push(at);
      if (at >= to.getTime()) return bounds;
      if (bounds.length > MAX_BUCKETS) throw tooMany();
      at += 3_600_000;
    }
  }
  let day = { year: local.year, month: local.month, day: local.day };
  for (;;) {
    const at = startOfLocalDay(day, timeZone).getTime();
    bounds.push(at);
    if (at >= to.getTime()) return bounds;
    if (bounds.length > MAX_BUCKETS) throw tooMany();
    day = addDays(day, 1);
  }
}

/** The index of the bucket holding `at` (the last boundary at or before it), or -1 before the first. */
export function bucketIndex(starts: readonly number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= at) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
