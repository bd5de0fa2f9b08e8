import { Injectable } from '@nestjs/common';
import type { Currency } from '../common/money';
import { ReportQueries } from './report-queries';
import { summarizeCharges, summarizeRefunds } from './report-summary';

export interface PeriodSummary {
  attempts: number;
  succeeded: number;
  successRate: number | null;
  processed: { currency: Currency; count: number; amount: number }[];
  refunds: { currency: Currency; count: number; amount: number }[];
  topDeclines: { code: string; count: number }[];
  gateways: { gateway: string; attempts: number; succeeded: number; conversion: number | null; amounts: { currency: Currency; amount: number }[] }[];
}

/**
 * One app's payments over a period as the daily and weekly summary e-mails tell it: the reports API's figures
 * (report-queries.ts, report-summary.ts), cut to what an e-mail shows — the five commonest reasons a payment
 * failed (declines and errors together), each gateway's money without the zeros.
 */
@Injectable()
export class PeriodSummaryService {
  constructor(private readonly queries: ReportQueries) {}

  async summarize(appId: string, from: Date, to: Date): Promise<PeriodSummary> {
    const scope = { appId, from, to };
    const plan = await this.queries.plan(scope);
    const [groups, failures, refunds] = await Promise.all([this.queries.chargeGroups(scope, plan), this.queries.failures(scope, plan), this.queries.refunds(scope)]);
    const figures = summarizeCharges(groups, [], failures);
    return {
      attempts: figures.charges.attempts,
      succeeded: figures.charges.succeeded,
      successRate: figures.charges.success_rate,
      processed: figures.processed,
      refunds: summarizeRefunds(refunds),
      topDeclines: [...figures.declines, ...figures.errors.filter((e) => e.code !== 'unknown')]
        .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
        .slice(0, 5),
      gateways: figures.gateways.map((g) => ({
        gateway: g.gateway,
        attempts: g.attempts,
        succeeded: g.succeeded,
        conversion: g.conversion,
        amounts: g.processed.filter((p) => p.amount > 0).map((p) => ({ currency: p.currency, amount: p.amount })),
      })),
    };
  }
}
