/**
 * The hourly rollups behind the summary and the time series (src/reports/rollups/): random charges and refunds
 * across many hours, the rollup job, then old charges changed after their hour was rolled up (pending settled,
 * a success turned into a failure, a new refund in an old hour) — and every answer, with rollups, must equal
 * the answer computed from the charges alone. SQLite by default, MariaDB with TEST_DB=mysql.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntityRows } from '../../src/database/entity-rows';
import { SqlRunner } from '../../src/database/sql-runner';
import { ReportQueries } from '../../src/reports/report-queries';
import { ReportRollups } from '../../src/reports/rollups/report-rollups';
import { markChargeHour } from '../../src/reports/rollups/rollup-marks';
import { type ChargeFixture, seedCharges, seedRefund } from '../support/report-fixtures';
import { bearer, startTestApp, type TestApp } from '../support/test-app';

const START = Date.parse('2026-11-10T00:00:00Z');
const HOURS = 72;

/** A small deterministic generator, so a failure can be replayed. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('report rollups', () => {
  let t: TestApp;
  let key: string;
  let appId: string;
  let ids: string[];
  let fixtures: ChargeFixture[];
  const random = generator(20261205);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

  /** Range queries that start and end inside hours, span rolled and unrolled hours, with and without filters. */
  const queries: [string, Record<string, string>][] = [
    ['/v1/reports/summary', { from: '2026-11-11T00:00:00Z', to: '2026-11-12T00:00:00Z' }],
    ['/v1/reports/summary', { from: '2026-11-10T03:17:00Z', to: '2026-11-12T21:44:10.500Z' }],
    ['/v1/reports/summary', { from: '2026-11-10T03:17:00Z', to: '2026-11-12T21:44:10.500Z', currency: 'USD' }],
    ['/v1/reports/summary', { from: '2026-11-09T00:00:00Z', to: '2026-11-14T00:00:00Z', gateway: 'mercadopago', currency: 'PEN' }],
    ['/v1/reports/summary', { from: '2026-11-10T05:10:00Z', to: '2026-11-10T05:50:00Z' }],
    ['/v1/reports/timeseries', { from: '2026-11-10T05:00:00Z', to: '2026-11-13T05:00:00Z', interval: 'day', time_zone: 'America/Lima' }],
    ['/v1/reports/timeseries', { from: '2026-11-11T00:30:00Z', to: '2026-11-12T02:00:00Z', interval: 'hour', time_zone: 'America/Lima', gateway: 'culqi' }],
    ['/v1/reports/timeseries', { from: '2026-11-10T00:00:00Z', to: '2026-11-13T00:00:00Z', interval: 'day', time_zone: 'Asia/Kolkata' }],
  ];

  async function answers(useRollups: boolean): Promise<unknown[]> {
    t.app.get(ReportQueries).useRollups = useRollups;
    try {
      const out: unknown[] = [];
      for (const [path, query] of queries) {
        const res = await t.http.get(path).query(query).set(bearer(key));
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        out.push(res.body);
      }
      return out;
    } finally {
      t.app.get(ReportQueries).useRollups = true;
    }
  }

  const expectSameAsCharges = async () => expect(await answers(true)).toEqual(await answers(false));

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key, appId } = await t.newTenant('rollups'));
    fixtures = [];
    for (let i = 0; i < 900; i++) {
      const status = pick(['succeeded', 'succeeded', 'succeeded', 'failed', 'pending', 'requires_action'] as const);
      const declined = status === 'failed' && random() < 0.6;
      fixtures.push({
        at: new Date(START + Math.floor(random() * HOURS * 3_600_000)),
        status,
        amount: 100 + Math.floor(random() * 50_000),
        currency: pick(['PEN', 'PEN', 'USD'] as const),
        gateway: pick(['culqi', 'mercadopago'] as const),
        sourceType: pick(['card_token', 'card_token', 'yape_token'] as const),
        cardBrand: pick(['Visa', 'MasterCard', null]),
        declineCode: declined ? pick(['insufficient_funds', 'expired_card']) : null,
        failureCode: status === 'failed' ? (declined ? 'card_declined' : pick(['gateway_timeout', 'gateway_error'])) : null,
        processingMs: status === 'succeeded' || status === 'failed' ? Math.round(40 + Math.exp(random() * 7)) : null,
      });
    }
    ids = await seedCharges(t, appId, fixtures);
    for (let i = 0; i < 60; i++) {
      await seedRefund(t, appId, { at: new Date(START + Math.floor(random() * HOURS * 3_600_000)).toISOString(), amount: 100 + Math.floor(random() * 5_000), currency: pick(['PEN', 'USD'] as const) });
    }
  }, 120_000);

  afterAll(() => t?.close());

  it('answers the same from the rollups as from the charges, also after old charges change', async () => {
    await expectSameAsCharges(); // nothing rolled up yet
    const rollups = t.app.get(ReportRollups);
    expect(await rollups.run()).toBeGreaterThan(0);
    await rollups.run(); // idempotent: a second run changes nothing
    const sql = t.app.get(SqlRunner);
    const counted = await sql.all<{ n: number | string }>('select count(*) as n from report_charge_hours where app_id = ?', [appId]);
    expect(Number(counted[0]?.n)).toBeGreaterThan(HOURS);
    const plan = await t.app.get(ReportQueries).plan({ appId, from: new Date('2026-11-10T03:17:00Z'), to: new Date('2026-11-12T21:44:10Z') });
    expect(plan.rolled).toMatchObject({ from: Date.parse('2026-11-10T04:00:00Z') / 3_600_000, skip: [] });
    await expectSameAsCharges();

    // Old charges change after their hour was rolled up, as reconciliation and webhooks change them: in the
    // write's transaction, with the mark the write paths add (charge-sync.service.ts, charges.service.ts).
    const rows = t.app.get(EntityRows);
    const now = new Date();
    const changes = ids.map((id, i) => ({ id, f: fixtures[i]! })).filter(({ f }) => f.status !== 'failed').slice(0, 40);
    for (const [i, { id, f }] of changes.entries()) {
      const toFailed = i % 3 === 0;
      await sql.transaction(async (tx) => {
        await tx.run(
          "update charges set status = ?, processing_ms = ?, decline_code = ?, failure_code = ?, card_brand = 'Amex', updated_at = ? where id = ?",
          [toFailed ? 'failed' : 'succeeded', 1234 + i, toFailed ? 'fraudulent' : null, toFailed ? 'card_declined' : null, now, id],
        );
        await markChargeHour(rows, tx, appId, new Date(f.at), now);
      });
    }
    await seedRefund(t, appId, { at: '2026-11-11T07:30:00Z', amount: 777, currency: 'USD' });
    const dirty = await sql.all('select hour from report_dirty_hours where app_id = ?', [appId]);
    expect(dirty.length).toBeGreaterThan(0);
    await expectSameAsCharges(); // dirty hours read from the charges
    await rollups.run();
    expect(await sql.all('select hour from report_dirty_hours where app_id = ?', [appId])).toEqual([]);
    await expectSameAsCharges(); // rebuilt
  }, 120_000);

  it('two rollup runs at once leave the same rollups as one', async () => {
    const sql = t.app.get(SqlRunner);
    await sql.run('delete from report_rollup_state where app_id = ?', [appId]);
    const rollups = t.app.get(ReportRollups);
    await Promise.allSettled([rollups.run(), rollups.run()]);
    await rollups.run();
    await expectSameAsCharges();
  }, 120_000);
});
