/**
 * Issue 12 — the reports API: `GET /v1/reports/summary`, `/timeseries` and `/transactions.csv`, through real
 * HTTP on SQLite and MariaDB/MySQL. Exact figures come from charges written at chosen instants with chosen
 * durations (report-fixtures.ts); a second part pays through the sandboxes and finds those payments in all
 * three reports.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, clientOf, createOrder, expectProblem, payWithCulqi, payWithMercadoPago } from '../support/charge-fixtures';
import { seedCharges, seedCreditMovement, seedRefund } from '../support/report-fixtures';
import type { SandboxInfo } from '../support/sandbox-client';
import { startSandboxApp } from '../support/sandbox-app';
import { bearer, type TestApp } from '../support/test-app';

/** Two Lima days: 1 and 2 November 2026 (Lima is UTC−5). */
const FROM = '2026-11-01T05:00:00.000Z';
const TO = '2026-11-03T05:00:00.000Z';

type Summary = Record<string, unknown> & {
  charges: Record<string, unknown>;
  gateways: Record<string, unknown>[];
  previous_period: Record<string, unknown> & { charges: Record<string, unknown> };
};

async function getJson(t: TestApp, key: string, path: string, query: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await t.http.get(path).query(query).set(bearer(key));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Record<string, unknown>;
}

async function getCsv(t: TestApp, key: string, query: Record<string, string>): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const res = await t.http
    .get('/v1/reports/transactions.csv')
    .query(query)
    .set(bearer(key))
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (b: Buffer) => chunks.push(b));
      r.on('end', () => cb(null, Buffer.concat(chunks).toString('utf8')));
    });
  return { status: res.status, headers: res.headers, text: res.body as string };
}

