import { Injectable } from '@nestjs/common';
import type { Currency } from '../common/money';
import { SqlRunner } from '../database/sql-runner';
import type { SqlValue } from '../database/sql-session';
import { num } from './report-math';
import { HOUR_MS } from './rollups/rollup-marks';
import { SLOT_MS } from './time-buckets';

/** What a report is about: one app, a half-open time range, optionally one currency and one gateway. */
export interface ReportScope {
  appId: string;
  from: Date;
  /** Exclusive. */
  to: Date;
  currency?: Currency;
  gateway?: string;
}

type Num = number | string | null;

export interface ChargeGroupRow {
  gateway: string;
  currency: Currency;
  source_type: string;
  card_brand: string | null;
  status: string;
  n: Num;
  amount: Num;
  ms_sum: Num;
  ms_n: Num;
}

export interface FailureRow {
  decline_code: string | null;
  failure_code: string | null;
  n: Num;
}

export interface LatencyRow {
  gateway: string;
  ms: Num;
  n: Num;
}

export interface SlotRow {
  slot: Num;
  currency: Currency;
  status: string;
  n: Num;
  amount: Num;
  ms_sum: Num;
  ms_n: Num;
}

/**
 * Which part of a scope the rollups answer (whole hours before the watermark, except dirty ones) and which
 * ranges are read from the charges: the partial hours at both ends, the hours not rolled up yet, dirty hours.
 * Every query below is additive (counts, sums, a distribution), so rows of both parts are simply concatenated.
 */
export interface RollupPlan {
  scope: ReportScope;
  rolled: { from: number; to: number; skip: number[] } | null;
  raw: ReportScope[];
}

/**
 * The SQL behind the reports: a handful of `group by` aggregates per request, returning small row sets that the
 * services roll up in memory. Charges are placed in time by `attempted_at` (when the payment was tried); whole
 * closed hours are read from the hourly rollups (rollups/report-rollups.ts), the rest through
 * `charges_report_index` (app, time, then every column these queries group or sum by), so the summary and the
 * time series never read a charge row. Refunds and credit movements by `created_at` (indexes `(app_id,
 * created_at)` on both), packages by the order's `paid_at` (index `(app_id, credit_package, paid_at)`).
 */
@Injectable()
export class ReportQueries {
  /** Off: every figure from the charges alone (the tests compare both ways). */
  useRollups = true;

  constructor(private readonly sql: SqlRunner) {}

  /** The whole scope from the charges. */
  static rawPlan(scope: ReportScope): RollupPlan {
    return { scope, rolled: null, raw: [scope] };
  }

  async plan(scope: ReportScope): Promise<RollupPlan> {
    if (!this.useRollups) return ReportQueries.rawPlan(scope);
    const first = Math.ceil(scope.from.getTime() / HOUR_MS);
    const last = Math.floor(scope.to.getTime() / HOUR_MS);
    if (last <= first) return ReportQueries.rawPlan(scope);
    const state = await this.sql.all<{ rolled_until: Num }>('select rolled_until from report_rollup_state where app_id = ?', [scope.appId]);
    const end = Math.min(last, state[0] ? num(state[0].rolled_until) : first);
    if (end <= first) return ReportQueries.rawPlan(scope);
    const dirty = await this.sql.all<{ hour: Num }>('select hour from report_dirty_hours where app_id = ? and hour >= ? and hour < ?', [scope.appId, first, end]);
    const skip = dirty.map((d) => num(d.hour));
    const piece = (from: number, to: number): ReportScope => ({ ...scope, from: new Date(from), to: new Date(to) });
    const raw = [piece(scope.from.getTime(), first * HOUR_MS), ...skip.map((h) => piece(h * HOUR_MS, (h + 1) * HOUR_MS)), piece(end * HOUR_MS, scope.to.getTime())];
    return { scope, rolled: { from: first, to: end, skip }, raw: raw.filter((r) => r.from.getTime() < r.to.getTime()) };
  }

  /** Charges grouped by everything the summary breaks them down by (a few dozen rows). */
  async chargeGroups(scope: ReportScope, plan?: RollupPlan): Promise<ChargeGroupRow[]> {
    const p = plan ?? (await this.plan(scope));
    const rolled = (table: string) => (where: string) => `select gateway, currency, source_type, card_brand, status, sum(n) as n, sum(amount) as amount, sum(ms_sum) as ms_sum, sum(ms_n) as ms_n
       from ${table} where ${where} group by gateway, currency, source_type, card_brand, status`;
    return this.tiered<ChargeGroupRow>(
      p,
      rolled('report_charge_days'),
      rolled('report_charge_hours'),
      (where) => `select gateway, currency, source_type, card_brand, status, count(*) as n, sum(amount) as amount,
         sum(processing_ms) as ms_sum, count(processing_ms) as ms_n
       from charges where ${where}
       group by gateway, currency, source_type, card_brand, status`,
    );
  }

