/**
 * When a send that failed transiently (429, 5xx, network) is tried again: MAIL_RETRY_SCHEDULE's delay
 * after attempt `n` (about 10 hours in all by default, so a Postmark incident delays e-mails rather than
 * losing them), ±20 % jitter so e-mails that failed together do not return together. Null once exhausted.
 */
export function emailRetryDelayMs(scheduleMs: readonly number[], failedAttempt: number, random: () => number = Math.random): number | null {
  const base = scheduleMs[failedAttempt - 1];
  return base === undefined ? null : Math.round(base * (0.8 + 0.4 * random()));
}

/** Attempts an e-mail gets in all: the first plus one per scheduled retry. */
export function emailSendAttempts(scheduleMs: readonly number[]): number {
  return scheduleMs.length + 1;
}
