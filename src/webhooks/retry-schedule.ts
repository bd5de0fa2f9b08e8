/**
 * When the next automatic attempt of a delivery is due: SMARTPAY_WEBHOOK_RETRY_SCHEDULE's delay after
 * attempt `n` (1-based), with ±20 % jitter so the retries of many deliveries that failed together (an
 * endpoint outage) do not come back in lockstep. Null when the schedule is exhausted.
 */
export function nextAttemptDelayMs(scheduleMs: readonly number[], failedAttempt: number, random: () => number = Math.random): number | null {
  const base = scheduleMs[failedAttempt - 1];
  if (base === undefined) return null;
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Attempts a delivery gets in all: the first plus one per scheduled retry. */
export function totalAttempts(scheduleMs: readonly number[]): number {
  return scheduleMs.length + 1;
}
