import { parseDuration } from '../common/duration';

const DAY = 86_400_000;

/**
 * When a pending charge is looked up again: RECONCILE_SCHEDULE (`1m,5m,1h,1d` by default) gives
 * the delay after the attempt for each successive lookup; past the list, the last delay repeats.
 */
export class ReconcileSchedule {
  private readonly delays: number[];

  constructor(spec: string) {
    const parsed = spec.split(',').map((p) => parseDuration(p.trim()));
    this.delays = parsed.every((d): d is number => d !== null) && parsed.length > 0 ? parsed : [60_000, 300_000, 3_600_000, DAY];
  }

  /** The time of lookup number `attempt` (0-based) for an attempt made at `attemptedAt`. */
  nextAt(attemptedAt: Date, attempt: number, now: Date): Date {
    const delay = this.delays[Math.min(attempt, this.delays.length - 1)]!;
    const at = attemptedAt.getTime() + this.delays.slice(0, Math.min(attempt + 1, this.delays.length)).reduce((a, b) => a + b, 0) + Math.max(0, attempt + 1 - this.delays.length) * delay;
    return new Date(Math.max(at, now.getTime() + 1_000));
  }

  get first(): number {
    return this.delays[0]!;
  }
}
