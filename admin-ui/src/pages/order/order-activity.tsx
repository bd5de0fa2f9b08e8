import { Button, Card, Stack, Table, Text, Title } from '@mantine/core';
import { apiPost, appPath } from '../../api/client';
import type { OrderActivity } from '../../api/types';
import type { ApiState } from '../../api/use-api';
import { Loading } from '../../components/loading';
import { ProblemAlert } from '../../components/problem-alert';
import { ScrollTable } from '../../components/scroll-table';
import { StatusBadge } from '../../components/status-badge';
import { useAction } from '../../components/use-action';
import { formatDateTime } from '../../format/dates';
import { formatMs } from '../../format/numbers';
import { useI18n } from '../../i18n/i18n-context';

type Delivery = OrderActivity['events'][number]['deliveries'][number];

function DeliveryLine({ d }: { d: Delivery }) {
  const { t, lang } = useI18n();
  const last = d.attempts[d.attempts.length - 1];
  return (
    <Text size="xs">
      <StatusBadge value={d.status} group="deliveryStatus" /> <span className="sp-mono">{d.url}</span> · {t('events.attempts', { n: d.attempts.length })}
      {last && ` · ${t('events.lastAttempt')}: ${last.status_code ?? '—'} ${formatMs(last.duration_ms, lang)} ${formatDateTime(last.attempted_at, lang)}${last.error ? ` — ${last.error}` : ''}`}
    </Text>
  );
}

interface Props {
  appId: string;
  activity: ApiState<OrderActivity>;
  isAdmin: boolean;
}

export function OrderActivitySection({ appId, activity, isAdmin }: Props) {
  const { t, lang, label } = useI18n();
  const { run, busy } = useAction();
  const a = activity.data;

  async function redeliver(eventId: string) {
    const done = await run(eventId, () => apiPost(appPath(appId, `/events/${encodeURIComponent(eventId)}/redeliver`)), t('events.redelivered'));
    if (done !== null) activity.reload();
  }

  return (
    <>
      <ProblemAlert problem={activity.error} />
      {activity.loading && !a && <Loading />}
      {a && (
        <>
          <Card withBorder radius="md" mb="md">
            <Title order={2} size="h4" mb="sm">
              {t('events.title')}
            </Title>
            <ScrollTable caption={t('events.title')} head={[t('events.type'), t('orders.created'), t('events.deliveries'), ...(isAdmin ? [t('common.actions')] : [])]} empty={a.events.length === 0} minWidth={760}>
              {a.events.map((e) => (
                <Table.Tr key={e.id} data-testid="event-row">
                  <Table.Td>
                    <Text size="sm">{e.type}</Text>
                    <Text size="xs" c="dimmed" className="sp-mono">
                      {e.id}
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatDateTime(e.created_at, lang)}</Table.Td>
                  <Table.Td>
                    <Stack gap={2}>{e.deliveries.length === 0 ? <Text size="xs" c="dimmed">{t('events.noDeliveries')}</Text> : e.deliveries.map((d, i) => <DeliveryLine key={`${d.endpoint_id}-${i}`} d={d} />)}</Stack>
                  </Table.Td>
                  {isAdmin && (
                    <Table.Td>
                      <Button size="xs" variant="light" loading={busy === e.id} onClick={() => void redeliver(e.id)} aria-label={t('events.redeliverEvent', { id: e.id })} data-testid="redeliver-button">
                        {t('events.redeliver')}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </ScrollTable>
          </Card>
          <Card withBorder radius="md" mb="md">
            <Title order={2} size="h4" mb="sm">
              {t('webhooks.title')}
            </Title>
            <ScrollTable caption={t('webhooks.title')} head={[t('orders.gateway'), t('webhooks.topic'), t('orders.status'), t('webhooks.received')]} empty={a.gateway_webhooks.length === 0} minWidth={560}>
              {a.gateway_webhooks.map((w) => (
                <Table.Tr key={w.id}>
                  <Table.Td>{label('gateway', w.gateway)}</Table.Td>
                  <Table.Td className="sp-mono">{w.topic}</Table.Td>
                  <Table.Td>
                    <StatusBadge value={w.status} />
                  </Table.Td>
                  <Table.Td>{formatDateTime(w.received_at, lang)}</Table.Td>
                </Table.Tr>
              ))}
            </ScrollTable>
          </Card>
          <Card withBorder radius="md" mb="md">
            <Title order={2} size="h4" mb="sm">
              {t('emails.title')}
            </Title>
            <ScrollTable caption={t('emails.title')} head={[t('emails.kind'), t('emails.to'), t('emails.subject'), t('orders.status'), t('orders.created'), t('emails.sent')]} empty={a.emails.length === 0} minWidth={760}>
              {a.emails.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>{label('emailKind', m.kind)}</Table.Td>
                  <Table.Td>{m.to}</Table.Td>
                  <Table.Td>{m.subject}</Table.Td>
                  <Table.Td>
                    <StatusBadge value={m.status} />
                    {(m.error_code !== null || m.error_message) && (
                      <Text size="xs" c="red.9">
                        {[m.error_code, m.error_message].filter((x) => x !== null && x !== undefined && x !== '').join(' — ')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{formatDateTime(m.created_at, lang)}</Table.Td>
                  <Table.Td>{formatDateTime(m.sent_at, lang)}</Table.Td>
                </Table.Tr>
              ))}
            </ScrollTable>
          </Card>
        </>
      )}
    </>
  );
}
