import { Card, Group, Text } from '@mantine/core';
import { formatChange } from '../format/numbers';
import { useI18n } from '../i18n/i18n-context';

export interface Kpi {
  /** `data-testid="kpi-<name>"` for browser tests. */
  name: string;
  label: string;
  /** What the user reads. */
  display: string;
  /** The API's raw figure, in `data-value`, so tests compare numbers rather than formatted text. */
  raw: number | null;
  previous: number | null;
  /** Rates change in percentage points, counts and amounts relatively. */
  changeKind: 'relative' | 'points';
  /** Latency: up is bad. */
  lowerIsBetter?: boolean;
  hint?: string;
}

function change(k: Kpi): number | null {
  if (k.raw === null || k.previous === null) return null;
  if (k.changeKind === 'points') return k.raw - k.previous;
  if (k.previous === 0) return null;
  return (k.raw - k.previous) / k.previous;
}

export function KpiCard({ kpi }: { kpi: Kpi }) {
  const { t, lang } = useI18n();
  const delta = change(kpi);
  const good = delta === null || delta === 0 ? null : (delta > 0) !== Boolean(kpi.lowerIsBetter);
  return (
    <Card withBorder padding="md" radius="md">
      <Text size="sm" c="dimmed" component="h2" fw={500} m={0}>
        {kpi.label}
      </Text>
      <Text size="xl" fw={700} className="sp-kpi-value" data-testid={`kpi-${kpi.name}`} data-value={kpi.raw ?? ''}>
        {kpi.display}
      </Text>
      {kpi.hint && (
        <Text size="xs" c="dimmed">
          {kpi.hint}
        </Text>
      )}
      <Group gap={4} mt={4}>
        <Text size="xs" c={good === null ? 'dimmed' : good ? 'teal.9' : 'red.9'} data-testid={`kpi-${kpi.name}-change`}>
          {delta === null ? t('kpi.noComparison') : t('kpi.vsPrevious', { change: formatChange(delta, kpi.changeKind, lang) })}
        </Text>
      </Group>
    </Card>
  );
}
