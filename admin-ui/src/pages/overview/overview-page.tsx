import { SimpleGrid, Text } from '@mantine/core';
import { appPath, query } from '../../api/client';
import type { ReportSummary, ReportTimeseries } from '../../api/types';
import { useApi } from '../../api/use-api';
import { KpiCard } from '../../components/kpi-card';
import { Loading } from '../../components/loading';
import { PageHeader } from '../../components/page-header';
import { PeriodPicker } from '../../components/period-picker';
import { ProblemAlert } from '../../components/problem-alert';
import { formatDayRange } from '../../format/dates';
import { useI18n } from '../../i18n/i18n-context';
import { usePeriod } from '../../period/period-context';
import { OverviewCharts } from './overview-charts';
import { overviewKpis } from './overview-kpis';

export function OverviewPage({ appId }: { appId: string }) {
  const { t, lang } = useI18n();
  const { choice, period } = usePeriod();
  const scope = { from: period.from, to: period.to, currency: choice.currency };
  const summary = useApi<ReportSummary>(period.valid ? appPath(appId, `/reports/summary${query(scope)}`) : null);
  const series = useApi<ReportTimeseries>(period.valid ? appPath(appId, `/reports/timeseries${query({ ...scope, interval: period.interval, time_zone: 'America/Lima' })}`) : null);

  return (
    <>
      <PageHeader title={t('nav.overview')}>
        <PeriodPicker />
      </PageHeader>
      <ProblemAlert problem={summary.error} />
      {summary.loading && !summary.data && <Loading />}
      {summary.data && (
        <>
          <Text size="xs" c="dimmed" mb="xs">
            {t('period.showing', { range: formatDayRange(summary.data.from, summary.data.to, lang) })}
          </Text>
          <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} data-testid="kpis">
            {overviewKpis(summary.data, choice.currency, t, lang).map((k) => (
              <KpiCard key={k.name} kpi={k} />
            ))}
          </SimpleGrid>
        </>
      )}
      <ProblemAlert problem={series.error} />
      {series.data && <OverviewCharts series={series.data} currency={choice.currency} />}
    </>
  );
}
