import { AreaChart, BarChart, LineChart } from '@mantine/charts';
import { SimpleGrid } from '@mantine/core';
import type { ReportTimeseries } from '../../api/types';
import { ChartCard } from '../../components/chart-card';
import { formatBucket } from '../../format/dates';
import { formatMoney } from '../../format/money';
import { formatMs, formatRate } from '../../format/numbers';
import { useI18n } from '../../i18n/i18n-context';

/** Volume, success rate and latency per bucket; money stays in minor units and is only formatted. */
export function OverviewCharts({ series, currency }: { series: ReportTimeseries; currency: string }) {
  const { t, lang } = useI18n();
  const rows = series.buckets.map((b) => ({
    bucket: formatBucket(b.start, series.interval, lang),
    amount: b.processed.find((p) => p.currency === currency)?.amount ?? 0,
    attempts: b.attempts,
    succeeded: b.succeeded,
    failed: b.failed,
    successRate: b.success_rate,
    latency: b.average_processing_ms,
  }));
  const text = (pick: (r: (typeof rows)[number]) => string[]) => rows.map((r) => ({ bucket: r.bucket, values: pick(r) }));
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} mt="md">
      <ChartCard title={t('charts.volume')} columns={[t('kpi.amount')]} rows={text((r) => [formatMoney(r.amount, currency)])}>
        <AreaChart h={240} data={rows} dataKey="bucket" series={[{ name: 'amount', label: t('kpi.amount'), color: 'indigo.6' }]} valueFormatter={(v) => formatMoney(v, currency)} withLegend={false} yAxisProps={{ width: 104 }} />
      </ChartCard>
      <ChartCard title={t('charts.attempts')} columns={[t('kpi.succeeded'), t('kpi.failed')]} rows={text((r) => [String(r.succeeded), String(r.failed)])}>
        <BarChart
          h={240}
          data={rows}
          dataKey="bucket"
          type="stacked"
          series={[
            { name: 'succeeded', label: t('kpi.succeeded'), color: 'teal.6' },
            { name: 'failed', label: t('kpi.failed'), color: 'red.6' },
          ]}
          withLegend
        />
      </ChartCard>
      <ChartCard title={t('charts.successRate')} columns={[t('kpi.successRate')]} rows={text((r) => [formatRate(r.successRate, lang)])}>
        <LineChart h={240} data={rows} dataKey="bucket" series={[{ name: 'successRate', label: t('kpi.successRate'), color: 'teal.7' }]} valueFormatter={(v) => formatRate(v, lang)} yAxisProps={{ domain: [0, 1] }} connectNulls={false} />
      </ChartCard>
      <ChartCard title={t('charts.latency')} columns={[t('kpi.avgMs')]} rows={text((r) => [formatMs(r.latency, lang)])}>
        <LineChart h={240} data={rows} dataKey="bucket" series={[{ name: 'latency', label: t('kpi.avgMs'), color: 'orange.7' }]} valueFormatter={(v) => formatMs(v, lang)} yAxisProps={{ width: 70 }} connectNulls={false} />
      </ChartCard>
    </SimpleGrid>
  );
}
