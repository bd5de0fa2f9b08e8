import { Button, Group } from '@mantine/core';
import { useCallback, useState } from 'react';
import { useI18n } from '../i18n/i18n-context';

/** Cursor pagination keeps the cursors already passed, so "previous" goes back without offsets. */
export function useCursorPager() {
  const [stack, setStack] = useState<string[]>([]);
  const cursor = stack.length > 0 ? stack[stack.length - 1] : null;
  const next = useCallback((nextCursor: string) => setStack((s) => [...s, nextCursor]), []);
  const previous = useCallback(() => setStack((s) => s.slice(0, -1)), []);
  const reset = useCallback(() => setStack([]), []);
  return { cursor, page: stack.length + 1, next, previous, reset };
}

interface Props {
  pager: ReturnType<typeof useCursorPager>;
  hasMore: boolean;
  nextCursor: string | null;
}

export function CursorPager({ pager, hasMore, nextCursor }: Props) {
  const { t } = useI18n();
  return (
    <Group justify="flex-end" mt="sm" gap="xs">
      <Button variant="default" size="xs" disabled={pager.page === 1} onClick={pager.previous}>
        {t('common.previousPage')}
      </Button>
      <span aria-live="polite">{t('common.page', { n: pager.page })}</span>
      <Button variant="default" size="xs" disabled={!hasMore || !nextCursor} onClick={() => nextCursor && pager.next(nextCursor)} data-testid="next-page">
        {t('common.nextPage')}
      </Button>
    </Group>
  );
}
