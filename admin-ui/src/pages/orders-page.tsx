import { Anchor, Card, Table, Text } from '@mantine/core';
import { appPath, query } from '../api/client';
import type { ListOf, Order } from '../api/types';
import { useApi } from '../api/use-api';
import { CursorPager, useCursorPager } from '../components/cursor-pager';
import { Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { ProblemAlert } from '../components/problem-alert';
import { ScrollTable } from '../components/scroll-table';
import { StatusBadge } from '../components/status-badge';
import { addDays, formatDateTime, isDay, limaDayStart } from '../format/dates';
import { formatMoney, parseMoneyInput } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import { href, navigate } from '../routing/router';
import { FILTER_KEYS, OrdersFilters, type Filters } from './orders-filters';

const PAGE_SIZE = 25;

/**
 * The filters as /v1/orders wants them: Lima days as instants, amounts in minor units. `created_to` is inclusive
 * on the server, so the last day ends at its last millisecond.
 */
export function ordersQuery(f: Filters, cursor: string | null): string {
  const minor = (s: string | undefined) => (s ? (parseMoneyInput(s) ?? undefined) : undefined);
  return query({
    status: f.status,
    gateway: f.gateway,
    currency: f.currency,
    customer_id: f.customer_id?.trim(),
    reference: f.reference?.trim(),
    created_from: f.from && isDay(f.from) ? limaDayStart(f.from) : undefined,
    created_to: f.to && isDay(f.to) ? new Date(Date.parse(limaDayStart(addDays(f.to, 1))) - 1).toISOString() : undefined,
    amount_min: minor(f.min),
    amount_max: minor(f.max),
    limit: PAGE_SIZE,
    cursor,
  });
}

export function OrdersPage({ appId, params }: { appId: string; params: URLSearchParams }) {
  const { t, lang, label } = useI18n();
  const filters: Filters = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) filters[k] = v;
  }
  const pager = useCursorPager();
  const list = useApi<ListOf<Order>>(appPath(appId, `/orders${ordersQuery(filters, pager.cursor)}`));

  return (
    <>
      <PageHeader title={t('nav.orders')} />
      <Card withBorder mb="md">
        {/* Keyed by the applied filters so the draft resets when the URL changes (back button). */}
        <OrdersFilters
          key={params.toString()}
          value={filters}
          onApply={(f) => {
            pager.reset();
            navigate('/orders', f);
          }}
        />
      </Card>
      <ProblemAlert problem={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <>
          <ScrollTable
            caption={t('nav.orders')}
            head={[t('orders.id'), t('orders.created'), t('orders.amount'), t('orders.status'), t('orders.gateway'), t('orders.reference'), t('orders.customer')]}
            empty={list.data.data.length === 0}
            minWidth={860}
            numeric={[2]}
          >
            {list.data.data.map((o) => (
              <Table.Tr key={o.id} data-testid="order-row">
                <Table.Td>
                  <Anchor href={href(`/orders/${o.id}`)} className="sp-mono">
                    {o.id}
                  </Anchor>
                </Table.Td>
                <Table.Td>{formatDateTime(o.created_at, lang)}</Table.Td>
                <Table.Td ta="right">{formatMoney(o.amount, o.currency)}</Table.Td>
                <Table.Td>
                  <StatusBadge value={o.status} group="orderStatus" />
                </Table.Td>
                <Table.Td>{o.gateway ? label('gateway', o.gateway) : '—'}</Table.Td>
                <Table.Td>
                  <Text size="sm" className="sp-mono">
                    {o.reference ?? '—'}
                  </Text>
                </Table.Td>
                <Table.Td>{o.customer_id ? <Anchor href={href(`/customers/${o.customer_id}`)} className="sp-mono">{o.customer_id}</Anchor> : '—'}</Table.Td>
              </Table.Tr>
            ))}
          </ScrollTable>
          <CursorPager pager={pager} hasMore={list.data.has_more} nextCursor={list.data.next_cursor} />
        </>
      )}
    </>
  );
}
