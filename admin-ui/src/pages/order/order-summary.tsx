import { Anchor, Button, Card, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import type { ReactNode, RefObject } from 'react';
import { API_BASE, appPath } from '../../api/client';
import type { Order } from '../../api/types';
import { StatusBadge } from '../../components/status-badge';
import { formatDateTime } from '../../format/dates';
import { formatMoney } from '../../format/money';
import { useI18n } from '../../i18n/i18n-context';
import { href } from '../../routing/router';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

interface Props {
  appId: string;
  order: Order;
  canRefund: boolean;
  onRefund: () => void;
  refundButtonRef: RefObject<HTMLButtonElement | null>;
}

export function OrderSummary({ appId, order, canRefund, onRefund, refundButtonRef }: Props) {
  const { t, lang, label } = useI18n();
  return (
    <Card withBorder radius="md" mb="md">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Group gap="sm">
            <Text fz={28} fw={700} data-testid="order-amount" data-value={order.amount}>
              {formatMoney(order.amount, order.currency)}
            </Text>
            <StatusBadge value={order.status} group="orderStatus" />
          </Group>
          <Text size="sm" c="dimmed">
            {order.description ?? ''}
          </Text>
        </Stack>
        {canRefund && (
          <Button ref={refundButtonRef} color="red" variant="outline" onClick={onRefund} disabled={order.amount_refundable <= 0} data-testid="refund-button">
            {t('order.refund')}
          </Button>
        )}
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }} mt="md" spacing="sm">
        <Field label={t('order.id')}>
          <span className="sp-mono">{order.id}</span>
        </Field>
        <Field label={t('orders.customer')}>{order.customer_id ? <Anchor href={href(`/customers/${order.customer_id}`)} className="sp-mono">{order.customer_id}</Anchor> : '—'}</Field>
        <Field label={t('orders.reference')}>
          <span className="sp-mono">{order.reference ?? '—'}</span>
        </Field>
        <Field label={t('order.invoice')}>
          {order.invoice_id ? (
            <Anchor href={`${API_BASE}${appPath(appId, `/invoices/${encodeURIComponent(order.invoice_id)}/pdf`)}`} target="_blank" rel="noopener" data-testid="invoice-link">
              {t('order.invoicePdf')} <span className="sp-mono">{order.invoice_id}</span>
            </Anchor>
          ) : (
            '—'
          )}
        </Field>
        <Field label={t('order.refunded')}>{formatMoney(order.amount_refunded, order.currency)}</Field>
        <Field label={t('order.refundable')}>{formatMoney(order.amount_refundable, order.currency)}</Field>
        <Field label={t('orders.gateway')}>{order.gateway ? label('gateway', order.gateway) : t('order.suggested', { gateway: label('gateway', order.suggested_gateway) })}</Field>
        <Field label={t('order.creditPackage')}>{order.credit_package ?? '—'}</Field>
        <Field label={t('orders.created')}>{formatDateTime(order.created_at, lang)}</Field>
        <Field label={t('order.paidAt')}>{formatDateTime(order.paid_at, lang)}</Field>
        <Field label={t('order.canceledAt')}>{formatDateTime(order.canceled_at, lang)}</Field>
        <Field label={t('order.expiresAt')}>{formatDateTime(order.expires_at, lang)}</Field>
      </SimpleGrid>
      {order.items && order.items.length > 0 && (
        <Stack gap={2} mt="md">
          <Text size="xs" c="dimmed">
            {t('order.items')}
          </Text>
          {order.items.map((item, i) => (
            <Text size="sm" key={i}>
              {item.quantity} × {item.description} — {formatMoney(item.unit_amount, order.currency)}
            </Text>
          ))}
        </Stack>
      )}
      {Object.keys(order.metadata ?? {}).length > 0 && (
        <Stack gap={2} mt="md">
          <Text size="xs" c="dimmed">
            {t('order.metadata')}
          </Text>
          {Object.entries(order.metadata).map(([k, v]) => (
            <Text size="sm" key={k} className="sp-mono">
              {k}: {v}
            </Text>
          ))}
        </Stack>
      )}
    </Card>
  );
}
