import type { Currency } from '../common/money';
import { type Distribution, meanMs, num, percentile, rate } from './report-math';
import type { ChargeGroupRow, FailureRow, LatencyRow } from './report-queries';

/**
 * Rolls the summary's aggregate rows up into what `GET /v1/reports/summary` answers. Pure (rows in, object
 * out), so every figure is unit-tested against hand-made rows; report-queries.ts is the SQL.
 *
 * Definitions: an **attempt** is a charge that ended (`succeeded` or `failed`); `pending` and
 * `requires_action` charges are counted apart and are in no rate. The **success rate** is succeeded /
 * attempts. A **decline** is a failure the card's issuer or the gateway's antifraud decided (it has a
 * normalised `decline_code`); an **error** is any other failure (gateway down, timeout, bad request), by
 * `failure_code`. Processing time is from the request to the gateway's final answer, over attempts.
 */

export interface MoneyCount {
  currency: Currency;
  count: number;
  amount: number;
}

export interface LatencyFigures {
  average: number | null;
  p95: number | null;
}

export interface ChargeFigures {
  attempts: number;
  succeeded: number;
  failed: number;
  /** Still pending or waiting for 3-D Secure: in no rate. */
  in_progress: number;
  success_rate: number | null;
}

export interface SummaryFigures {
  charges: ChargeFigures;
  processed: MoneyCount[];
  processing_time_ms: LatencyFigures;
  gateways: (ChargeFigures & { gateway: string; conversion: number | null; processed: MoneyCount[]; processing_time_ms: LatencyFigures })[];
  payment_methods: (ChargeFigures & { source_type: string; card_brand: string | null })[];
  declines: { code: string; count: number }[];
  errors: { code: string; count: number }[];
  refunds: MoneyCount[];
  credits: CreditFigures;
}

export interface CreditFigures {
  packages_sold: { package: string; count: number; currency: Currency; amount: number }[];
  /** Credits added by purchases and renewals (the package's own credits). */
  purchased: number;
  bonus: number;
  granted: number;
  /** Positive numbers: credits taken out of balances. */
  consumed: number;
  expired: number;
  reversed: number;
}

/** Running totals of charges, fed by aggregate rows: shared by the summary and the time series' buckets. */
export interface Tally {
  attempts: number;
  succeeded: number;
  failed: number;
  inProgress: number;
  msSum: number;
  msN: number;
  processed: Map<Currency, { count: number; amount: number }>;
}

/** What an aggregate row must carry to be tallied (ChargeGroupRow and SlotRow both do). */
export type TallyRow = Pick<ChargeGroupRow, 'status' | 'currency' | 'n' | 'amount' | 'ms_sum' | 'ms_n'>;

export const newTally = (): Tally => ({ attempts: 0, succeeded: 0, failed: 0, inProgress: 0, msSum: 0, msN: 0, processed: new Map() });

export function add(t: Tally, r: TallyRow): void {
  const n = num(r.n);
  if (r.status === 'succeeded' || r.status === 'failed') {
    t.attempts += n;
    t.msSum += num(r.ms_sum);
    t.msN += num(r.ms_n);
  } else {
    t.inProgress += n;
  }
  if (r.status === 'succeeded') {
    t.succeeded += n;
    const p = t.processed.get(r.currency) ?? { count: 0, amount: 0 };
    t.processed.set(r.currency, { count: p.count + n, amount: p.amount + num(r.amount) });
  }
  if (r.status === 'failed') t.failed += n;
}

export const figures = (t: Tally): ChargeFigures => ({ attempts: t.attempts, succeeded: t.succeeded, failed: t.failed, in_progress: t.inProgress, success_rate: rate(t.succeeded, t.attempts) });
export const processedOf = (t: Tally): MoneyCount[] => [...t.processed].map(([currency, p]) => ({ currency, ...p })).sort((a, b) => a.currency.localeCompare(b.currency));

function tallyBy<K extends string>(rows: readonly ChargeGroupRow[], key: (r: ChargeGroupRow) => K): Map<K, Tally> {
  const out = new Map<K, Tally>();
  for (const r of rows) {
    const k = key(r);
    const t = out.get(k) ?? newTally();
    add(t, r);
    out.set(k, t);
  }
  return out;
}

