import { Injectable } from '@nestjs/common';
import type { Currency } from '../common/money';
import { SqlRunner } from '../database/sql-runner';
import type { SqlValue } from '../database/sql-session';
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
 * The SQL behind the reports: a handful of `group by` aggregates per request, returning small row sets that the
 * services roll up in memory. Charges are placed in time by `attempted_at` (when the payment was tried) and read
 * through `charges_report_index` (app, time, then every column these queries group or sum by), so the summary
 * and the time series never read a charge row; only the failure codes of failed charges are looked up. Refunds
 * and credit movements by `created_at` (indexes `(app_id, created_at)` on both), packages by the order's
 * `paid_at` (index `(app_id, credit_package, paid_at)`).
 */
@Injectable()
export class ReportQueries {
  constructor(private readonly sql: SqlRunner) {}

  /** Charges grouped by everything the summary breaks them down by (a few dozen rows), from the index alone. */
  chargeGroups(scope: ReportScope): Promise<ChargeGroupRow[]> {
    const { where, params } = scopeWhere(scope, 'attempted_at');
    return this.sql.all<ChargeGroupRow>(
      `select gateway, currency, source_type, card_brand, status, count(*) as n, sum(amount) as amount,
         sum(processing_ms) as ms_sum, count(processing_ms) as ms_n
       from charges where ${where}
       group by gateway, currency, source_type, card_brand, status`,
      params,
    );
  }

  /** Failed charges by decline and failure code: the index finds them, only they are read. */
  failures(scope: ReportScope): Promise<FailureRow[]> {
    const { where, params } = scopeWhere(scope, 'attempted_at');
    return this.sql.all<FailureRow>(
      `select decline_code, failure_code, count(*) as n from charges where ${where} and status = 'failed' group by decline_code, failure_code`,
      params,
    );
  }

  /** How often each processing time (whole ms) occurred per gateway, for exact percentiles (report-math.ts). */
  latencies(scope: ReportScope): Promise<LatencyRow[]> {
    const { where, params } = scopeWhere(scope, 'attempted_at');
    return this.sql.all<LatencyRow>(
      `select gateway, processing_ms as ms, count(*) as n from charges
       where ${where} and status in ('succeeded', 'failed') and processing_ms is not null group by gateway, processing_ms`,
      params,
    );
  }

  /** Charges per 15-minute UTC slot (time-buckets.ts places the slots in local hours or days). */
  slots(scope: ReportScope): Promise<SlotRow[]> {
    const { where, params } = scopeWhere(scope, 'attempted_at');
    // SQLite keeps epoch milliseconds; MariaDB/MySQL a UTC DATETIME, measured from the epoch without the
    // session's time zone (TIMESTAMPDIFF compares the two values as written).
    const slot = this.sql.isSqlite
      ? `cast(attempted_at / ${SLOT_MS} as integer)`
      : `floor(timestampdiff(second, '1970-01-01 00:00:00', attempted_at) / ${SLOT_MS / 1000})`;
    return this.sql.all<SlotRow>(
      `select ${slot} as slot, currency, status, count(*) as n, sum(amount) as amount, sum(processing_ms) as ms_sum, count(processing_ms) as ms_n
       from charges where ${where} group by ${slot}, currency, status`,
      params,
    );
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
