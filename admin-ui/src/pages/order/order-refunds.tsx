import { Card, Table, Title } from '@mantine/core';
import type { ApiState } from '../../api/use-api';
import type { ListOf, Refund } from '../../api/types';
import { Loading } from '../../components/loading';
import { ProblemAlert } from '../../components/problem-alert';
import { ScrollTable } from '../../components/scroll-table';
import { StatusBadge } from '../../components/status-badge';
import { formatDateTime } from '../../format/dates';
import { formatMoney } from '../../format/money';
import { useI18n } from '../../i18n/i18n-context';

function failureText(f: Refund['failure']): string {
  if (!f) return '';
  if (typeof f === 'string') return f;
  return [f.code, f.message].filter(Boolean).join(': ');
}

export function OrderRefunds({ refunds }: { refunds: ApiState<ListOf<Refund>> }) {
  const { t, lang, label } = useI18n();
  return (
    <Card withBorder radius="md" mb="md">
      <Title order={2} size="h4" mb="sm">
        {t('refunds.title')}
      </Title>
      <ProblemAlert problem={refunds.error} />
      {refunds.loading && !refunds.data && <Loading />}
      {refunds.data && (
        <ScrollTable caption={t('refunds.title')} head={[t('refunds.id'), t('orders.created'), t('orders.amount'), t('orders.status'), t('refunds.reason'), t('orders.gateway'), t('refunds.failure')]} empty={refunds.data.data.length === 0} minWidth={760} numeric={[2]}>
          {refunds.data.data.map((r) => (
            <Table.Tr key={r.id} data-testid="refund-row">
              <Table.Td className="sp-mono">{r.id}</Table.Td>
              <Table.Td>{formatDateTime(r.created_at, lang)}</Table.Td>
              <Table.Td ta="right">{formatMoney(r.amount, r.currency)}</Table.Td>
              <Table.Td>
                <StatusBadge value={r.status} group="refundStatus" />
              </Table.Td>
              <Table.Td>{label('refundReason', r.reason)}</Table.Td>
              <Table.Td>{label('gateway', r.gateway)}</Table.Td>
              <Table.Td>{failureText(r.failure)}</Table.Td>
            </Table.Tr>
          ))}
        </ScrollTable>
      )}
    </Card>
  );
}
