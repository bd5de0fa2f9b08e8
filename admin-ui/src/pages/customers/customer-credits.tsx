import { Card, Group, Table, Text, Title } from '@mantine/core';
import { appPath, query } from '../../api/client';
import type { CreditBalance, CreditTransaction, ListOf } from '../../api/types';
import { useApi } from '../../api/use-api';
import { CursorPager, useCursorPager } from '../../components/cursor-pager';
import { Loading } from '../../components/loading';
import { ProblemAlert } from '../../components/problem-alert';
import { ScrollTable } from '../../components/scroll-table';
import { StatusBadge } from '../../components/status-badge';
import { formatDateTime } from '../../format/dates';
import { formatCount } from '../../format/numbers';
import { useI18n } from '../../i18n/i18n-context';

export function CustomerCredits({ appId, customerId }: { appId: string; customerId: string }) {
  const { t, lang, label } = useI18n();
  const base = `/customers/${encodeURIComponent(customerId)}/credits`;
  const balance = useApi<CreditBalance>(appPath(appId, base));
  const pager = useCursorPager();
  const ledger = useApi<ListOf<CreditTransaction>>(appPath(appId, `${base}/transactions${query({ limit: 25, cursor: pager.cursor })}`));
  const b = balance.data;
  return (
    <Card withBorder radius="md" mb="md">
      <Title order={2} size="h4" mb="sm">
        {t('credits.title')}
      </Title>
      <ProblemAlert problem={balance.error} />
      {balance.loading && !b && <Loading />}
      {b && (
        <>
          <Group gap="xl" mb="sm">
            <div>
              <Text size="xs" c="dimmed">
                {t('credits.balance')}
              </Text>
              <Text fz={24} fw={700} data-testid="credit-balance" data-value={b.balance}>
                {formatCount(b.balance, lang)}
              </Text>
            </div>
            <div>
              <Text size="xs" c="dimmed">
                {t('credits.lowThreshold')}
              </Text>
              <Text>{formatCount(b.low_balance_threshold, lang)}</Text>
            </div>
            <div>
              <Text size="xs" c="dimmed">
                {t('credits.autoRenewal')}
              </Text>
              <Text size="sm">
                {b.auto_renewal?.enabled
                  ? t('credits.autoRenewalOn', { package: b.auto_renewal.package ?? '—', currency: b.auto_renewal.currency ?? '', threshold: b.auto_renewal.threshold ?? '—' })
                  : t('credits.autoRenewalOff')}
              </Text>
              {b.auto_renewal && <StatusBadge value={b.auto_renewal.status} group="renewalStatus" />}
              {b.auto_renewal?.last_failure && (
                <Text size="xs" c="red.9">
                  {b.auto_renewal.last_failure}
                </Text>
              )}
            </div>
          </Group>
          <Text fw={600} size="sm" component="h3" my={4}>
            {t('credits.lots')}
          </Text>
          <ScrollTable caption={t('credits.lots')} head={[t('credits.lot'), t('credits.kind'), t('credits.credits'), t('credits.remaining'), t('credits.expires'), t('credits.order')]} empty={b.lots.length === 0} minWidth={640} numeric={[2, 3]}>
            {b.lots.map((l) => (
              <Table.Tr key={l.id}>
                <Table.Td className="sp-mono">{l.id}</Table.Td>
                <Table.Td>{label('lotKind', l.kind)}</Table.Td>
                <Table.Td ta="right">{formatCount(l.credits, lang)}</Table.Td>
                <Table.Td ta="right">{formatCount(l.remaining, lang)}</Table.Td>
                <Table.Td>{formatDateTime(l.expires_at, lang)}</Table.Td>
                <Table.Td className="sp-mono">{l.order_id ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </ScrollTable>
        </>
      )}
      <Text fw={600} size="sm" component="h3" mt="md" mb={4}>
        {t('credits.ledger')}
      </Text>
      <ProblemAlert problem={ledger.error} />
      {ledger.data && (
        <>
          <ScrollTable caption={t('credits.ledger')} head={[t('orders.created'), t('credits.type'), t('credits.credits'), t('credits.balanceAfter'), t('credits.reference'), t('credits.description')]} empty={ledger.data.data.length === 0} minWidth={700} numeric={[2, 3]}>
            {ledger.data.data.map((x) => (
              <Table.Tr key={x.id}>
                <Table.Td>{formatDateTime(x.created_at, lang)}</Table.Td>
                <Table.Td>{label('txType', x.type)}</Table.Td>
                <Table.Td ta="right" c={x.credits < 0 ? 'red.9' : undefined}>
                  {x.credits > 0 ? '+' : ''}
                  {formatCount(x.credits, lang)}
                </Table.Td>
                <Table.Td ta="right">{formatCount(x.balance_after, lang)}</Table.Td>
                <Table.Td className="sp-mono">{x.reference ?? x.order_id ?? '—'}</Table.Td>
                <Table.Td>{x.description ?? ''}</Table.Td>
              </Table.Tr>
            ))}
          </ScrollTable>
          <CursorPager pager={pager} hasMore={ledger.data.has_more} nextCursor={ledger.data.next_cursor} />
        </>
      )}
    </Card>
  );
}