describe('reports API', () => {
  let t: TestApp;
  let info: SandboxInfo;
  /** The tenant with the fixtures below, and one with nothing. */
  let key: string;
  let emptyKey: string;
  let ids: string[];

  beforeAll(async () => {
    ({ t, info } = await startSandboxApp());
    const tenant = await t.newTenant('reports');
    key = tenant.apiKey;
    emptyKey = (await t.newTenant('reports-empty')).apiKey;
    ids = await seedCharges(t, tenant.appId, [
      { at: '2026-11-01T12:00:00Z', amount: 10_000, processingMs: 100, reference: '=HYPERLINK("http://evil")' },
      { at: '2026-11-01T12:20:00Z', amount: 5_000, processingMs: 200, cardBrand: 'MasterCard' },
      { at: '2026-11-02T01:00:00Z', status: 'failed', declineCode: 'insufficient_funds', processingMs: 300, failureMessage: 'Fondos insuficientes, "reintente"' },
      { at: '2026-11-02T15:00:00Z', gateway: 'mercadopago', currency: 'USD', amount: 2_000, processingMs: 400 },
      { at: '2026-11-02T16:00:00Z', gateway: 'mercadopago', status: 'failed', failureCode: 'gateway_timeout', processingMs: 5_000, sourceType: 'yape_token', cardBrand: null },
      { at: '2026-11-02T17:00:00Z', status: 'pending', processingMs: null },
      { at: '2026-11-02T18:00:00Z', amount: 11_800, processingMs: 150, creditPackage: 'professional', email: 'Peña@example.com' },
      // The previous period (31 October) and after the range.
      { at: '2026-10-31T12:00:00Z', amount: 7_000, processingMs: 120 },
      { at: '2026-11-05T12:00:00Z', amount: 9_900 },
    ]);
    await seedRefund(t, tenant.appId, { at: '2026-11-02T10:00:00Z', amount: 3_000 });
    await seedRefund(t, tenant.appId, { at: '2026-11-02T11:00:00Z', amount: 500, currency: 'USD', gateway: 'mercadopago' });
    await seedRefund(t, tenant.appId, { at: '2026-11-02T12:00:00Z', amount: 999, status: 'failed' });
    for (const [type, credits] of [
      ['purchase', 500],
      ['bonus', 50],
      ['consume', -30],
      ['consume', -20],
      ['expire', -10],
      ['grant', 25],
      ['refund_reversal', -5],
    ] as const) {
      await seedCreditMovement(t, tenant.appId, { at: '2026-11-02T19:00:00Z', type, credits });
    }
    await seedCreditMovement(t, tenant.appId, { at: '2026-10-31T19:00:00Z', type: 'consume', credits: -99 });
  });
  afterAll(async () => t.close());

  it('summary: success rate, money, latency, gateways, methods, declines, errors, refunds and credits — and the period before', async () => {
    const s = (await getJson(t, key, '/v1/reports/summary', { from: FROM, to: TO })) as Summary;
    expect(s).toMatchObject({ object: 'report_summary', from: FROM, to: TO, currency: null, gateway: null });
    expect(s.charges).toEqual({ attempts: 6, succeeded: 4, failed: 2, in_progress: 1, success_rate: 4 / 6 });
    expect(s.processed).toEqual([
      { currency: 'PEN', count: 3, amount: 26_800 },
      { currency: 'USD', count: 1, amount: 2_000 },
    ]);
    // Nearest rank: the 6th of 6 values (100 150 200 300 400 5000) is the 95th percentile.
    expect(s.processing_time_ms).toEqual({ average: 1025, p95: 5000 });
    expect(s.gateways).toEqual([
      {
        gateway: 'culqi',
        attempts: 4,
        succeeded: 3,
        failed: 1,
        in_progress: 1,
        success_rate: 0.75,
        conversion: 0.75,
        processed: [{ currency: 'PEN', count: 3, amount: 26_800 }],
        processing_time_ms: { average: 188, p95: 300 },
      },
      {
        gateway: 'mercadopago',
        attempts: 2,
        succeeded: 1,
        failed: 1,
        in_progress: 0,
        success_rate: 0.5,
        conversion: 0.5,
        processed: [{ currency: 'USD', count: 1, amount: 2_000 }],
        processing_time_ms: { average: 2700, p95: 5000 },
      },
    ]);
    expect(s.payment_methods).toEqual([
      { source_type: 'card_token', card_brand: 'Visa', attempts: 4, succeeded: 3, failed: 1, in_progress: 1, success_rate: 0.75 },
      { source_type: 'card_token', card_brand: 'MasterCard', attempts: 1, succeeded: 1, failed: 0, in_progress: 0, success_rate: 1 },
      { source_type: 'yape_token', card_brand: null, attempts: 1, succeeded: 0, failed: 1, in_progress: 0, success_rate: 0 },
    ]);
    expect(s.declines).toEqual([{ code: 'insufficient_funds', count: 1 }]);
    expect(s.errors).toEqual([{ code: 'gateway_timeout', count: 1 }]);
    expect(s.refunds).toEqual([
      { currency: 'PEN', count: 1, amount: 3_000 },
      { currency: 'USD', count: 1, amount: 500 },
    ]);
    expect(s.credits).toEqual({
      packages_sold: [{ package: 'professional', count: 1, currency: 'PEN', amount: 11_800 }],
      purchased: 500,
      bonus: 50,
      granted: 25,
      consumed: 50,
      expired: 10,
      reversed: 5,
    });
    expect(s.previous_period).toMatchObject({ from: '2026-10-30T05:00:00.000Z', to: FROM, processed: [{ currency: 'PEN', count: 1, amount: 7_000 }] });
    expect(s.previous_period.charges).toEqual({ attempts: 1, succeeded: 1, failed: 0, in_progress: 0, success_rate: 1 });
    expect(s.previous_period).toMatchObject({ credits: { consumed: 99 }, processing_time_ms: { average: 120, p95: 120 } });
  });

  it('summary filtered by currency and by gateway (refunds too); another app sees nothing', async () => {
    const usd = (await getJson(t, key, '/v1/reports/summary', { from: FROM, to: TO, currency: 'USD' })) as Summary;
    expect(usd.charges).toMatchObject({ attempts: 1, succeeded: 1 });
    expect(usd.refunds).toEqual([{ currency: 'USD', count: 1, amount: 500 }]);
    const mp = (await getJson(t, key, '/v1/reports/summary', { from: FROM, to: TO, gateway: 'mercadopago' })) as Summary;
    expect(mp.charges).toMatchObject({ attempts: 2, succeeded: 1, failed: 1 });
    expect(mp.gateways.map((g) => g.gateway)).toEqual(['mercadopago']);
    expect(mp.refunds).toEqual([{ currency: 'USD', count: 1, amount: 500 }]);

    const none = (await getJson(t, emptyKey, '/v1/reports/summary', { from: FROM, to: TO })) as Summary;
    expect(none.charges).toEqual({ attempts: 0, succeeded: 0, failed: 0, in_progress: 0, success_rate: null });
    expect(none).toMatchObject({ processed: [], gateways: [], refunds: [], processing_time_ms: { average: null, p95: null }, credits: { packages_sold: [], consumed: 0 } });
  });

  it('time series by Lima day and hour, empty buckets included', async () => {
    const daily = await getJson(t, key, '/v1/reports/timeseries', { from: FROM, to: TO });
    expect(daily).toMatchObject({ object: 'report_timeseries', interval: 'day', time_zone: 'America/Lima', from: FROM, to: TO });
    expect(daily.buckets).toEqual([
      {
        start: FROM,
        end: '2026-11-02T05:00:00.000Z',
        attempts: 3,
        succeeded: 2,
        failed: 1,
        success_rate: 2 / 3,
        processed: [{ currency: 'PEN', count: 2, amount: 15_000 }],
        average_processing_ms: 200,
        credits: { purchased: 0, bonus: 0, granted: 0, consumed: 0, expired: 0, reversed: 0 },
      },
      {
        start: '2026-11-02T05:00:00.000Z',
        end: TO,
        attempts: 3,
        succeeded: 2,
        failed: 1,
        success_rate: 2 / 3,
        processed: [
          { currency: 'PEN', count: 1, amount: 11_800 },
          { currency: 'USD', count: 1, amount: 2_000 },
        ],
        average_processing_ms: 1850,
        credits: { purchased: 500, bonus: 50, granted: 25, consumed: 50, expired: 10, reversed: 5 },
      },
    ]);
    const hourly = await getJson(t, key, '/v1/reports/timeseries', { from: FROM, to: TO, interval: 'hour' });
    const buckets = hourly.buckets as { start: string; attempts: number; succeeded: number }[];
    expect(buckets).toHaveLength(48);
    expect(buckets[7]).toMatchObject({ start: '2026-11-01T12:00:00.000Z', attempts: 2, succeeded: 2 });
    expect(buckets.reduce((n, b) => n + b.attempts, 0)).toBe(6);
    expect(buckets.filter((b) => b.attempts === 0)).toHaveLength(43); // attempts in 5 hours (the pending charge is none)
    // Credit movements land in their own hour (19:00 UTC), and the previous period's (31 October) in none.
    const withCredits = (hourly.buckets as { start: string; credits: Record<string, number> }[]).filter((b) => Object.values(b.credits).some((v) => v !== 0));
    expect(withCredits).toEqual([{ ...buckets.find((b) => b.start === '2026-11-02T19:00:00.000Z'), credits: { purchased: 500, bonus: 50, granted: 25, consumed: 50, expired: 10, reversed: 5 } }]);
  });

  it('days follow the wall clock across a daylight-saving change (New York, 1 November 2026: 25 hours)', async () => {
    const ny = await getJson(t, key, '/v1/reports/timeseries', { from: '2026-11-01T04:00:00Z', to: TO, time_zone: 'America/New_York' });
    expect((ny.buckets as { start: string; end: string }[]).map((b) => [b.start, b.end])).toEqual([
      ['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z'],
      ['2026-11-02T05:00:00.000Z', '2026-11-03T05:00:00.000Z'],
    ]);
    // A range that starts mid-day widens to the whole local day.
    const mid = await getJson(t, key, '/v1/reports/timeseries', { from: '2026-11-01T18:00:00Z', to: '2026-11-01T20:00:00Z' });
    expect(mid).toMatchObject({ from: FROM, to: '2026-11-02T05:00:00.000Z' });
  });

  it('transactions.csv: RFC 4180 with a BOM, one row per charge in order, formulas neutralised, text round-trips', async () => {
    const csv = await getCsv(t, key, { from: FROM, to: TO });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="smartpay-transactions-2026-11-01-2026-11-03.csv"');
    expect(csv.text.startsWith('\uFEFFcharge_id,order_id,order_reference,attempted_at,')).toBe(true);
    expect(csv.text.endsWith('\r\n')).toBe(true);
    expect(csv.text.replace(/\r\n/g, '')).not.toMatch(/\n/); // every record ends in CRLF
    const records = parse<Record<string, string>>(csv.text, { bom: true, columns: true });
    expect(records.map((r) => r.charge_id)).toEqual(ids.slice(0, 7));
    expect(records[0]).toMatchObject({ order_reference: `'=HYPERLINK("http://evil")`, status: 'succeeded', gateway: 'culqi', currency: 'PEN', amount: '100.00', amount_minor: '10000', processing_ms: '100' });
    expect(records[0]!.attempted_at).toBe('2026-11-01T12:00:00.000Z');
    expect(records[2]).toMatchObject({ status: 'failed', decline_code: 'insufficient_funds', failure_message: 'Fondos insuficientes, "reintente"' });
    expect(records[4]).toMatchObject({ payment_method: 'yape_token', card_brand: '', failure_code: 'gateway_timeout' });
    expect(records[5]).toMatchObject({ status: 'pending', processing_ms: '' });
    expect(records[6]).toMatchObject({ email: 'Peña@example.com', amount: '118.00' });

    const failedOnly = parse<Record<string, string>>((await getCsv(t, key, { from: FROM, to: TO, status: 'failed' })).text, { bom: true, columns: true });
    expect(failedOnly.map((r) => r.charge_id)).toEqual([ids[2], ids[4]]);
    const nothing = await getCsv(t, emptyKey, { from: FROM, to: TO });
    expect(parse(nothing.text, { bom: true, columns: true })).toEqual([]);
  });

  it('transactions.csv streams batch after batch: 2,510 charges, 2,500 of them at the same millisecond, each once', async () => {
    const tenant = await t.newTenant('reports-bulk');
    const sameInstant = Array.from({ length: 2_500 }, () => ({ at: '2026-11-10T10:00:00.000Z' }));
    const later = Array.from({ length: 10 }, (_, i) => ({ at: `2026-11-10T11:00:0${i}.000Z` }));
    const seeded = await seedCharges(t, tenant.appId, [...sameInstant, ...later]);
    const csv = await getCsv(t, tenant.apiKey, { from: '2026-11-10T00:00:00Z', to: '2026-11-11T00:00:00Z' });
    const records = parse<Record<string, string>>(csv.text, { bom: true, columns: true });
    expect(records).toHaveLength(2_510);
    expect(new Set(records.map((r) => r.charge_id))).toEqual(new Set(seeded));
    expect(records.slice(2_500).map((r) => r.charge_id)).toEqual(seeded.slice(2_500));
  });

  it('bad input is a problem+json validation_error', async () => {
    const problem = async (path: string, query: Record<string, string>) => expectProblem(await t.http.get(path).query(query).set(bearer(key)), 400, 'validation_error');
    await problem('/v1/reports/summary', { from: TO, to: FROM });
    await problem('/v1/reports/summary', { from: '2024-01-01T00:00:00Z', to: TO });
    await problem('/v1/reports/summary', { from: 'yesterday' });
    await problem('/v1/reports/summary', { currency: 'EUR' });
    await problem('/v1/reports/summary', { gateway: 'stripe' });
    await problem('/v1/reports/summary', { sort: 'amount' });
    await problem('/v1/reports/timeseries', { from: '2026-09-01T00:00:00Z', to: TO, interval: 'hour' });
    await problem('/v1/reports/timeseries', { interval: 'week' });
    await problem('/v1/reports/timeseries', { time_zone: 'Mars/Olympus_Mons' });
    await problem('/v1/reports/transactions.csv', { status: 'refunded' });
    expect((await t.http.get('/v1/reports/summary')).status).toBe(401);
  });

  it('defaults to the last 30 days', async () => {
    const s = await getJson(t, key, '/v1/reports/summary', {});
    expect(new Date(s.to as string).getTime() - new Date(s.from as string).getTime()).toBe(30 * 86_400_000);
    expect(Math.abs(new Date(s.to as string).getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('payments made through the sandboxes appear in the summary, the time series, the CSV and /metrics', async () => {
    const tenant = await t.newTenant('reports-live');
    const c: Client = clientOf(t, tenant.apiKey);
    const from = new Date(Date.now() - 60_000).toISOString();
    const culqi = await payWithCulqi(c, info, await createOrder(c, { amount: 4_200 }));
    const mp = await payWithMercadoPago(c, info, await createOrder(c, { amount: 1_500 }));
    const to = new Date(Date.now() + 60_000).toISOString();

    const s = (await getJson(t, c.key, '/v1/reports/summary', { from, to })) as Summary;
    expect(s.charges).toMatchObject({ attempts: 2, succeeded: 2, success_rate: 1 });
    expect(s.processed).toEqual([{ currency: 'PEN', count: 2, amount: 5_700 }]);
    expect(s.gateways.map((g) => [g.gateway, g.succeeded]).sort()).toEqual([
      ['culqi', 1],
      ['mercadopago', 1],
    ]);
    expect((s.processing_time_ms as { average: number }).average).toBeGreaterThanOrEqual(0);

    const series = await getJson(t, c.key, '/v1/reports/timeseries', { from, to, interval: 'hour' });
    expect((series.buckets as { succeeded: number }[]).reduce((n, b) => n + b.succeeded, 0)).toBe(2);

    const records = parse<Record<string, string>>((await getCsv(t, c.key, { from, to })).text, { bom: true, columns: true });
    expect(records.map((r) => r.charge_id).sort()).toEqual([culqi.id, mp.id].sort());

    // The same payments in the Prometheus metrics (per instance; this instance made them).
    const metrics = (await t.http.get('/metrics')).text;
    const value = (prefix: string): number => Number(metrics.split('\n').find((l) => l.startsWith(prefix))?.split(' ').pop() ?? NaN);
    expect(value('smartpay_charge_outcomes_total{gateway="culqi",status="succeeded"}')).toBeGreaterThanOrEqual(1);
    expect(value('smartpay_charge_outcomes_total{gateway="mercadopago",status="succeeded"}')).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/^smartpay_gateway_request_duration_seconds_count\{gateway="culqi",operation="[a-z_.]+",result="ok"\} [1-9]/m);
    expect(metrics).toMatch(/^smartpay_gateway_request_duration_seconds_bucket\{le="0.05",gateway="mercadopago",operation="[a-z_.]+",result="ok"\} \d+/m);
  });
});
