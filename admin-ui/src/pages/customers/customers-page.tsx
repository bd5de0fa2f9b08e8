import { Anchor, Button, Card, Group, Table, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { appPath, query } from '../../api/client';
import type { Customer, ListOf } from '../../api/types';
import { useApi } from '../../api/use-api';
import { CursorPager, useCursorPager } from '../../components/cursor-pager';
import { Loading } from '../../components/loading';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { ScrollTable } from '../../components/scroll-table';
import { formatDateTime } from '../../format/dates';
import { useI18n } from '../../i18n/i18n-context';
import { href } from '../../routing/router';

export function CustomersPage({ appId }: { appId: string }) {
  const { t, lang } = useI18n();
  const [draft, setDraft] = useState('');
  const [email, setEmail] = useState('');
  const pager = useCursorPager();
  const list = useApi<ListOf<Customer>>(appPath(appId, `/customers${query({ email, limit: 25, cursor: pager.cursor })}`));

  function search(e: FormEvent) {
    e.preventDefault();
    pager.reset();
    setEmail(draft.trim());
  }

  return (
    <>
      <PageHeader title={t('nav.customers')} />
      <Card withBorder mb="md">
        <form onSubmit={search}>
          <Group align="flex-end" gap="sm">
            <TextInput label={t('customers.searchEmail')} type="email" value={draft} onChange={(e) => setDraft(e.currentTarget.value)} w={{ base: '100%', xs: 320 }} />
            <Button type="submit">{t('common.search')}</Button>
          </Group>
        </form>
      </Card>
      <ProblemAlert problem={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <>
          <ScrollTable caption={t('nav.customers')} head={[t('customers.id'), t('customers.email'), t('customers.name'), t('customers.document'), t('customers.invoiceType'), t('orders.created')]} empty={list.data.data.length === 0} minWidth={760}>
            {list.data.data.map((c) => (
              <Table.Tr key={c.id} data-testid="customer-row">
                <Table.Td>
                  <Anchor href={href(`/customers/${c.id}`)} className="sp-mono">
                    {c.id}
                  </Anchor>
                </Table.Td>
                <Table.Td>{c.email}</Table.Td>
                <Table.Td>{c.name ?? '—'}</Table.Td>
                <Table.Td>{c.document ? `${c.document.type} ${c.document.number}` : '—'}</Table.Td>
                <Table.Td>{c.billing?.invoice_type ?? '—'}</Table.Td>
                <Table.Td>{formatDateTime(c.created_at, lang)}</Table.Td>
              </Table.Tr>
            ))}
          </ScrollTable>
          <CursorPager pager={pager} hasMore={list.data.has_more} nextCursor={list.data.next_cursor} />
        </>
      )}
    </>
  );
}
