import { Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Clock } from '../../common/clock';
import { SqlRunner } from '../../database/sql-runner';
import type { SqlSession, SqlValue } from '../../database/sql-session';
import { JobQueue } from '../../jobs/job-queue';
import { RecurringJobs } from '../../jobs/recurring';
import { HOUR_MS, hourOf } from './rollup-marks';

export const ROLLUP_JOB = 'reports.rollup';
const EVERY_MS = 5 * 60_000;
/**
 * An hour is rolled up only once it ended this long ago: a charge is inserted with `attempted_at = now` and
 * committed a moment later, and instances' clocks differ a little; after the lag no new charge lands in the hour.
 * Later changes to its charges mark it dirty (rollup-marks.ts).
 */
export const ROLLUP_LAG_MS = 5 * 60_000;
/** Hours rolled up per transaction while catching up (a week: ≈ 80,000 charges at the bench's volume). */
const CHUNK_HOURS = 168;

/**
 * The hourly rollups of charges behind the summary and the time series (docs/reports.md, "Rollups").
 *
 * - `report_charge_hours`: per app and closed UTC hour, charges grouped by gateway, currency, method, brand,
 *   status and decline/failure code, with count, amount, sum and count of processing_ms.
 * - `report_latency_hours`: per app, hour, gateway and currency, how many attempts took each whole millisecond,
 *   so the p95 stays exact (nearest rank off the merged distribution).
 * - `report_charge_days`, `report_latency_days`: the same per UTC day, summed from the hours (whole days without
 *   dirty hours use them: a month is 30 rows per group instead of 720).
 * - `report_rollup_state.rolled_until`: every hour before it is rolled up; `report_dirty_hours`: hours changed
 *   since, read from the charges until rebuilt.
 *
 * A recurring job (every 5 minutes, one per period across instances) advances each app's watermark to the last
 * hour that ended ROLLUP_LAG_MS ago and rebuilds the dirty hours. Each step is one transaction that deletes the
 * hours' rollup rows, recomputes them from `charges_report_index` and moves the watermark with a conditional
 * UPDATE: if two runs overlap (a slow run and the next period's), the loser's UPDATE matches nothing and it rolls
 * back, so the rollups are never doubled; the steps are idempotent (delete, then recompute). A dirty mark is
 * deleted in the transaction that recomputes its hour: a charge change committed after that recomputation read
 * the charges inserts the mark again (on MariaDB it waits for the gap lock of the delete), so it is never lost.
 */
