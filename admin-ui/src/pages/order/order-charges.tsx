import { Badge, Card, Group, Stack, Table, Text, Timeline, Title } from '@mantine/core';
import type { ApiProblem } from '../../api/problem';
import type { ChargeWithCalls } from '../../api/types';
import { CollapsibleCode } from '../../components/code-block';
import { Loading } from '../../components/loading';
import { ProblemAlert } from '../../components/problem-alert';
import { ScrollTable } from '../../components/scroll-table';
import { StatusBadge } from '../../components/status-badge';
import { formatDateTime } from '../../format/dates';
import { formatMoney } from '../../format/money';
import { formatMs } from '../../format/numbers';
import { useI18n } from '../../i18n/i18n-context';

function paymentMethodText(c: ChargeWithCalls): string {
  const pm = c.payment_method;
  if (!pm) return '—';
  const card = [pm.brand, pm.last4 ? `•••• ${pm.last4}` : null, pm.exp_month && pm.exp_year ? `${String(pm.exp_month).padStart(2, '0')}/${pm.exp_year}` : null].filter(Boolean).join(' ');
  return card || pm.type;
}

function ChargeCalls({ charge }: { charge: ChargeWithCalls }) {
  const { t, lang } = useI18n();
  return (
    <ScrollTable caption={t('charges.calls')} head={[t('charges.operation'), t('charges.method'), t('charges.path'), t('charges.httpStatus'), t('charges.duration'), t('charges.bodies')]} empty={charge.gateway_calls.length === 0} minWidth={760}>
      {charge.gateway_calls.map((call, i) => (
        <Table.Tr key={i}>
          <Table.Td>
            {call.operation}
            <Text size="xs" c="dimmed">
              {formatDateTime(call.created_at, lang)}
            </Text>
          </Table.Td>
          <Table.Td>
            <Badge variant="default">{call.method}</Badge>
          </Table.Td>
          <Table.Td className="sp-mono">{call.path}</Table.Td>
          <Table.Td>
            {call.status ?? '—'}
            {call.error_class && (
              <Badge color="red" variant="light" ml={4}>
                {call.error_class}
              </Badge>
            )}
          </Table.Td>
          <Table.Td>{formatMs(call.duration_ms, lang)}</Table.Td>
          <Table.Td>
            <CollapsibleCode label={t('charges.request')} text={call.request_body} />
            <CollapsibleCode label={t('charges.response')} text={call.response_body} />
          </Table.Td>
        </Table.Tr>
      ))}
    </ScrollTable>
  );
}

export function OrderCharges({ charges, error }: { charges: ChargeWithCalls[] | null; error: ApiProblem | null }) {
  const { t, lang, label } = useI18n();
  return (
    <Card withBorder radius="md" mb="md">
      <Title order={2} size="h4" mb="sm">
        {t('charges.title')}
      </Title>
      <ProblemAlert problem={error} />
      {!charges && !error && <Loading />}
      {charges && charges.length === 0 && <Text c="dimmed">{t('charges.none')}</Text>}
      {charges && charges.length > 0 && (
        <Timeline bulletSize={18} lineWidth={2} active={charges.length - 1}>
          {charges.map((c) => (
            <Timeline.Item
              key={c.id}
              color={c.status === 'succeeded' ? 'teal' : c.status === 'failed' ? 'red' : 'yellow'}
              title={
                <Group gap="xs">
                  <Text fw={600} size="sm">
                    {formatMoney(c.amount, c.currency)} · {label('gateway', c.gateway)}
                  </Text>
                  <StatusBadge value={c.status} group="chargeStatus" />
                </Group>
              }
            >
              <Stack gap={4}>
                <Text size="xs" c="dimmed">
                  <span className="sp-mono">{c.id}</span> · {formatDateTime(c.created_at, lang)} · {t('charges.processing', { ms: formatMs(c.processing_ms, lang) })}
                </Text>
                <Text size="sm">
                  {t('charges.paymentMethod')}: {paymentMethodText(c)}
                  {c.gateway_charge_id && (
                    <>
                      {' · '}
                      {t('charges.gatewayId')}: <span className="sp-mono">{c.gateway_charge_id}</span>
                    </>
                  )}
                </Text>
                {c.failure && (
                  <Text size="sm" c="red.9">
                    {label('failureCode', c.failure.code)}
                    {c.failure.decline_code && ` · ${label('declineCode', c.failure.decline_code)}`}
                    {c.failure.gateway_code && ` (${c.failure.gateway_code})`}
                    {c.failure.message && ` — ${c.failure.message}`}
                  </Text>
                )}
                {c.next_action && (
                  <Text size="sm" c="orange.9">
                    {t('charges.nextAction')}: {c.next_action.type}
                  </Text>
                )}
                <ChargeCalls charge={c} />
              </Stack>
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </Card>
  );
}
