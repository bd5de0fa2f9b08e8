import { Button, Card, SimpleGrid, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { API_BASE, appPath, query } from '../../api/client';
import type { ReportSummary } from '../../api/types';
import { useApi } from '../../api/use-api';
import { CodeCountTable } from '../../components/code-count-table';
import { Loading } from '../../components/loading';
import { PageHeader } from '../../components/page-header';
import { PeriodPicker } from '../../components/period-picker';
import { ProblemAlert } from '../../components/problem-alert';
import { formatDayRange } from '../../format/dates';
import { useI18n } from '../../i18n/i18n-context';
import { usePeriod } from '../../period/period-context';
import { CreditsTable, GatewayTable, MethodTable, RefundsTable } from './reports-tables';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card withBorder radius="md">
      <Title order={2} size="h4" mb="sm">
        {title}
      </Title>
      {children}
    </Card>
  );
}

export function ReportsPage({ appId }: { appId: string }) {
  const { t, lang } = useI18n();
  const { choice, period } = usePeriod();
  const scope = { from: period.from, to: period.to, currency: choice.currency };
  const summary = useApi<ReportSummary>(period.valid ? appPath(appId, `/reports/summary${query(scope)}`) : null);
  // A plain link: the browser streams the download itself, with the session cookie (a GET needs no CSRF token).
  const csvHref = `${API_BASE}${appPath(appId, `/reports/transactions.csv${query(scope)}`)}`;
  const s = summary.data;
  return (
    <>
      <PageHeader title={t('nav.reports')}>
        <PeriodPicker />
      </PageHeader>
      <Button component="a" href={period.valid ? csvHref : undefined} download variant="light" mb="md" data-testid="export-csv" aria-disabled={!period.valid}>
        {t('reports.exportCsv')}
      </Button>
      <ProblemAlert problem={summary.error} />
      {summary.loading && !s && <Loading />}
      {s && (
        <>
          <Text size="xs" c="dimmed" mb="xs">
            {t('period.showing', { range: formatDayRange(s.from, s.to, lang) })}
          </Text>
          <SimpleGrid cols={1} spacing="md">
            <Section title={t('reports.byGateway')}>
              <GatewayTable s={s} currency={choice.currency} />
            </Section>
            <Section title={t('reports.byMethod')}>
              <MethodTable s={s} />
            </Section>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Section title={t('reports.declines')}>
                <CodeCountTable title={t('reports.declines')} rows={s.declines} group="declineCode" withHeading={false} />
              </Section>
              <Section title={t('reports.errors')}>
                <CodeCountTable title={t('reports.errors')} rows={s.errors} group="failureCode" withHeading={false} />
              </Section>
              <Section title={t('kpi.refunds')}>
                <RefundsTable s={s} />
              </Section>
              <Section title={t('reports.credits')}>
                <CreditsTable s={s} />
              </Section>
            </SimpleGrid>
          </SimpleGrid>
        </>
      )}
    </>
  );
}
