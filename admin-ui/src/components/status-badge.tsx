import { Badge } from '@mantine/core';
import { useI18n } from '../i18n/i18n-context';

const COLORS: Record<string, string> = {
  paid: 'green',
  succeeded: 'green',
  completed: 'green',
  accepted: 'green',
  delivered: 'green',
  sent: 'green',
  closed: 'green',
  resolved: 'gray',
  processed: 'green',
  pending: 'yellow',
  processing: 'yellow',
  queued: 'yellow',
  running: 'blue',
  requires_action: 'orange',
  half_open: 'yellow',
  acknowledged: 'blue',
  partially_refunded: 'grape',
  refunded: 'grape',
  disputed: 'red',
  failed: 'red',
  dead: 'red',
  open: 'red',
  rejected: 'red',
  bounced: 'red',
  error: 'red',
  critical: 'red',
  warning: 'orange',
  canceled: 'gray',
  expired: 'gray',
  disabled: 'gray',
};

/** A status as a colored badge; `group` picks the translated label (`orderStatus.paid`). */
export function StatusBadge({ value, group = 'status' }: { value: string | null | undefined; group?: string }) {
  const { label } = useI18n();
  if (!value) return <>—</>;
  return (
    <Badge color={COLORS[value] ?? 'gray'} variant="light" data-status={value}>
      {label(group, value)}
    </Badge>
  );
}
