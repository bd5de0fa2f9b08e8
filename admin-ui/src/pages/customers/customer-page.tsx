import { Anchor, Card, Group, SimpleGrid, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { appPath, query } from '../../api/client';
import type { Customer, ListOf, Order, SavedPaymentMethod } from '../../api/types';
import { useApi } from '../../api/use-api';
import { CursorPager, useCursorPager } from '../../components/cursor-pager';
import { Loading } from '../../components/loading';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { ScrollTable } from '../../components/scroll-table';
import { StatusBadge } from '../../components/status-badge';
import { formatDateTime } from '../../format/dates';
import { formatMoney } from '../../format/money';
import { useI18n } from '../../i18n/i18n-context';
import { href } from '../../routing/router';
import { CustomerCredits } from './customer-credits';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children ?? '—'}
      </Text>
    </div>
  );
}

function CustomerDetails({ c }: { c: Customer }) {
  const { t, lang, label } = useI18n();
  return (
    <Card withBorder radius="md" mb="md">
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
        <Field label={t('customers.email')}>{c.email}</Field>
        <Field label={t('customers.name')}>{c.name}</Field>
        <Field label={t('customers.phone')}>{c.phone}</Field>
        <Field label={t('customers.document')}>{c.document ? `${c.document.type} ${c.document.number}` : null}</Field>
        <Field label={t('customers.invoiceType')}>{label('invoiceType', c.billing?.invoice_type)}</Field>
        <Field label={t('customers.businessName')}>{c.billing?.business_name}</Field>
        <Field label={t('customers.address')}>{c.billing?.address}</Field>
        <Field label={t('customers.invoiceEmail')}>{c.billing?.invoice_email}</Field>
        <Field label={t('customers.locale')}>{c.locale}</Field>
        <Field label={t('orders.created')}>{formatDateTime(c.created_at, lang)}</Field>
      </SimpleGrid>
    </Card>
  );
}

function PaymentMethods({ appId, customerId }: { appId: string; customerId: string }) {
  const { t, lang, label } = useI18n();
  const pms = useApi<ListOf<SavedPaymentMethod>>(appPath(appId, `/customers/${encodeURIComponent(customerId)}/payment-methods`));
  return (
    <Card withBorder radius="md" mb="md">
      <Title order={2} size="h4" mb="sm">
        {t('customers.cards')}
      </Title>
      <ProblemAlert problem={pms.error} />
      {pms.data && (
        <ScrollTable caption={t('customers.cards')} head={[t('customers.card'), t('customers.expiry'), t('customers.gateways'), t('customers.default'), t('orders.created')]} empty={pms.data.data.length === 0} minWidth={560}>
          {pms.data.data.map((pm) => (
            <Table.Tr key={pm.id}>
              <Table.Td>
                {pm.brand ?? ''} •••• {pm.last4 ?? '????'}
              </Table.Td>
              <Table.Td>{pm.exp_month && pm.exp_year ? `${String(pm.exp_month).padStart(2, '0')}/${pm.exp_year}` : '—'}</Table.Td>
              <Table.Td>{pm.gateways.map((g) => label('gateway', g)).join(', ')}</Table.Td>
              <Table.Td>{pm.is_default ? t('common.yes') : t('common.no')}</Table.Td>
              <Table.Td>{formatDateTime(pm.created_at, lang)}</Table.Td>
            </Table.Tr>
          ))}
        </ScrollTable>
      )}
    </Card>
  );
}

function PaymentHistory({ appId, customerId }: { appId: string; customerId: string }) {
  const { t, lang, label } = useI18n();
  const pager = useCursorPager();
  const orders = useApi<ListOf<Order>>(appPath(appId, `/customers/${encodeURIComponent(customerId)}/orders${query({ limit: 25, cursor: pager.cursor })}`));
  return (
    <Card withBorder radius="md" mb="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {t('customers.history')}
        </Title>
        <Anchor href={href('/orders', { customer_id: customerId })} size="sm">
          {t('customers.allOrders')}
        </Anchor>
      </Group>
      <ProblemAlert problem={orders.error} />
      {orders.loading && !orders.data && <Loading />}
      {orders.data && (
        <>
          <ScrollTable caption={t('customers.history')} head={[t('orders.id'), t('orders.created'), t('orders.amount'), t('orders.status'), t('orders.gateway'), t('customers.lastCharge')]} empty={orders.data.data.length === 0} minWidth={760} numeric={[2]}>
            {orders.data.data.map((o) => {
              const charge = o.latest_charge && typeof o.latest_charge === 'object' ? o.latest_charge : null;
              return (
                <Table.Tr key={o.id}>
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
                  <Table.Td>{label('gateway', o.gateway)}</Table.Td>
                  <Table.Td>{charge ? <StatusBadge value={charge.status} group="chargeStatus" /> : '—'}</Table.Td>
                </Table.Tr>
              );
            })}
          </ScrollTable>
          <CursorPager pager={pager} hasMore={orders.data.has_more} nextCursor={orders.data.next_cursor} />
        </>
      )}
    </Card>
  );
}

export function CustomerPage({ appId, customerId }: { appId: string; customerId: string }) {
  const { t } = useI18n();
  const customer = useApi<Customer>(appPath(appId, `/customers/${encodeURIComponent(customerId)}`));
  return (
    <>
      <PageHeader title={t('customer.title', { name: customer.data?.name ?? customer.data?.email ?? customerId })} />
      <Text size="sm" mb="sm">
        <Anchor href={href('/customers')}>← {t('customer.back')}</Anchor> · <span className="sp-mono">{customerId}</span>
      </Text>
      <ProblemAlert problem={customer.error} />
      {customer.loading && !customer.data && <Loading />}
      {customer.data && (
        <>
          <CustomerDetails c={customer.data} />
          <PaymentHistory appId={appId} customerId={customerId} />
          <PaymentMethods appId={appId} customerId={customerId} />
          <CustomerCredits appId={appId} customerId={customerId} />
        </>
      )}
    </>
  );
}
