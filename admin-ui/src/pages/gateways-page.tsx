import { Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { appPath, query } from '../api/client';
import type { GatewayState, ReportSummary } from '../api/types';
import { useApi } from '../api/use-api';
import { Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { PeriodPicker } from '../components/period-picker';
import { CodeCountTable } from '../components/code-count-table';
import { ProblemAlert } from '../components/problem-alert';
import { StatusBadge } from '../components/status-badge';
import { GATEWAYS } from '../domain/values';
import { formatDateTime } from '../format/dates';
import { formatMoney } from '../format/money';
import { formatCount, formatMs, formatRate } from '../format/numbers';
import { useI18n } from '../i18n/i18n-context';
import { usePeriod } from '../period/period-context';

const CIRCUIT_REFRESH_MS = 10_000;

function CircuitCards() {
  const { t, lang, label } = useI18n();
  const live = useApi<{ data: GatewayState[] }>('/gateways', CIRCUIT_REFRESH_MS);
  return (
    <Card withBorder radius="md" mb="md">
      <Group justify="space-between">
        <Title order={2} size="h4">
          {t('gateways.circuits')}
        </Title>
        <Text size="xs" c="dimmed" aria-live="polite">
          {t('gateways.refreshEvery', { s: CIRCUIT_REFRESH_MS / 1000 })} {live.data && `· ${t('gateways.updated', { at: formatDateTime(new Date().toISOString(), lang) })}`}
        </Text>
      </Group>
      <ProblemAlert problem={live.error} />
      {live.loading && !live.data && <Loading />}
      <SimpleGrid cols={{ base: 1, xs: 2 }} mt="sm">
        {live.data?.data.map((g) => (
          <Card key={g.gateway} withBorder padding="sm" data-testid={`circuit-${g.gateway}`} data-circuit={g.circuit}>
            <Group justify="space-between">
              <Text fw={600}>{label('gateway', g.gateway)}</Text>
              <StatusBadge value={g.circuit} group="circuit" />
            </Group>
            <Badge mt="xs" variant="light" color={g.configured ? 'green' : 'gray'}>
              {g.configured ? t('gateways.configured') : t('gateways.notConfigured')}
            </Badge>
          </Card>
        ))}
      </SimpleGrid>
    </Card>
  );
}

/** One gateway's report: the summary scoped to it also gives its declines and errors by code. */
function GatewayReport({ appId, gateway }: { appId: string; gateway: string }) {
  const { t, lang, label } = useI18n();
  const { choice, period } = usePeriod();
  const s = useApi<ReportSummary>(period.valid ? appPath(appId, `/reports/summary${query({ from: period.from, to: period.to, currency: choice.currency, gateway })}`) : null);
  const d = s.data;
  const processed = d?.processed.find((p) => p.currency === choice.currency);
  return (
    <Card withBorder radius="md" data-testid={`gateway-report-${gateway}`}>
      <Title order={2} size="h4" mb="sm">
        {label('gateway', gateway)}
      </Title>
      <ProblemAlert problem={s.error} />
      {s.loading && !d && <Loading />}
      {d && (
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="xs">
            <Figure name={t('kpi.attempts')} value={formatCount(d.charges.attempts, lang)} />
            <Figure name={t('gateways.conversion')} value={formatRate(d.charges.success_rate, lang)} />
            <Figure name={t('kpi.amount')} value={formatMoney(processed?.amount ?? 0, choice.currency)} />
            <Figure name={t('kpi.avgMs')} value={formatMs(d.processing_time_ms.average, lang)} />
            <Figure name={t('kpi.p95Ms')} value={formatMs(d.processing_time_ms.p95, lang)} />
            <Figure name={t('kpi.inProgress')} value={formatCount(d.charges.in_progress, lang)} />
          </SimpleGrid>
          <CodeCountTable title={t('reports.declines')} rows={d.declines} group="declineCode" />
          <CodeCountTable title={t('reports.errors')} rows={d.errors} group="failureCode" />
        </Stack>
      )}
    </Card>
  );
}

function Figure({ name, value }: { name: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {name}
      </Text>
      <Text fw={600}>{value}</Text>
    </div>
  );
}

export function GatewaysPage({ appId }: { appId: string }) {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('nav.gateways')}>
        <PeriodPicker />
      </PageHeader>
      <CircuitCards />
      {appId ? (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          {GATEWAYS.map((g) => (
            <GatewayReport key={g} appId={appId} gateway={g} />
          ))}
        </SimpleGrid>
      ) : (
        <Text c="dimmed">{t('header.noApp')}</Text>
      )}
    </>
  );
}
