// Latency summaries. Percentiles use the nearest-rank definition on the full sample (no histogram
// bucketing), so p99 of 4,000 samples is the 3,960th smallest.

export function summarise(values) {
  if (values.length === 0) return { count: 0, p50: null, p90: null, p99: null, max: null, mean: null };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    p50: round(rank(sorted, 0.5)),
    p90: round(rank(sorted, 0.9)),
    p99: round(rank(sorted, 0.99)),
    max: round(sorted[sorted.length - 1]),
    mean: round(sum / sorted.length),
  };
}

function rank(sorted, p) {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index];
}

export function round(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** a − b for nullable numbers. */
export function minus(a, b) {
  return a === null || a === undefined || b === null || b === undefined ? null : round(a - b);
}
