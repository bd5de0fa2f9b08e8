import { Table } from '@mantine/core';
import type { ReportSummary } from '../../api/types';
import { ScrollTable } from '../../components/scroll-table';
import { formatMoney } from '../../format/money';
import { formatCount, formatMs, formatRate } from '../../format/numbers';
import { useI18n } from '../../i18n/i18n-context';

export function GatewayTable({ s, currency }: { s: ReportSummary; currency: string }) {
  const { t, lang, label } = useI18n();
  return (
    <ScrollTable caption={t('reports.byGateway')} head={[t('orders.gateway'), t('kpi.attempts'), t('kpi.succeeded'), t('kpi.failed'), t('kpi.inProgress'), t('gateways.conversion'), t('kpi.amount'), t('kpi.avgMs'), t('kpi.p95Ms')]} empty={s.gateways.length === 0} minWidth={900} numeric={[1, 2, 3, 4, 5, 6, 7, 8]}>
      {s.gateways.map((g) => (
        <Table.Tr key={g.gateway}>
          <Table.Td>{label('gateway', g.gateway)}</Table.Td>
          <Table.Td ta="right">{formatCount(g.attempts, lang)}</Table.Td>
          <Table.Td ta="right">{formatCount(g.succeeded, lang)}</Table.Td>
          <Table.Td ta="right">{formatCount(g.failed, lang)}</Table.Td>
          <Table.Td ta="right">{formatCount(g.in_progress, lang)}</Table.Td>
          <Table.Td ta="right">{formatRate(g.conversion, lang)}</Table.Td>
          <Table.Td ta="right">{formatMoney(g.processed.find((p) => p.currency === currency)?.amount ?? 0, currency)}</Table.Td>
          <Table.Td ta="right">{formatMs(g.processing_time_ms.average, lang)}</Table.Td>
          <Table.Td ta="right">{formatMs(g.processing_time_ms.p95, lang)}</Table.Td>
        </Table.Tr>
      ))}
    </ScrollTable>
  );
}

export function MethodTable({ s }: { s: ReportSummary }) {
  const { t, lang, label } = useI18n();
  return (
    <ScrollTable caption={t('reports.byMethod')} head={[t('reports.sourceType'), t('reports.brand'), t('kpi.attempts'), t('kpi.succeeded'), t('kpi.failed'), t('kpi.successRate')]} empty={s.payment_methods.length === 0} minWidth={640} numeric={[2, 3, 4, 5]}>
      {s.payment_methods.map((m) => (
        <Table.Tr key={`${m.source_type}-${m.card_brand ?? ''}`}>
          <Table.Td>{label('sourceType', m.source_type)}</Table.Td>
          <Table.Td>{m.card_brand ?? '—'}</Table.Td>
          <Table.Td ta="right">{formatCount(m.attempts, lang)}</Table.Td>
          <Table.Td ta="right">{formatCount(m.succeeded, lang)}</Table.Td>
          <Table.Td ta="right">{formatCount(m.failed, lang)}</Table.Td>
          <Table.Td ta="right">{formatRate(m.success_rate, lang)}</Table.Td>
        </Table.Tr>
      ))}
    </ScrollTable>
  );
}

export function RefundsTable({ s }: { s: ReportSummary }) {
  const { t, lang } = useI18n();
  return (
    <ScrollTable caption={t('kpi.refunds')} head={[t('common.currency'), t('reports.count'), t('orders.amount')]} empty={s.refunds.length === 0} minWidth={360} numeric={[1, 2]}>
      {s.refunds.map((r) => (
        <Table.Tr key={r.currency}>
          <Table.Td>{r.currency}</Table.Td>
          <Table.Td ta="right">{formatCount(r.count, lang)}</Table.Td>
          <Table.Td ta="right">{formatMoney(r.amount, r.currency)}</Table.Td>
        </Table.Tr>
      ))}
    </ScrollTable>
  );
}

export function CreditsTable({ s }: { s: ReportSummary }) {
  const { t, lang } = useI18n();
  const c = s.credits;
  const rows: [string, number][] = [
    [t('credits.purchased'), c.purchased],
    [t('credits.bonus'), c.bonus],
    [t('credits.granted'), c.granted],
    [t('credits.consumed'), c.consumed],
    [t('credits.expired'), c.expired],
    [t('credits.reversed'), c.reversed],
  ];
  return (
    <>
      <ScrollTable caption={t('reports.credits')} head={[t('reports.figure'), t('credits.credits')]} minWidth={300} numeric={[1]}>
        {rows.map(([name, value]) => (
          <Table.Tr key={name}>
            <Table.Td>{name}</Table.Td>
            <Table.Td ta="right">{formatCount(value, lang)}</Table.Td>
          </Table.Tr>
        ))}
      </ScrollTable>
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
    </>
  );
}
