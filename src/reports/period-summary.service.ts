import { Injectable } from '@nestjs/common';
import type { Currency } from '../common/money';
import { SqlRunner } from '../database/sql-runner';

export interface PeriodSummary {
  attempts: number;
  succeeded: number;
  successRate: number | null;
  processed: { currency: Currency; count: number; amount: number }[];
  refunds: { currency: Currency; count: number; amount: number }[];
  topDeclines: { code: string; count: number }[];
  gateways: { gateway: string; attempts: number; succeeded: number; conversion: number | null; amounts: { currency: Currency; amount: number }[] }[];
}

type Num = number | string | null;
const n = (v: Num): number => Number(v ?? 0);

/**
 * One app's payments over a period, in SQL aggregates (charges by attempt time, over the
 * (app_id, attempted_at) index): what the daily and weekly summaries say, and the base of the reports
 * API to come. An attempt is a charge that ended (succeeded or failed); money is summed in integers.
 */
@Injectable()
export class PeriodSummaryService {
  constructor(private readonly sql: SqlRunner) {}

  async summarize(appId: string, from: Date, to: Date): Promise<PeriodSummary> {
    const window = [appId, from, to];
    const ended = "app_id = ? and attempted_at >= ? and attempted_at < ? and status in ('succeeded', 'failed')";
    const byGateway = await this.sql.all<{ gateway: string; currency: Currency; attempts: Num; succeeded: Num; amount: Num }>(
      `select gateway, currency, count(*) as attempts, sum(case when status = 'succeeded' then 1 else 0 end) as succeeded, sum(case when status = 'succeeded' then amount else 0 end) as amount from charges where ${ended} group by gateway, currency`,
      window,
    );
    const declines = await this.sql.all<{ code: string; n: Num }>(
      `select coalesce(decline_code, failure_code) as code, count(*) as n from charges where ${ended} and status = 'failed' group by coalesce(decline_code, failure_code) order by n desc limit 5`,
      window,
    );
    const refunds = await this.sql.all<{ currency: Currency; n: Num; amount: Num }>(
      "select currency, count(*) as n, sum(amount) as amount from refunds where app_id = ? and created_at >= ? and created_at < ? and status = 'succeeded' group by currency",
      window,
    );

    const attempts = byGateway.reduce((a, r) => a + n(r.attempts), 0);
    const succeeded = byGateway.reduce((a, r) => a + n(r.succeeded), 0);
    const processed = new Map<Currency, { count: number; amount: number }>();
    const gateways = new Map<string, PeriodSummary['gateways'][number]>();
    for (const r of byGateway) {
      const p = processed.get(r.currency) ?? { count: 0, amount: 0 };
      processed.set(r.currency, { count: p.count + n(r.succeeded), amount: p.amount + n(r.amount) });
      const g = gateways.get(r.gateway) ?? { gateway: r.gateway, attempts: 0, succeeded: 0, conversion: null, amounts: [] };
      g.attempts += n(r.attempts);
      g.succeeded += n(r.succeeded);
      if (n(r.amount) > 0) g.amounts.push({ currency: r.currency, amount: n(r.amount) });
      gateways.set(r.gateway, g);
    }
    for (const g of gateways.values()) g.conversion = g.attempts > 0 ? g.succeeded / g.attempts : null;
    return {
      attempts,
      succeeded,
      successRate: attempts > 0 ? succeeded / attempts : null,
      processed: [...processed].filter(([, p]) => p.count > 0).map(([currency, p]) => ({ currency, ...p })),
      refunds: refunds.map((r) => ({ currency: r.currency, count: n(r.n), amount: n(r.amount) })),
      topDeclines: declines.filter((d) => d.code !== null).map((d) => ({ code: d.code, count: n(d.n) })),
      gateways: [...gateways.values()].sort((a, b) => b.attempts - a.attempts),
    };
  }
}
