import { Alert, Button, Card, Group, List, SimpleGrid, Table, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { apiGet, apiPost, appPath, query } from '../api/client';
import type { ReconciliationEntry, ReconciliationReport, ReconciliationRun } from '../api/types';
import { useApi } from '../api/use-api';
import { Loading } from '../components/loading';
import { PageHeader } from '../components/page-header';
import { ProblemAlert } from '../components/problem-alert';
import { ScrollTable } from '../components/scroll-table';
import { StatusBadge } from '../components/status-badge';
import { useAction } from '../components/use-action';
import { addDays, isDay, limaDayStart, limaToday } from '../format/dates';
import { formatMoney } from '../format/money';
import { formatCount } from '../format/numbers';
import type { MessageKey } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n-context';
import { useSession } from '../session/session-context';

const SECTIONS: { key: keyof Pick<ReconciliationReport, 'missing_locally' | 'missing_at_gateway' | 'amount_mismatches' | 'status_mismatches'>; label: MessageKey }[] = [
  { key: 'missing_locally', label: 'recon.missingLocally' },
  { key: 'missing_at_gateway', label: 'recon.missingAtGateway' },
  { key: 'amount_mismatches', label: 'recon.amountMismatches' },
  { key: 'status_mismatches', label: 'recon.statusMismatches' },
];
const POLL_MS = 2000;

/** This report's `to` is inclusive: the last millisecond of the last Lima day. */
function reportRange(fromDay: string, toDay: string): { from: string; to: string } | null {
  if (!isDay(fromDay) || !isDay(toDay) || fromDay > toDay) return null;
  return { from: limaDayStart(fromDay), to: new Date(Date.parse(limaDayStart(addDays(toDay, 1))) - 1).toISOString() };
}

// The entries carry no currency (a charge may be PEN or USD), so amounts are shown as plain decimals.
function EntriesTable({ title, rows }: { title: string; rows: ReconciliationEntry[] }) {
  const { t, label } = useI18n();
  return (
    <Card withBorder radius="md">
      <Title order={2} size="h5" mb="xs">
        {title} ({rows.length})
      </Title>
      <ScrollTable caption={title} head={[t('orders.gateway'), t('recon.gatewayId'), t('recon.gatewayAmount'), t('recon.gatewayStatus'), t('recon.chargeId'), t('orders.amount'), t('orders.status')]} empty={rows.length === 0} minWidth={820} numeric={[2, 5]}>
        {rows.map((r, i) => (
          <Table.Tr key={`${r.gateway_charge_id ?? ''}-${r.charge_id ?? ''}-${i}`}>
            <Table.Td>{label('gateway', r.gateway)}</Table.Td>
            <Table.Td className="sp-mono">{r.gateway_charge_id ?? '—'}</Table.Td>
            <Table.Td ta="right">{formatMoney(r.gateway_amount, null)}</Table.Td>
            <Table.Td>{r.gateway_status ?? '—'}</Table.Td>
            <Table.Td className="sp-mono">{r.charge_id ?? '—'}</Table.Td>
            <Table.Td ta="right">{formatMoney(r.amount, null)}</Table.Td>
            <Table.Td>{r.status ? <StatusBadge value={r.status} group="chargeStatus" /> : '—'}</Table.Td>
          </Table.Tr>
        ))}
      </ScrollTable>
    </Card>
  );
}

/** What a finished run did: charges and refunds looked up at the gateways, those corrected, and anything odd. */
function RunResult({ run }: { run: ReconciliationRun }) {
  const { t } = useI18n();
  if (run.status !== 'completed' && run.status !== 'failed') return null;
  return (
    <Alert color={run.status === 'failed' ? 'red' : 'blue'} mb="md" title={t('recon.run', { id: run.id })} data-testid="recon-run-result">
      <Text size="sm">{t('recon.runResult', { checked: run.checked ?? 0, updated: run.updated ?? 0 })}</Text>
      {run.error && (
        <Text size="sm" c="red.9">
          {run.error}
        </Text>
      )}
      {run.discrepancies && run.discrepancies.length > 0 && (
        <List size="sm" mt={4}>
          {run.discrepancies.map((d) => (
            <List.Item key={d}>{d}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}

export function ReconciliationPage({ appId }: { appId: string }) {
  const { t, lang } = useI18n();
  const { isAdmin } = useSession();
  const { run, busy } = useAction();
  const [fromDay, setFromDay] = useState(() => addDays(limaToday(), -6));
  const [toDay, setToDay] = useState(limaToday);
  const [activeRun, setActiveRun] = useState<ReconciliationRun | null>(null);
  const range = reportRange(fromDay, toDay);
  const report = useApi<ReconciliationReport>(range ? appPath(appId, `/reconciliation/report${query(range)}`) : null);
  const reloadReport = report.reload;

  // Follow a run until it finishes, then read the report again.
  useEffect(() => {
    if (!activeRun || activeRun.status === 'completed' || activeRun.status === 'failed') return;
    const timer = window.setTimeout(() => {
      apiGet<ReconciliationRun>(appPath(appId, `/reconciliation/runs/${encodeURIComponent(activeRun.id)}`))
        .then((r) => {
          setActiveRun(r);
          if (r.status === 'completed') reloadReport();
        })
        .catch(() => setActiveRun({ ...activeRun, status: 'failed' }));
    }, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [activeRun, appId, reloadReport]);

  async function start() {
    const r = await run('run', () => apiPost<ReconciliationRun>(appPath(appId, '/reconciliation/runs')), t('recon.started'));
    if (r) setActiveRun(r);
  }

  return (
    <>
      <PageHeader title={t('nav.reconciliation')}>
        {isAdmin && (
          <Group gap="xs">
            {activeRun && (
              <Text size="sm" aria-live="polite" data-testid="recon-run-status">
                {t('recon.run', { id: activeRun.id })} <StatusBadge value={activeRun.status} group="runStatus" />
              </Text>
            )}
            <Button onClick={() => void start()} loading={busy === 'run' || activeRun?.status === 'queued' || activeRun?.status === 'running'} data-testid="recon-run">
              {t('recon.runNow')}
            </Button>
          </Group>
        )}
      </PageHeader>
      {activeRun && <RunResult run={activeRun} />}
      <Group align="flex-end" mb="md">
        <TextInput type="date" label={t('period.from')} value={fromDay} onChange={(e) => setFromDay(e.currentTarget.value)} size="xs" />
        <TextInput type="date" label={t('period.to')} value={toDay} onChange={(e) => setToDay(e.currentTarget.value)} size="xs" error={range ? undefined : t('period.invalid')} />
        <Text size="xs" c="dimmed">
          {t('recon.maxDays')}
        </Text>
      </Group>
      <ProblemAlert problem={report.error} />
      {report.loading && !report.data && <Loading />}
      {report.data && (
        <>
          <Card withBorder mb="md" padding="sm">
            <Text>
              {t('recon.matched')}:{' '}
              <Text span fw={700} data-testid="recon-matched" data-value={report.data.matched}>
                {formatCount(report.data.matched, lang)}
              </Text>
            </Text>
          </Card>
          <SimpleGrid cols={1}>
            {SECTIONS.map((s) => (
              <EntriesTable key={s.key} title={t(s.label)} rows={report.data![s.key]} />
            ))}
          </SimpleGrid>
        </>
      )}
    </>
  );
}