function codeCounts(rows: readonly FailureRow[], pick: (r: FailureRow) => string | null): { code: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const code = pick(r);
    if (code === null) continue;
    counts.set(code, (counts.get(code) ?? 0) + num(r.n));
  }
  return [...counts].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

export function summarizeCharges(rows: readonly ChargeGroupRow[], latencies: readonly LatencyRow[], failures: readonly FailureRow[]): Omit<SummaryFigures, 'refunds' | 'credits'> {
  const all = newTally();
  for (const r of rows) add(all, r);
  const byGatewayLatency = new Map<string, [number, number][]>();
  const overall: [number, number][] = [];
  for (const l of latencies) {
    const pair: [number, number] = [num(l.ms), num(l.n)];
    overall.push(pair);
    byGatewayLatency.set(l.gateway, [...(byGatewayLatency.get(l.gateway) ?? []), pair]);
  }
  const latency = (t: Tally, d: Distribution): LatencyFigures => ({ average: meanMs(t.msSum, t.msN), p95: percentile(d, 0.95) });

  const gateways = [...tallyBy(rows, (r) => r.gateway)]
    .map(([gateway, t]) => ({ gateway, ...figures(t), conversion: rate(t.succeeded, t.attempts), processed: processedOf(t), processing_time_ms: latency(t, byGatewayLatency.get(gateway) ?? []) }))
    .sort((a, b) => b.attempts - a.attempts || a.gateway.localeCompare(b.gateway));
  const methods = new Map<string, { source_type: string; card_brand: string | null; t: Tally }>();
  for (const r of rows) {
    const brand = r.card_brand ?? null;
    const k = `${r.source_type}\u0000${brand ?? ''}`;
    const m = methods.get(k) ?? { source_type: r.source_type, card_brand: brand, t: newTally() };
    add(m.t, r);
    methods.set(k, m);
  }
  return {
    charges: figures(all),
    processed: processedOf(all),
    processing_time_ms: latency(all, overall),
    gateways,
    payment_methods: [...methods.values()]
      .map((m) => ({ source_type: m.source_type, card_brand: m.card_brand, ...figures(m.t) }))
      .sort((a, b) => b.attempts - a.attempts || a.source_type.localeCompare(b.source_type) || (a.card_brand ?? '').localeCompare(b.card_brand ?? '')),
    declines: codeCounts(failures, (r) => r.decline_code ?? null),
    errors: codeCounts(failures, (r) => (r.decline_code ? null : (r.failure_code ?? 'unknown'))),
  };
}

export function summarizeRefunds(rows: readonly { currency: Currency; n: number | string | null; amount: number | string | null }[]): MoneyCount[] {
  return rows.map((r) => ({ currency: r.currency, count: num(r.n), amount: num(r.amount) })).sort((a, b) => a.currency.localeCompare(b.currency));
}

export function summarizeCredits(
  movements: readonly { type: string; credits: number | string | null }[],
  packages: readonly { package: string; currency: Currency; n: number | string | null; amount: number | string | null }[],
): CreditFigures {
  return {
    packages_sold: packages
      .map((p) => ({ package: p.package, count: num(p.n), currency: p.currency, amount: num(p.amount) }))
      .sort((a, b) => a.package.localeCompare(b.package) || a.currency.localeCompare(b.currency)),
    ...creditMovementFigures(movements),
  };
}

/** Ledger movements as positive figures per kind: what came in (purchases and renewals, bonus, grants) and went out. */
export function creditMovementFigures(movements: readonly { type: string; credits: number | string | null }[]): Omit<CreditFigures, 'packages_sold'> {
  const by = (type: string) => movements.filter((m) => m.type === type).reduce((s, m) => s + num(m.credits), 0);
  return {
    purchased: by('purchase') + by('renewal'),
    bonus: by('bonus'),
    granted: by('grant'),
    consumed: -by('consume'),
    expired: -by('expire'),
    reversed: -by('refund_reversal'),
  };
}