@Injectable()
export class ReportRollups implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly sql: SqlRunner,
    private readonly queue: JobQueue,
    private readonly recurring: RecurringJobs,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('ReportRollups');
  }

  onModuleInit(): void {
    this.queue.register(ROLLUP_JOB, () => this.run().then(() => undefined));
  }

  onApplicationBootstrap(): void {
    this.recurring.every(ROLLUP_JOB, EVERY_MS);
  }

  /** One pass over every app: advance the watermark, rebuild dirty hours. Resolves to the hours (re)built. */
  async run(): Promise<number> {
    const apps = await this.sql.all<{ id: string }>('select id from apps');
    const until = hourOf(this.clock.now().getTime() - ROLLUP_LAG_MS);
    let built = 0;
    for (const { id } of apps) {
      built += await this.advance(id, until);
      built += await this.rebuildDirty(id);
    }
    if (built > 0) this.logger.info({ built }, 'report hours rolled up');
    return built;
  }

  private async advance(appId: string, until: number): Promise<number> {
    let from = await this.watermark(appId);
    if (from === null) {
      const first = await this.sql.all<{ at: unknown }>('select min(attempted_at) as at from charges where app_id = ?', [appId]);
      const at = first[0]?.at;
      // No charges yet: no watermark either, so the app's first charges are rolled up from their own hour.
      if (at === null || at === undefined) return 0;
      const start = hourOf(this.toMs(at));
      await this.sql.run(`${this.sql.isSqlite ? 'insert or ignore' : 'insert ignore'} into report_rollup_state (app_id, rolled_until) values (?, ?)`, [appId, Math.min(start, until)]);
      from = (await this.watermark(appId)) ?? until;
    }
    let built = 0;
    while (from < until) {
      const to = Math.min(from + CHUNK_HOURS, until);
      const start = from;
      const moved = await this.sql.transaction(async (tx) => {
        await this.recompute(tx, appId, start, to);
        await this.rebuildDays(tx, appId, Math.floor(start / 24), Math.floor(to / 24));
        await tx.run('delete from report_dirty_hours where app_id = ? and hour >= ? and hour < ?', [appId, start, to]);
        if ((await tx.run('update report_rollup_state set rolled_until = ? where app_id = ? and rolled_until = ?', [to, appId, start])) !== 1) throw new LostRace();
        return true;
      }).catch((err: unknown) => {
        if (err instanceof LostRace) return false;
        throw err;
      });
      if (!moved) return built;
      built += to - start;
      from = to;
    }
    return built;
  }

  private async rebuildDirty(appId: string): Promise<number> {
    const rows = await this.sql.all<{ hour: number | string; rolled_until: number | string }>(
      'select d.hour as hour, s.rolled_until as rolled_until from report_dirty_hours d join report_rollup_state s on s.app_id = d.app_id where d.app_id = ? and d.hour < s.rolled_until order by d.hour',
      [appId],
    );
    for (const { hour, rolled_until } of rows) {
      const h = Number(hour);
      await this.sql.transaction(async (tx) => {
        await tx.run('delete from report_dirty_hours where app_id = ? and hour = ?', [appId, h]);
        await this.recompute(tx, appId, h, h + 1);
        const day = Math.floor(h / 24);
        if ((day + 1) * 24 <= Number(rolled_until)) await this.rebuildDays(tx, appId, day, day + 1);
      });
    }
    return rows.length;
  }

  /** Replaces the rollup rows of hours [from, to) with the charges' current figures. */
  private async recompute(tx: SqlSession, appId: string, from: number, to: number): Promise<void> {
    const range: SqlValue[] = [appId, from, to];
    const charges: SqlValue[] = [appId, new Date(from * HOUR_MS), new Date(to * HOUR_MS)];
    await tx.run('delete from report_charge_hours where app_id = ? and hour >= ? and hour < ?', range);
    await tx.run('delete from report_latency_hours where app_id = ? and hour >= ? and hour < ?', range);
    const hour = this.hourSql();
    await tx.run(
      `insert into report_charge_hours (app_id, hour, gateway, currency, source_type, card_brand, status, decline_code, failure_code, n, amount, ms_sum, ms_n)
       select app_id, ${hour}, gateway, currency, source_type, card_brand, status, decline_code, failure_code, count(*), coalesce(sum(amount), 0), coalesce(sum(processing_ms), 0), count(processing_ms)
       from charges where app_id = ? and attempted_at >= ? and attempted_at < ?
       group by app_id, ${hour}, gateway, currency, source_type, card_brand, status, decline_code, failure_code`,
      charges,
    );
    await tx.run(
      `insert into report_latency_hours (app_id, hour, gateway, currency, processing_ms, n)
       select app_id, ${hour}, gateway, currency, processing_ms, count(*)
       from charges where app_id = ? and attempted_at >= ? and attempted_at < ? and status in ('succeeded', 'failed') and processing_ms is not null
       group by app_id, ${hour}, gateway, currency, processing_ms`,
      charges,
    );
  }

  /** Replaces the daily rows of days [from, to) (all their hours rolled up) with the sums of their hours. */
  private async rebuildDays(tx: SqlSession, appId: string, from: number, to: number): Promise<void> {
    if (to <= from) return;
    const day = this.sql.isSqlite ? 'hour / 24' : 'hour div 24';
    await tx.run('delete from report_charge_days where app_id = ? and day >= ? and day < ?', [appId, from, to]);
    await tx.run(
      `insert into report_charge_days (app_id, day, gateway, currency, source_type, card_brand, status, decline_code, failure_code, n, amount, ms_sum, ms_n)
       select app_id, ${day}, gateway, currency, source_type, card_brand, status, decline_code, failure_code, sum(n), sum(amount), sum(ms_sum), sum(ms_n)
       from report_charge_hours where app_id = ? and hour >= ? and hour < ?
       group by app_id, ${day}, gateway, currency, source_type, card_brand, status, decline_code, failure_code`,
      [appId, from * 24, to * 24],
    );
    await tx.run('delete from report_latency_days where app_id = ? and day >= ? and day < ?', [appId, from, to]);
    await tx.run(
      `insert into report_latency_days (app_id, day, gateway, currency, processing_ms, n)
       select app_id, ${day}, gateway, currency, processing_ms, sum(n) from report_latency_hours
       where app_id = ? and hour >= ? and hour < ? group by app_id, ${day}, gateway, currency, processing_ms`,
      [appId, from * 24, to * 24],
    );
  }

  private async watermark(appId: string): Promise<number | null> {
    const rows = await this.sql.all<{ rolled_until: number | string }>('select rolled_until from report_rollup_state where app_id = ?', [appId]);
    return rows[0] ? Number(rows[0].rolled_until) : null;
  }

  /** `attempted_at` as a rollup hour in SQL (SQLite: epoch ms; MariaDB: a UTC DATETIME, no session time zone). */
  private hourSql(): string {
    return this.sql.isSqlite ? `cast(attempted_at / ${HOUR_MS} as integer)` : `floor(timestampdiff(second, '1970-01-01 00:00:00', attempted_at) / 3600)`;
  }

  private toMs(v: unknown): number {
    if (v instanceof Date) return v.getTime();
    if (typeof v === 'number') return v;
    return new Date(`${String(v).replace(' ', 'T')}Z`).getTime();
  }
}

class LostRace extends Error {}
