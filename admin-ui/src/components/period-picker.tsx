import { Group, SegmentedControl, TextInput } from '@mantine/core';
import type { Currency } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { Preset } from '../period/period';
import { usePeriod } from '../period/period-context';

/** Presets, a custom from/to (Lima days, both inclusive) and, unless hidden, the currency. */
export function PeriodPicker({ withCurrency = true }: { withCurrency?: boolean }) {
  const { t } = useI18n();
  const { choice, setChoice, period } = usePeriod();
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <div>
        <SegmentedControl<Preset>
          aria-label={t('period.label')}
          value={choice.preset}
          onChange={(preset) => setChoice({ ...choice, preset })}
          data={[
            { value: 'today', label: t('period.today') },
            { value: '7d', label: t('period.7d') },
            { value: '30d', label: t('period.30d') },
            { value: 'custom', label: t('period.custom') },
          ]}
        />
      </div>
      {choice.preset === 'custom' && (
        <>
          <TextInput type="date" label={t('period.from')} value={choice.fromDay} onChange={(e) => setChoice({ ...choice, fromDay: e.currentTarget.value })} size="xs" />
          <TextInput
            type="date"
            label={t('period.to')}
            value={choice.toDay}
            onChange={(e) => setChoice({ ...choice, toDay: e.currentTarget.value })}
            size="xs"
            error={period.valid ? undefined : t('period.invalid')}
          />
        </>
      )}
      {withCurrency && (
        <SegmentedControl<Currency>
          aria-label={t('common.currency')}
          value={choice.currency}
          onChange={(currency) => setChoice({ ...choice, currency })}
          data={[
            { value: 'PEN', label: 'PEN (S/)' },
            { value: 'USD', label: 'USD (US$)' },
          ]}
        />
      )}
    </Group>
  );
}
