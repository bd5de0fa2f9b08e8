import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { apiGet, apiRequest, setCsrfToken, setUnauthorizedHandler } from '../api/client';
import { ApiProblem } from '../api/problem';
import type { AdminSession, AppSummary, ListOf } from '../api/types';

const APP_KEY = 'smartpay.admin.app';

export interface SessionState {
  /** undefined while the first GET /session is in flight. */
  session: AdminSession | null | undefined;
  isAdmin: boolean;
  apps: AppSummary[];
  appsError: ApiProblem | null;
  appId: string | null;
  selectApp: (id: string) => void;
  signedIn: (session: AdminSession) => void;
  logout: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

function storedApp(): string | null {
  try {
    return window.localStorage.getItem(APP_KEY);
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<AdminSession | null | undefined>(undefined);
  const [apps, setApps] = useState<AppSummary[]>([]);
  const [appsError, setAppsError] = useState<ApiProblem | null>(null);
  const [appId, setAppId] = useState<string | null>(storedApp);

  const signedIn = useCallback((s: AdminSession) => {
    setCsrfToken(s.csrf_token);
    setSession(s);
  }, []);

  const signedOut = useCallback(() => {
    setCsrfToken(null);
    setSession(null);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(signedOut);
    // A reload gets the session (and its CSRF token) back from the cookie.
    apiRequest<AdminSession>('/session', { expectUnauthorized: true })
      .then(signedIn)
      .catch(() => signedOut());
  }, [signedIn, signedOut]);

  useEffect(() => {
    if (!session) return;
    apiGet<ListOf<AppSummary>>('/apps')
      .then((list) => {
        setApps(list.data);
        setAppsError(null);
        setAppId((current) => (current && list.data.some((a) => a.id === current) ? current : (list.data[0]?.id ?? null)));
      })
      .catch((e: unknown) => setAppsError(e instanceof ApiProblem ? e : null));
  }, [session]);

  const selectApp = useCallback((id: string) => {
    setAppId(id);
    try {
      window.localStorage.setItem(APP_KEY, id);
    } catch {
      // Not remembered; still selected.
    }
  }, []);

  const logout = useCallback(async () => {
    try {
      await apiRequest<void>('/session', { method: 'DELETE', expectUnauthorized: true });
    } finally {
      signedOut();
    }
  }, [signedOut]);

  const value = useMemo<SessionState>(
    () => ({ session, isAdmin: session?.admin.role === 'admin', apps, appsError, appId, selectApp, signedIn, logout }),
    [session, apps, appsError, appId, selectApp, signedIn, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The selected app's id on pages that need one (the layout shows a notice while there is none). */
export function useAppId(): string | null {
  return useSession().appId;
}
