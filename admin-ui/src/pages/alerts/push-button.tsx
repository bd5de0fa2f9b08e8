import { Button, Text } from '@mantine/core';
import { useState } from 'react';
import { ApiProblem } from '../../api/problem';
import { useNotify } from '../../components/notifications';
import { useI18n } from '../../i18n/i18n-context';
import { enablePush, pushSupport } from './push-subscription';

export function PushButton({ appId }: { appId: string }) {
  const { t, label } = useI18n();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const support = pushSupport();
  if (support !== 'supported') {
    return (
      <Text size="xs" c="dimmed">
        {support === 'insecure' ? t('push.insecure') : t('push.unsupported')}
      </Text>
    );
  }

  async function enable() {
    setBusy(true);
    try {
      const permission = await enablePush(appId);
      if (permission === 'granted') notify({ color: 'green', title: t('push.enabled') });
      else notify({ color: 'yellow', title: t('push.denied') });
    } catch (e) {
      const detail = e instanceof ApiProblem ? `${label('errors', e.code)} — ${e.detail} (${e.code})` : e instanceof Error ? e.message : String(e);
      notify({ color: 'red', title: t('push.failed'), message: detail });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Button variant="light" loading={busy} onClick={() => void enable()} data-testid="enable-push">
      {t('push.enable')}
    </Button>
  );
}