  /** Failed charges by decline and failure code: the index finds them, only they are read. */
  async failures(scope: ReportScope, plan?: RollupPlan): Promise<FailureRow[]> {
    const p = plan ?? (await this.plan(scope));
    const rolled = (table: string) => (where: string) => `select decline_code, failure_code, sum(n) as n from ${table} where ${where} and status = 'failed' group by decline_code, failure_code`;
    return this.tiered<FailureRow>(
      p,
      rolled('report_charge_days'),
      rolled('report_charge_hours'),
      (where) => `select decline_code, failure_code, count(*) as n from charges where ${where} and status = 'failed' group by decline_code, failure_code`,
    );
  }

  /** How often each processing time (whole ms) occurred per gateway, for exact percentiles (report-math.ts). */
  async latencies(scope: ReportScope, plan?: RollupPlan): Promise<LatencyRow[]> {
    const p = plan ?? (await this.plan(scope));
    return this.tiered<LatencyRow>(
      p,
      (where) => `select gateway, processing_ms as ms, sum(n) as n from report_latency_days where ${where} group by gateway, processing_ms`,
      (where) => `select gateway, processing_ms as ms, sum(n) as n from report_latency_hours where ${where} group by gateway, processing_ms`,
      (where) => `select gateway, processing_ms as ms, count(*) as n from charges
       where ${where} and status in ('succeeded', 'failed') and processing_ms is not null group by gateway, processing_ms`,
    );
  }

  /**
   * Charges per 15-minute UTC slot (time-buckets.ts places the slots in local hours or days). A rolled-up hour
   * comes as its first slot, so the caller passes a plan with rollups only when no bucket boundary cuts an hour.
   */
  async slots(scope: ReportScope, plan?: RollupPlan): Promise<SlotRow[]> {
    const p = plan ?? (await this.plan(scope));
    const slot = this.slotOf('attempted_at');
    return this.both<SlotRow>(
      p,
      (where) => `select hour * ${HOUR_MS / SLOT_MS} as slot, currency, status, sum(n) as n, sum(amount) as amount, sum(ms_sum) as ms_sum, sum(ms_n) as ms_n
       from report_charge_hours where ${where} group by hour, currency, status`,
      (where) => `select ${slot} as slot, currency, status, count(*) as n, sum(amount) as amount, sum(processing_ms) as ms_sum, count(processing_ms) as ms_n
       from charges where ${where} group by ${slot}, currency, status`,
    );
  }

  /** Credit ledger movements per 15-minute UTC slot and transaction type, by when they were written. */
  creditSlots(scope: ReportScope): Promise<{ slot: Num; type: string; credits: Num }[]> {
    const slot = this.slotOf('created_at');
    return this.sql.all(
      `select ${slot} as slot, type, sum(credits) as credits from credit_transactions where app_id = ? and created_at >= ? and created_at < ? group by ${slot}, type`,
      [scope.appId, scope.from, scope.to],
    );
  }

  /**
   * The 15-minute UTC slot of a timestamp column. SQLite keeps epoch milliseconds; MariaDB/MySQL a UTC DATETIME,
   * measured from the epoch without the session's time zone (TIMESTAMPDIFF compares the two values as written).
   */
  private slotOf(column: string): string {
    return this.sql.isSqlite
      ? `cast(${column} / ${SLOT_MS} as integer)`
      : `floor(timestampdiff(second, '1970-01-01 00:00:00', ${column}) / ${SLOT_MS / 1000})`;
  }

