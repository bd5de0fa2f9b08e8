/**
 * The arithmetic of reports, kept pure so it is tested without a database: percentiles from a value
 * distribution, rates that say "no data" instead of dividing by zero.
 */

/** How often each value occurred: `[value, count]` pairs, in any order. */
export type Distribution = readonly (readonly [value: number, count: number])[];

/**
 * The nearest-rank percentile (`q` in 0..1): the smallest value with at least ⌈q·N⌉ of the N observations
 * at or below it — a value that really occurred, never an interpolation. Null without observations.
 * Computed from a distribution so SQL only has to `group by` the value (exact, one pass, portable to
 * SQLite, which has no percentile function).
 */
export function percentile(distribution: Distribution, q: number): number | null {
  if (!(q > 0 && q <= 1)) throw new RangeError(`percentile: q must be in (0, 1], got ${q}`);
  const sorted = distribution.filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, c]) => sum + c, 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (const [value, count] of sorted) {
    seen += count;
    if (seen >= rank) return value;
  }
  return sorted[sorted.length - 1]![0];
}

/** `part / whole`, or null when there is nothing to divide (a rate of an empty period is unknown, not 0). */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** A mean rounded to whole milliseconds, or null. */
export function meanMs(sum: number, count: number): number | null {
  return count > 0 ? Math.round(sum / count) : null;
}

/** Database aggregates arrive as numbers, numeric strings (MySQL SUM of BIGINT) or null. */
export function num(v: number | string | bigint | null | undefined): number {
  return v === null || v === undefined ? 0 : Number(v);
}
