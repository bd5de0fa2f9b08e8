import { Button, Group, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { CURRENCIES, GATEWAYS, ORDER_STATUSES } from '../domain/values';
import { parseMoneyInput } from '../format/money';
import { useI18n } from '../i18n/i18n-context';

export const FILTER_KEYS = ['status', 'gateway', 'currency', 'customer_id', 'reference', 'from', 'to', 'min', 'max'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

interface Props {
  value: Filters;
  onApply: (filters: Filters) => void;
}

/** Edited as a draft and applied together, so typing a reference does not fire a request per key. */
export function OrdersFilters({ value, onApply }: Props) {
  const { t, label } = useI18n();
  const [draft, setDraft] = useState<Filters>(value);
  const clearProps = { 'aria-label': t('common.clear') };
  const set = (k: FilterKey) => (v: string | null) => setDraft((d) => ({ ...d, [k]: v ?? '' }));
  const text = (k: FilterKey) => (e: React.ChangeEvent<HTMLInputElement>) => set(k)(e.currentTarget.value);

  const amountError = (k: 'min' | 'max') => (draft[k] && parseMoneyInput(draft[k]) === null ? t('orders.amountInvalid') : undefined);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (amountError('min') || amountError('max')) return;
    onApply(draft);
  }

  return (
    <form onSubmit={submit} aria-label={t('orders.filters')}>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 5 }} spacing="sm">
        <Select label={t('orders.status')} data={ORDER_STATUSES.map((s) => ({ value: s, label: label('orderStatus', s) }))} value={draft.status || null} onChange={set('status')} clearable clearButtonProps={clearProps} placeholder={t('common.all')} />
        <Select label={t('orders.gateway')} data={GATEWAYS.map((g) => ({ value: g, label: label('gateway', g) }))} value={draft.gateway || null} onChange={set('gateway')} clearable clearButtonProps={clearProps} placeholder={t('common.all')} />
        <Select label={t('common.currency')} data={[...CURRENCIES]} value={draft.currency || null} onChange={set('currency')} clearable clearButtonProps={clearProps} placeholder={t('common.all')} />
        <TextInput label={t('orders.customerId')} placeholder="cus_…" value={draft.customer_id ?? ''} onChange={text('customer_id')} />
        <TextInput label={t('orders.reference')} value={draft.reference ?? ''} onChange={text('reference')} />
        <TextInput type="date" label={t('orders.createdFrom')} value={draft.from ?? ''} onChange={text('from')} />
        <TextInput type="date" label={t('orders.createdTo')} value={draft.to ?? ''} onChange={text('to')} />
        <TextInput label={t('orders.amountMin')} description={t('orders.amountHint')} inputMode="decimal" placeholder="0.00" value={draft.min ?? ''} onChange={text('min')} error={amountError('min')} />
        <TextInput label={t('orders.amountMax')} description={t('orders.amountHint')} inputMode="decimal" placeholder="0.00" value={draft.max ?? ''} onChange={text('max')} error={amountError('max')} />
      </SimpleGrid>
      <Group mt="sm" gap="xs">
        <Button type="submit" data-testid="apply-filters">
          {t('common.apply')}
        </Button>
        <Button
          variant="default"
          onClick={() => {
            setDraft({});
            onApply({});
          }}
        >
          {t('common.clear')}
        </Button>
      </Group>
    </form>
  );
}
