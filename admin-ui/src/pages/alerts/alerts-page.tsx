import { Button, Group, SegmentedControl, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { apiPost, appPath, query } from '../../api/client';
import type { Alert, ListOf } from '../../api/types';
import { useApi } from '../../api/use-api';
import { CursorPager, useCursorPager } from '../../components/cursor-pager';
import { Loading } from '../../components/loading';
import { PageHeader } from '../../components/page-header';
import { ProblemAlert } from '../../components/problem-alert';
import { ScrollTable } from '../../components/scroll-table';
import { StatusBadge } from '../../components/status-badge';
import { useAction } from '../../components/use-action';
import { formatDateTime } from '../../format/dates';
import { useI18n } from '../../i18n/i18n-context';
import { useSession } from '../../session/session-context';
import { PushButton } from './push-button';

type Filter = 'open' | 'acknowledged' | 'resolved' | 'all';

export function AlertsPage({ appId }: { appId: string }) {
  const { t, lang, label } = useI18n();
  const { isAdmin } = useSession();
  const { run, busy } = useAction();
  const [filter, setFilter] = useState<Filter>('open');
  const pager = useCursorPager();
  const list = useApi<ListOf<Alert>>(appPath(appId, `/alerts${query({ status: filter === 'all' ? undefined : filter, limit: 50, cursor: pager.cursor })}`), 30_000);

  async function act(alert: Alert, action: 'acknowledge' | 'resolve') {
    const done = await run(`${alert.id}:${action}`, () => apiPost(appPath(appId, `/alerts/${encodeURIComponent(alert.id)}/${action}`)), action === 'acknowledge' ? t('alerts.acknowledged') : t('alerts.resolved'));
    if (done !== null) list.reload();
  }

  return (
    <>
      <PageHeader title={t('nav.alerts')}>
        <PushButton appId={appId} />
      </PageHeader>
      <Group mb="md">
        <SegmentedControl<Filter>
          aria-label={t('alerts.filter')}
          value={filter}
          onChange={(f) => {
            pager.reset();
            setFilter(f);
          }}
          data={(['open', 'acknowledged', 'resolved', 'all'] as const).map((f) => ({ value: f, label: f === 'all' ? t('common.all') : label('alertFilter', f) }))}
        />
      </Group>
      <ProblemAlert problem={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <>
          <ScrollTable caption={t('nav.alerts')} head={[t('alerts.severity'), t('alerts.alert'), t('orders.status'), t('alerts.opened'), t('alerts.scope'), ...(isAdmin ? [t('common.actions')] : [])]} empty={list.data.data.length === 0} minWidth={820}>
            {list.data.data.map((a) => (
              <Table.Tr key={a.id} data-testid="alert-row">
                <Table.Td>
                  <StatusBadge value={a.severity} group="severity" />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {a.title}
                  </Text>
                  <Text size="xs">{a.detail}</Text>
                  <Text size="xs" c="dimmed">
                    {label('alertRule', a.rule)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <StatusBadge value={a.status} group="alertStatus" />
                  {a.resolved_by && (
                    <Text size="xs" c="dimmed">
                      {t('alerts.resolvedBy', { by: a.resolved_by })}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{formatDateTime(a.opened_at, lang)}</Table.Td>
                <Table.Td>{label('alertScope', a.scope)}</Table.Td>
                {isAdmin && (
                  <Table.Td>
                    {a.scope === 'app' && a.status !== 'resolved' ? (
                      <Group gap={4} wrap="nowrap">
                        {a.status === 'open' && (
                          <Button size="xs" variant="light" loading={busy === `${a.id}:acknowledge`} onClick={() => void act(a, 'acknowledge')}>
                            {t('alerts.acknowledge')}
                          </Button>
                        )}
                        <Button size="xs" variant="light" color="teal" loading={busy === `${a.id}:resolve`} onClick={() => void act(a, 'resolve')}>
                          {t('alerts.resolve')}
                        </Button>
                      </Group>
                    ) : (
                      a.scope === 'deployment' && a.status !== 'resolved' && <Text size="xs" c="dimmed">{t('alerts.deploymentReadOnly')}</Text>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </ScrollTable>
          <CursorPager pager={pager} hasMore={list.data.has_more} nextCursor={list.data.next_cursor} />
        </>
      )}
    </>
  );
}
