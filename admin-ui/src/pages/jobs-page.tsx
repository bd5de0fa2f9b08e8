import { Button, Code, Table, Tabs, Text } from '@mantine/core';
import { useState } from 'react';
import { apiPost, query } from '../api/client';
import type { Job, JobsAnswer } from '../api/types';
import { useApi } from '../api/use-api';
import { Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { ProblemAlert } from '../components/problem-alert';
import { ScrollTable } from '../components/scroll-table';
import { StatusBadge } from '../components/status-badge';
import { useAction } from '../components/use-action';
import { formatDateTime } from '../format/dates';
import { useI18n } from '../i18n/i18n-context';
import { useSession } from '../session/session-context';

type JobTab = 'queued' | 'running' | 'dead';
const TABS: JobTab[] = ['queued', 'running', 'dead'];
const REFRESH_MS = 15_000;

interface TableProps {
  tab: JobTab;
  jobs: Job[];
  canRetry: boolean;
  retrying: string | null;
  onRetry: (id: string) => void;
}

function JobsTable({ tab, jobs, canRetry, retrying, onRetry }: TableProps) {
  const { t, lang, label } = useI18n();
  const head = [t('jobs.type'), t('orders.status'), t('jobs.attempts'), t('jobs.runAt'), t('orders.created'), t('jobs.lastError'), ...(canRetry ? [t('common.actions')] : [])];
  return (
    <ScrollTable caption={label('jobTab', tab)} head={head} empty={jobs.length === 0} minWidth={860} numeric={[2]}>
      {jobs.map((j) => (
        <Table.Tr key={j.id} data-testid="job-row">
          <Table.Td>
            <Text size="sm">{j.type}</Text>
            <Text size="xs" c="dimmed" className="sp-mono">
              {j.id}
            </Text>
          </Table.Td>
          <Table.Td>
            <StatusBadge value={j.status} group="jobStatus" />
          </Table.Td>
          <Table.Td ta="right">{j.attempts}</Table.Td>
          <Table.Td>{formatDateTime(j.run_at, lang)}</Table.Td>
          <Table.Td>{formatDateTime(j.created_at, lang)}</Table.Td>
          <Table.Td>{j.last_error ? <Code className="sp-code">{j.last_error}</Code> : '—'}</Table.Td>
          {canRetry && (
            <Table.Td>
              <Button size="xs" variant="light" loading={retrying === j.id} onClick={() => onRetry(j.id)} aria-label={t('jobs.retryJob', { id: j.id })} data-testid="retry-job">
                {t('jobs.retry')}
              </Button>
            </Table.Td>
          )}
        </Table.Tr>
      ))}
    </ScrollTable>
  );
}

export function JobsPage() {
  const { t, label } = useI18n();
  const { isAdmin } = useSession();
  const { run, busy } = useAction();
  const [tab, setTab] = useState<JobTab>('queued');
  const jobs = useApi<JobsAnswer>(`/jobs${query({ status: tab, limit: 100 })}`, REFRESH_MS);

  async function retry(id: string) {
    const done = await run(id, () => apiPost(`/jobs/${encodeURIComponent(id)}/retry`), t('jobs.retried'));
    if (done !== null) jobs.reload();
  }

  return (
    <>
      <PageHeader title={t('nav.jobs')} />
      <Tabs value={tab} onChange={(v) => v && setTab(v as JobTab)} keepMounted={false}>
        <Tabs.List>
          {TABS.map((s) => (
            <Tabs.Tab key={s} value={s} data-testid={`jobs-tab-${s}`}>
              {label('jobTab', s)} {jobs.data ? `(${jobs.data.counts[s]})` : ''}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {TABS.map((s) => (
          <Tabs.Panel key={s} value={s} pt="sm">
            <ProblemAlert problem={jobs.error} />
            {jobs.loading && !jobs.data && <Loading />}
            {jobs.data && <JobsTable tab={s} jobs={jobs.data.data} canRetry={isAdmin && s === 'dead'} retrying={busy} onRetry={(id) => void retry(id)} />}
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}
