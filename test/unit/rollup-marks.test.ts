import { describe, expect, it } from 'vitest';
import type { EntityRows } from '../../src/database/entity-rows';
import type { SqlSession } from '../../src/database/sql-session';
import { hourOf, markChargeHour } from '../../src/reports/rollups/rollup-marks';

/** The dirty mark the charge write paths add: a statement only for a charge whose hour already closed. */
describe('markChargeHour', () => {
  const session = {} as SqlSession;
  function recorder() {
    const marks: unknown[] = [];
    const rows = { insertIgnore: (_s: SqlSession, _e: unknown, values: unknown[]) => Promise.resolve(marks.push(...values)) } as unknown as EntityRows;
    return { rows, marks };
  }

  it('writes nothing for a charge settled within its own hour', async () => {
    const { rows, marks } = recorder();
    await markChargeHour(rows, session, 'app_1', new Date('2026-11-10T10:00:00.000Z'), new Date('2026-11-10T10:59:59.999Z'));
    expect(marks).toEqual([]);
  });

  it('marks the charge hour once that hour has closed', async () => {
    const { rows, marks } = recorder();
    await markChargeHour(rows, session, 'app_1', new Date('2026-11-10T10:59:59.999Z'), new Date('2026-11-10T11:00:00.000Z'));
    expect(marks).toEqual([{ appId: 'app_1', hour: hourOf(new Date('2026-11-10T10:00:00Z')) }]);
  });
});
