import { Badge, Table, Text } from '@mantine/core';
import { query } from '../api/client';
import type { AuditEntry, ListOf } from '../api/types';
import { useApi } from '../api/use-api';
import { CursorPager, useCursorPager } from '../components/cursor-pager';
import { Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { ProblemAlert } from '../components/problem-alert';
import { ScrollTable } from '../components/scroll-table';
import { formatDateTime } from '../format/dates';
import { useI18n } from '../i18n/i18n-context';

export function AuditLogPage() {
  const { t, lang } = useI18n();
  const pager = useCursorPager();
  const log = useApi<ListOf<AuditEntry>>(`/audit-log${query({ limit: 50, cursor: pager.cursor })}`);
  return (
    <>
      <PageHeader title={t('nav.auditLog')} />
      <ProblemAlert problem={log.error} />
      {log.loading && !log.data && <Loading />}
      {log.data && (
        <>
          <ScrollTable caption={t('nav.auditLog')} head={[t('audit.when'), t('audit.who'), t('audit.action'), t('audit.request'), t('audit.app'), t('audit.target'), t('orders.status'), t('audit.ip')]} empty={log.data.data.length === 0} minWidth={980}>
            {log.data.data.map((e) => (
              <Table.Tr key={e.id} data-testid="audit-row">
                <Table.Td>{formatDateTime(e.created_at, lang)}</Table.Td>
                <Table.Td>{e.admin_email}</Table.Td>
                <Table.Td>{e.action}</Table.Td>
                <Table.Td>
                  <Text size="xs" className="sp-mono">
                    {e.method} {e.path}
                  </Text>
                </Table.Td>
                <Table.Td className="sp-mono">{e.app_id ?? '—'}</Table.Td>
                <Table.Td className="sp-mono">{e.target_id ?? '—'}</Table.Td>
                <Table.Td>
                  <Badge color={e.status < 400 ? 'teal' : 'red'} variant="light">
                    {e.status}
                  </Badge>
                </Table.Td>
                <Table.Td className="sp-mono">{e.ip ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </ScrollTable>
          <CursorPager pager={pager} hasMore={log.data.has_more} nextCursor={log.data.next_cursor} />
        </>
      )}
    </>
  );
}
