import { Anchor, Box, Card, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { appPath, query } from '../api/client';
import type { CreditsOverview, ReportSummary, ReportTimeseries } from '../api/types';
import { useApi } from '../api/use-api';
import { Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { PeriodPicker } from '../components/period-picker';
import { ProblemAlert } from '../components/problem-alert';
import { ScrollTable } from '../components/scroll-table';
import { StatusBadge } from '../components/status-badge';
import { formatMoney } from '../format/money';
import { formatCount } from '../format/numbers';
import { useI18n } from '../i18n/i18n-context';
import { usePeriod } from '../period/period-context';
import { href } from '../routing/router';
import type { MessageKey } from '../i18n/dictionary';
import { CreditsChart } from './credits-chart';

const FIGURES: { key: keyof Omit<ReportSummary['credits'], 'packages_sold'>; label: MessageKey }[] = [
  { key: 'purchased', label: 'credits.purchased' },
  { key: 'bonus', label: 'credits.bonus' },
  { key: 'granted', label: 'credits.granted' },
  { key: 'consumed', label: 'credits.consumed' },
  { key: 'expired', label: 'credits.expired' },
  { key: 'reversed', label: 'credits.reversed' },
];

export function CreditsPage({ appId }: { appId: string }) {
  const { t, lang } = useI18n();
  const { period } = usePeriod();
  // Without a currency: credits are not money, and packages sold are listed per currency anyway.
  const summary = useApi<ReportSummary>(period.valid ? appPath(appId, `/reports/summary${query({ from: period.from, to: period.to })}`) : null);
  const series = useApi<ReportTimeseries>(period.valid ? appPath(appId, `/reports/timeseries${query({ from: period.from, to: period.to, interval: period.interval, time_zone: 'America/Lima' })}`) : null);
  const overview = useApi<CreditsOverview>(`/apps/${encodeURIComponent(appId)}/credits/overview`);
  const c = summary.data?.credits;
  return (
    <>
      <PageHeader title={t('nav.credits')}>
        <PeriodPicker withCurrency={false} />
      </PageHeader>
      <ProblemAlert problem={summary.error} />
      {summary.loading && !c && <Loading />}
      {c && (
        <>
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} mb="md">
            {FIGURES.map((f) => (
              <Card withBorder key={f.key} padding="sm">
                <Text size="xs" c="dimmed" component="h2" m={0} fw={500}>
                  {t(f.label)}
                </Text>
                <Text fw={700} size="lg" data-testid={`credits-${f.key}`} data-value={c[f.key]}>
                  {formatCount(c[f.key], lang)}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
          <ProblemAlert problem={series.error} />
          {series.data && (
            <Box mb="md">
              <CreditsChart series={series.data} />
            </Box>
          )}
          <Card withBorder radius="md" mb="md">
            <Title order={2} size="h4" mb="sm">
              {t('credits.packagesSold')}
            </Title>
            <ScrollTable caption={t('credits.packagesSold')} head={[t('credits.package'), t('common.currency'), t('reports.count'), t('orders.amount')]} empty={c.packages_sold.length === 0} minWidth={420} numeric={[2, 3]}>
              {c.packages_sold.map((p) => (
                <Table.Tr key={`${p.package}-${p.currency}`}>
                  <Table.Td>{p.package}</Table.Td>
                  <Table.Td>{p.currency}</Table.Td>
                  <Table.Td ta="right">{formatCount(p.count, lang)}</Table.Td>
                  <Table.Td ta="right">{formatMoney(p.amount, p.currency)}</Table.Td>
                </Table.Tr>
              ))}
            </ScrollTable>
          </Card>
        </>
      )}
      <ProblemAlert problem={overview.error} />
      {overview.data && (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <Card withBorder radius="md">
            <Title order={2} size="h4" mb="sm">
              {t('credits.lowBalances')}
            </Title>
            <ScrollTable caption={t('credits.lowBalances')} head={[t('customers.email'), t('credits.balance'), t('credits.lowThreshold')]} empty={overview.data.low_balances.length === 0} minWidth={420} numeric={[1, 2]}>
              {overview.data.low_balances.map((r) => (
                <Table.Tr key={r.customer_id}>
                  <Table.Td>
                    <Anchor href={href(`/customers/${r.customer_id}`)}>{r.email}</Anchor>
                  </Table.Td>
                  <Table.Td ta="right">{formatCount(r.balance, lang)}</Table.Td>
                  <Table.Td ta="right">{formatCount(r.threshold, lang)}</Table.Td>
                </Table.Tr>
              ))}
            </ScrollTable>
          </Card>
          <Card withBorder radius="md">
            <Title order={2} size="h4" mb="sm">
              {t('credits.autoRenewals')}
            </Title>
            <ScrollTable caption={t('credits.autoRenewals')} head={[t('customers.email'), t('credits.package'), t('orders.status'), t('credits.failures'), t('credits.lastError')]} empty={overview.data.auto_renewals.length === 0} minWidth={560} numeric={[3]}>
              {overview.data.auto_renewals.map((r) => (
                <Table.Tr key={r.customer_id}>
                  <Table.Td>
                    <Anchor href={href(`/customers/${r.customer_id}`)}>{r.email}</Anchor>
                  </Table.Td>
                  <Table.Td>
                    {r.package ?? '—'} {r.currency ?? ''}
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge value={r.state} group="renewalStatus" />
                  </Table.Td>
                  <Table.Td ta="right">{formatCount(r.failures, lang)}</Table.Td>
                  <Table.Td>{r.last_error ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </ScrollTable>
          </Card>
        </SimpleGrid>
      )}
    </>
  );
}
