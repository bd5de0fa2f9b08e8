import type { ReportSummary, SummaryFigures } from '../../api/types';
import type { Kpi } from '../../components/kpi-card';
import { formatMoney } from '../../format/money';
import { formatCount, formatMs, formatRate } from '../../format/numbers';
import type { Lang, MessageKey, Vars } from '../../i18n/dictionary';

const inCurrency = (list: { currency: string; count: number; amount: number }[], currency: string) => list.find((m) => m.currency === currency) ?? { currency, count: 0, amount: 0 };

/** The overview's cards: each figure of the period with the same figure of the period before. */
export function overviewKpis(s: ReportSummary, currency: string, t: (k: MessageKey, v?: Vars) => string, lang: Lang): Kpi[] {
  const p: SummaryFigures = s.previous_period;
  const processed = inCurrency(s.processed, currency);
  const refunds = inCurrency(s.refunds, currency);
  return [
    { name: 'success-rate', label: t('kpi.successRate'), display: formatRate(s.charges.success_rate, lang), raw: s.charges.success_rate, previous: p.charges.success_rate, changeKind: 'points' },
    {
      name: 'attempts',
      label: t('kpi.attempts'),
      display: formatCount(s.charges.attempts, lang),
      raw: s.charges.attempts,
      previous: p.charges.attempts,
      changeKind: 'relative',
      hint: t('kpi.attemptsHint', { succeeded: formatCount(s.charges.succeeded, lang), failed: formatCount(s.charges.failed, lang), inProgress: formatCount(s.charges.in_progress, lang) }),
    },
    {
      name: 'amount',
      label: t('kpi.amount'),
      display: formatMoney(processed.amount, currency),
      raw: processed.amount,
      previous: inCurrency(p.processed, currency).amount,
      changeKind: 'relative',
      hint: t('kpi.paymentsCount', { n: formatCount(processed.count, lang) }),
    },
    { name: 'avg-ms', label: t('kpi.avgMs'), display: formatMs(s.processing_time_ms.average, lang), raw: s.processing_time_ms.average, previous: p.processing_time_ms.average, changeKind: 'relative', lowerIsBetter: true },
    { name: 'p95-ms', label: t('kpi.p95Ms'), display: formatMs(s.processing_time_ms.p95, lang), raw: s.processing_time_ms.p95, previous: p.processing_time_ms.p95, changeKind: 'relative', lowerIsBetter: true },
    {
      name: 'refunds',
      label: t('kpi.refunds'),
      display: formatMoney(refunds.amount, currency),
      raw: refunds.amount,
      previous: inCurrency(p.refunds, currency).amount,
      changeKind: 'relative',
      lowerIsBetter: true,
      hint: t('kpi.refundsCount', { n: formatCount(refunds.count, lang) }),
    },
  ];
}