  /**
   * Like `both`, with a daily tier: of the rolled-up hours, whole UTC days without a dirty hour are read from the
   * daily rows (`days`, over `day`), the other hours (before the first whole day, after the last, inside a day with a
   * dirty hour) from the hourly ones (`hours`).
   */
  private async tiered<T extends object>(plan: RollupPlan, days: (where: string) => string, hours: (where: string) => string, raw: (where: string) => string): Promise<T[]> {
    const r = plan.rolled;
    const dayFirst = r ? Math.ceil(r.from / 24) : 0;
    const dayEnd = r ? Math.floor(r.to / 24) : 0;
    if (!r || dayEnd <= dayFirst) return this.both<T>(plan, hours, raw);
    const dirtyDays = [...new Set(r.skip.map((h) => Math.floor(h / 24)))].filter((d) => d >= dayFirst && d < dayEnd);
    const hourRanges = [`hour < ${dayFirst * 24}`, `hour >= ${dayEnd * 24}`, ...dirtyDays.map((d) => `(hour >= ${d * 24} and hour < ${(d + 1) * 24})`)];
    const where = ['app_id = ?', 'day >= ?', 'day < ?'];
    const params: SqlValue[] = [plan.scope.appId, dayFirst, dayEnd];
    if (dirtyDays.length > 0) {
      where.push(`day not in (${dirtyDays.map(() => '?').join(', ')})`);
      params.push(...dirtyDays);
    }
    addScopeFilters(plan.scope, where, params);
    const [rest, whole] = await Promise.all([this.both<T>(plan, (w) => hours(`${w} and (${hourRanges.join(' or ')})`), raw), this.sql.all<T>(days(where.join(' and ')), params)]);
    return [...rest, ...whole];
  }

  /** The rolled-up hours from `rolled`, every raw range from `raw` (charges by `attempted_at`), all concurrently. */
  private async both<T extends object>(plan: RollupPlan, rolled: (where: string) => string, raw: (where: string) => string): Promise<T[]> {
    const reads: Promise<T[]>[] = plan.raw.map((scope) => {
      const { where, params } = scopeWhere(scope, 'attempted_at');
      return this.sql.all<T>(raw(where), params);
    });
    if (plan.rolled) {
      const where = ['app_id = ?', 'hour >= ?', 'hour < ?'];
      const params: SqlValue[] = [plan.scope.appId, plan.rolled.from, plan.rolled.to];
      if (plan.rolled.skip.length > 0) {
        where.push(`hour not in (${plan.rolled.skip.map(() => '?').join(', ')})`);
        params.push(...plan.rolled.skip);
      }
      addScopeFilters(plan.scope, where, params);
      reads.push(this.sql.all<T>(rolled(where.join(' and ')), params));
    }
    return (await Promise.all(reads)).flat();
  }

  /** Succeeded refunds per currency, by when they were created. */
  refunds(scope: ReportScope): Promise<{ currency: Currency; n: Num; amount: Num }[]> {
    const { where, params } = scopeWhere(scope, 'created_at', ["status = 'succeeded'"]);
    return this.sql.all(`select currency, count(*) as n, sum(amount) as amount from refunds where ${where} group by currency`, params);
  }

  /** Credit ledger movements per transaction type (credits signed as in the ledger). */
  creditMovements(scope: ReportScope): Promise<{ type: string; n: Num; credits: Num }[]> {
    return this.sql.all(
      'select type, count(*) as n, sum(credits) as credits from credit_transactions where app_id = ? and created_at >= ? and created_at < ? group by type',
      [scope.appId, scope.from, scope.to],
    );
  }

  /** Credit packages paid for in the range: orders with a package, by when they were paid, through the gateway that took the money. */
  packagesSold(scope: ReportScope): Promise<{ package: string; currency: Currency; n: Num; amount: Num }[]> {
    const { where, params } = scopeWhere(scope, 'paid_at', ['credit_package is not null']);
    return this.sql.all(
      `select credit_package as package, currency, count(*) as n, sum(amount) as amount from orders where ${where} group by credit_package, currency`,
      params,
    );
  }
}

/** The app, the half-open range on `timeColumn`, `extra` conditions, then the scope's currency and gateway filters. */
function scopeWhere(scope: ReportScope, timeColumn: string, extra: string[] = []): { where: string; params: SqlValue[] } {
  const where = ['app_id = ?', `${timeColumn} >= ?`, `${timeColumn} < ?`, ...extra];
  const params: SqlValue[] = [scope.appId, scope.from, scope.to];
  addScopeFilters(scope, where, params);
  return { where: where.join(' and '), params };
}

/** Appends the scope's optional currency and gateway filters (columns under `alias`, e.g. `c.`). */
export function addScopeFilters(scope: Pick<ReportScope, 'currency' | 'gateway'>, where: string[], params: SqlValue[], alias = ''): void {
  if (scope.currency) {
    where.push(`${alias}currency = ?`);
    params.push(scope.currency);
  }
  if (scope.gateway) {
    where.push(`${alias}gateway = ?`);
    params.push(scope.gateway);
  }
}
