import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { money } from '../../database/column-types';

/**
 * Hourly rollups of charges for the reports (see report-rollups.ts). An hour is `floor(epoch ms / 3,600,000)`
 * of the charge's `attempted_at`, stored as a plain integer so both databases compare it without time zones.
 */

/** Charges of one app and closed UTC hour, grouped by every column the summary and the time series break them down by. */
@Entity({ tableName: 'report_charge_hours' })
@Index({ name: 'report_charge_hours_app_hour', properties: ['appId', 'hour'] })
export class ReportChargeHour {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'integer' })
  hour!: number;

  @Property({ type: 'string', length: 16 })
  gateway!: string;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Property({ type: 'string', length: 20 })
  sourceType!: string;

  @Property({ type: 'string', length: 20, nullable: true })
  cardBrand!: string | null;

  @Property({ type: 'string', length: 20 })
  status!: string;

  @Property({ type: 'string', length: 32, nullable: true })
  declineCode!: string | null;

  @Property({ type: 'string', length: 32, nullable: true })
  failureCode!: string | null;

  @Property({ type: 'integer' })
  n!: number;

  @Property(money())
  amount!: number;

  @Property(money())
  msSum!: number;

  @Property({ type: 'integer' })
  msN!: number;
}

/**
 * The same groups per UTC day (`floor(hour / 24)`), summed from the day's hours like the daily latency rows: a
 * 30-day summary reads about 3,000 of these instead of about 47,000 hourly rows. Used only for whole days without
 * dirty hours.
 */
@Entity({ tableName: 'report_charge_days' })
@Index({ name: 'report_charge_days_app_day', properties: ['appId', 'day'] })
export class ReportChargeDay {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'integer' })
  day!: number;

  @Property({ type: 'string', length: 16 })
  gateway!: string;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Property({ type: 'string', length: 20 })
  sourceType!: string;

  @Property({ type: 'string', length: 20, nullable: true })
  cardBrand!: string | null;

  @Property({ type: 'string', length: 20 })
  status!: string;

  @Property({ type: 'string', length: 32, nullable: true })
  declineCode!: string | null;

  @Property({ type: 'string', length: 32, nullable: true })
  failureCode!: string | null;

  @Property({ type: 'integer' })
  n!: number;

  @Property(money())
  amount!: number;

  @Property(money())
  msSum!: number;

  @Property({ type: 'integer' })
  msN!: number;
}

/**
 * How many attempts (succeeded or failed) of one app, closed hour, gateway and currency took each whole processing time:
 * the distribution the exact nearest-rank p95 is read off (report-math.ts).
 */
@Entity({ tableName: 'report_latency_hours' })
export class ReportLatencyHour {
  @PrimaryKey({ type: 'string', length: 40 })
  appId!: string;

  @PrimaryKey({ type: 'integer', autoincrement: false })
  hour!: number;

  @PrimaryKey({ type: 'string', length: 16 })
  gateway!: string;

  @PrimaryKey({ type: 'string', length: 3 })
  currency!: string;

  @PrimaryKey({ type: 'integer', autoincrement: false })
  processingMs!: number;

  @Property({ type: 'integer' })
  n!: number;
}

/**
 * The same distribution per UTC day (`floor(hour / 24)`), summed from the day's hours when its last hour is rolled
 * up or one of its hours is rebuilt: a day has far fewer rows than its 24 hours. Used only for whole days without
 * dirty hours.
 */
@Entity({ tableName: 'report_latency_days' })
export class ReportLatencyDay {
  @PrimaryKey({ type: 'string', length: 40 })
  appId!: string;

  @PrimaryKey({ type: 'integer', autoincrement: false })
  day!: number;

  @PrimaryKey({ type: 'string', length: 16 })
  gateway!: string;

  @PrimaryKey({ type: 'string', length: 3 })
  currency!: string;

  @PrimaryKey({ type: 'integer', autoincrement: false })
  processingMs!: number;

  @Property({ type: 'integer' })
  n!: number;
}

/** Per app: every hour before `rolledUntil` (exclusive) is rolled up, except the dirty ones. */
@Entity({ tableName: 'report_rollup_state' })
export class ReportRollupState {
  @PrimaryKey({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'integer' })
  rolledUntil!: number;
}

/** Hours whose charges changed after they were (or may have been) rolled up: read from the charges until rebuilt. */
@Entity({ tableName: 'report_dirty_hours' })
export class ReportDirtyHour {
  @PrimaryKey({ type: 'string', length: 40 })
  appId!: string;

  @PrimaryKey({ type: 'integer', autoincrement: false })
  hour!: number;
}
