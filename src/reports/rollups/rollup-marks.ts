import type { EntityRows } from '../../database/entity-rows';
import type { SqlSession } from '../../database/sql-session';
import { ReportDirtyHour } from './report-rollup.entities';

export const HOUR_MS = 3_600_000;

/** The rollup hour of an instant: whole UTC hours since the epoch. */
export const hourOf = (at: Date | number): number => Math.floor((typeof at === 'number' ? at : at.getTime()) / HOUR_MS);

/**
 * Called in the transaction of every write that changes a reported column of a charge (status, outcome, gateway,
 * attempted_at). The rollup job only rolls up hours that ended ROLLUP_LAG_MS ago (report-rollups.ts), so a charge
 * written in its own, still open hour — nearly every payment — costs nothing here; only a charge settled after
 * its hour closed (reconciliation, a late webhook, 3-D Secure finished across the hour) marks that hour dirty with
 * one `insert ignore` on a two-column primary key. The reports read a dirty hour from the charges until the job
 * rebuilds it, so they never answer from a stale rollup; the mark commits with the change it describes.
 */
export async function markChargeHour(rows: EntityRows, s: SqlSession, appId: string, attemptedAt: Date, now: Date): Promise<void> {
  const hour = hourOf(attemptedAt);
  if (hour >= hourOf(now)) return;
  await rows.insertIgnore(s, ReportDirtyHour, [{ appId, hour }]);
}
