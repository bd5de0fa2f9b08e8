import { Injectable } from '@nestjs/common';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { Clock } from '../common/clock';
import type { Currency } from '../common/money';
import { ApiError } from '../common/errors/api-error';
import { AppConfig } from '../config/app-config';
import { meanMs, num } from './report-math';
import { ReportQueries, type ReportScope } from './report-queries';
import { add, creditMovementFigures, figures, newTally, processedOf, summarizeCharges, summarizeCredits, summarizeRefunds, type SummaryFigures } from './report-summary';
import type { ReportSummaryQuery, ReportTimeseriesQuery } from './reports.schemas';
import { HOUR_MS } from './rollups/rollup-marks';
import { bucketBoundaries, bucketIndex, SLOT_MS, TooManyBuckets } from './time-buckets';

const DAY_MS = 86_400_000;
/** The default range of a report: the last 30 days. */
const DEFAULT_RANGE_MS = 30 * DAY_MS;
/** The longest range one request may cover (a year and a bit: this year against last year's same day). */
const MAX_RANGE_MS = 400 * DAY_MS;

/** The reports API (`/v1/reports/…`): figures for one app and range, always computed from the records themselves. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly queries: ReportQueries,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** The scope a query names, with the defaults filled in and the range checked. */
  scope(caller: AuthedCaller, q: { from?: string; to?: string; currency?: Currency; gateway?: string }): ReportScope {
    const to = q.to ? new Date(q.to) : this.clock.now();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
    if (from.getTime() >= to.getTime()) throw ApiError.validation([{ param: 'from', message: 'must be before to' }]);
    if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw ApiError.validation([{ param: 'from', message: 'the range may span at most 400 days' }]);
    return { appId: caller.appId, from, to, currency: q.currency, gateway: q.gateway };
  }

  async summary(caller: AuthedCaller, q: ReportSummaryQuery) {
    const scope = this.scope(caller, q);
    const length = scope.to.getTime() - scope.from.getTime();
    const previous: ReportScope = { ...scope, from: new Date(scope.from.getTime() - length), to: scope.from };
    const [current, before] = await Promise.all([this.figures(scope), this.figures(previous)]);
    return {
      object: 'report_summary' as const,
      from: scope.from.toISOString(),
      to: scope.to.toISOString(),
      currency: scope.currency ?? null,
      gateway: scope.gateway ?? null,
      ...current,
      previous_period: { from: previous.from.toISOString(), to: previous.to.toISOString(), ...before },
    };
  }

  async figures(scope: ReportScope): Promise<SummaryFigures> {
    const plan = await this.queries.plan(scope);
    const [groups, latencies, failures, refunds, movements, packages] = await Promise.all([
      this.queries.chargeGroups(scope, plan),
      this.queries.latencies(scope, plan),
      this.queries.failures(scope, plan),
      this.queries.refunds(scope),
      this.queries.creditMovements(scope),
      this.queries.packagesSold(scope),
    ]);
    return { ...summarizeCharges(groups, latencies, failures), refunds: summarizeRefunds(refunds), credits: summarizeCredits(movements, packages) };
  }

  async timeseries(caller: AuthedCaller, q: ReportTimeseriesQuery) {
    const requested = this.scope(caller, q);
    const timeZone = q.time_zone ?? this.config.reports.timeZone;
    let bounds: number[];
    try {
      bounds = bucketBoundaries(requested.from, requested.to, q.interval, timeZone);
    } catch (err) {
      if (err instanceof TooManyBuckets) throw ApiError.validation([{ param: 'interval', message: err.message }]);
      throw err;
    }
    // Whole buckets: the first starts at or before `from`, the last ends at or after `to`.
    const starts = bounds.slice(0, -1);
    const ends = bounds.slice(1);
    const scope: ReportScope = { ...requested, from: new Date(bounds[0]!), to: new Date(bounds[bounds.length - 1]!) };
    const buckets = starts.map(newTally);
    // A rolled-up hour counts in the bucket of its start: exact when every boundary is a whole UTC hour (any zone
    // a whole number of hours from UTC); zones with a half or quarter hour read the charges' 15-minute slots.
    const plan = bounds.every((b) => b % HOUR_MS === 0) ? await this.queries.plan(scope) : ReportQueries.rawPlan(scope);
    const [slots, creditSlots] = await Promise.all([this.queries.slots(scope, plan), this.queries.creditSlots(scope)]);
    for (const row of slots) {
      const bucket = buckets[bucketIndex(starts, num(row.slot) * SLOT_MS)];
      if (bucket) add(bucket, row);
    }
    const movements = starts.map((): typeof creditSlots => []);
    for (const row of creditSlots) movements[bucketIndex(starts, num(row.slot) * SLOT_MS)]?.push(row);
    return {
      object: 'report_timeseries' as const,
      from: scope.from.toISOString(),
      to: scope.to.toISOString(),
      interval: q.interval,
      time_zone: timeZone,
      currency: scope.currency ?? null,
      gateway: scope.gateway ?? null,
      buckets: buckets.map((b, i) => {
        const { attempts, succeeded, failed, success_rate } = figures(b);
        return {
          start: new Date(starts[i]!).toISOString(),
          end: new Date(ends[i]!).toISOString(),
          attempts,
          succeeded,
          failed,
          success_rate,
          processed: processedOf(b),
          average_processing_ms: meanMs(b.msSum, b.msN),
          credits: creditMovementFigures(movements[i]!),
        };
      }),
    };
  }
}
