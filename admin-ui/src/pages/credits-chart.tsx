import { BarChart } from '@mantine/charts';
import type { ReportTimeseries } from '../api/types';
import { ChartCard } from '../components/chart-card';
import { formatBucket } from '../format/dates';
import { formatCount } from '../format/numbers';
import { useI18n } from '../i18n/i18n-context';

/**
 * Credits in and out of the customers' balances per bucket: what was added (packages, their bonus, manual
 * grants) against what was consumed, expired and taken back by refunds — so a period whose consumption
 * outruns its sales shows at a glance.
 */
export function CreditsChart({ series }: { series: ReportTimeseries }) {
  const { t, lang } = useI18n();
  const rows = series.buckets.map((b) => ({
    bucket: formatBucket(b.start, series.interval, lang),
    added: b.credits.purchased + b.credits.bonus + b.credits.granted,
    consumed: b.credits.consumed,
    expired: b.credits.expired,
    reversed: b.credits.reversed,
  }));
  const names = ['added', 'consumed', 'expired', 'reversed'] as const;
  const labels = { added: t('credits.added'), consumed: t('credits.consumed'), expired: t('credits.expired'), reversed: t('credits.reversed') };
  const colors = { added: 'teal.6', consumed: 'indigo.6', expired: 'orange.6', reversed: 'red.6' };
  return (
    <ChartCard
      title={t('credits.overTime')}
      columns={names.map((n) => labels[n])}
      rows={rows.map((r) => ({ bucket: r.bucket, values: names.map((n) => formatCount(r[n], lang)) }))}
    >
      <BarChart h={260} data={rows} dataKey="bucket" series={names.map((n) => ({ name: n, label: labels[n], color: colors[n] }))} valueFormatter={(v) => formatCount(v, lang)} withLegend data-testid="credits-chart" />
    </ChartCard>
  );
}
