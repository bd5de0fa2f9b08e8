import { Notification, Stack } from '@mantine/core';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n-context';

export interface Toast {
  id: number;
  color: 'green' | 'red' | 'blue' | 'yellow';
  title: string;
  message?: string;
}

type Notify = (toast: Omit<Toast, 'id'>) => void;
const NotifyContext = createContext<Notify>(() => {});

const LIFETIME_MS = 8000;
let nextId = 1;

/** Short-lived messages after an action, announced politely to screen readers. */
export function NotificationsProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((x) => x.id !== id)), []);
  const notify = useCallback<Notify>(
    (toast) => {
      const id = nextId++;
      setToasts((all) => [...all.slice(-3), { ...toast, id }]);
      window.setTimeout(() => dismiss(id), LIFETIME_MS);
    },
    [dismiss],
  );
  const value = useMemo(() => notify, [notify]);
  return (
    <NotifyContext.Provider value={value}>
      {children}
      <div className="sp-toasts" role="status" aria-live="polite">
        <Stack gap="xs">
          {toasts.map((x) => (
            <Notification key={x.id} color={x.color} title={x.title} onClose={() => dismiss(x.id)} closeButtonProps={{ 'aria-label': t('common.close') }} withBorder>
              {x.message}
            </Notification>
          ))}
        </Stack>
      </div>
    </NotifyContext.Provider>
  );
}

export const useNotify = (): Notify => useContext(NotifyContext);
