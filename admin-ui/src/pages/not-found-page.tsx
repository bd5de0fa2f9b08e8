import { Anchor, Text } from '@mantine/core';
import { PageHeader } from '../components/page-header';
import { useI18n } from '../i18n/i18n-context';
import { href } from '../routing/router';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('notFound.title')} />
      <Text>
        <Anchor href={href('/overview')}>{t('notFound.back')}</Anchor>
      </Text>
    </>
  );
}
