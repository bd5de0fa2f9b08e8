import { useCallback, useEffect, useRef, useState } from 'react';
import { apiGet } from './client';
import { ApiProblem, networkProblem } from './problem';

export interface ApiState<T> {
  data: T | null;
  error: ApiProblem | null;
  loading: boolean;
  reload: () => void;
}

/**
 * GETs `path` (relative to /admin/api) whenever it changes; null waits (a missing app, an unset filter).
 * A newer request aborts the older one, so a slow answer never overwrites a fresh one.
 */
export function useApi<T>(path: string | null, refreshMs?: number): ApiState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiProblem | null>(null);
  const [loading, setLoading] = useState<boolean>(path !== null);
  const [tick, setTick] = useState(0);
  const shownPath = useRef<string | null>(null);

  useEffect(() => {
    if (path === null) {
      setData(null);
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    // A periodic refresh keeps the old figures on screen; a new path clears them.
    if (shownPath.current !== path) setData(null);
    setLoading(true);
    apiGet<T>(path, controller.signal)
      .then((body) => {
        shownPath.current = path;
        setData(body);
        setError(null);
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        setError(e instanceof ApiProblem ? e : networkProblem(e));
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [path, tick]);

  useEffect(() => {
    if (!refreshMs || path === null) return;
    const timer = window.setInterval(() => setTick((n) => n + 1), refreshMs);
    return () => window.clearInterval(timer);
  }, [refreshMs, path]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}
