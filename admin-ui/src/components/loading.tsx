import { Center, Loader } from '@mantine/core';
import { useI18n } from '../i18n/i18n-context';

export function Loading() {
  const { t } = useI18n();
  return (
    <Center py="lg">
      <Loader size="sm" role="status" aria-label={t('common.loading')} />
    </Center>
  );
}
