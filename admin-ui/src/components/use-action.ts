import { useCallback, useState } from 'react';
import { ApiProblem, networkProblem } from '../api/problem';
import { useI18n } from '../i18n/i18n-context';
import { useNotify } from './notifications';

/** Runs a write, tells the user how it went (problem detail and code on failure), and reports busy meanwhile. */
export function useAction() {
  const notify = useNotify();
  const { t, label } = useI18n();
  const [busy, setBusy] = useState<string | null>(null);

  const run = useCallback(
    async <T,>(key: string, action: () => Promise<T>, success: string): Promise<T | null> => {
      setBusy(key);
      try {
        const result = await action();
        notify({ color: 'green', title: success });
        return result;
      } catch (e) {
        const p = e instanceof ApiProblem ? e : networkProblem(e);
        const known = label('errors', p.code);
        notify({ color: 'red', title: known !== p.code ? known : p.title || t('common.error'), message: `${p.detail ? `${p.detail} ` : ''}(${p.code})` });
        return null;
      } finally {
        setBusy(null);
      }
    },
    [notify, t, label],
  );
  return { run, busy };
}
