import { useEffect, useState } from 'react';
import { apiGet, appPath } from '../../api/client';
import { ApiProblem, networkProblem } from '../../api/problem';
import type { ChargeWithCalls, ListOf, Charge } from '../../api/types';

/** The order's charges, oldest first, each fetched again for its gateway calls (the list leaves them out). */
export function useCharges(appId: string, orderId: string, version: number) {
  const [charges, setCharges] = useState<ChargeWithCalls[] | null>(null);
  const [error, setError] = useState<ApiProblem | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const base = (p: string) => appPath(appId, p);
    (async () => {
      const list = await apiGet<ListOf<Charge>>(base(`/orders/${encodeURIComponent(orderId)}/charges`), controller.signal);
      const detailed = await Promise.all(list.data.map((c) => apiGet<ChargeWithCalls>(base(`/charges/${encodeURIComponent(c.id)}`), controller.signal)));
      setCharges(detailed);
      setError(null);
    })().catch((e: unknown) => {
      if (!controller.signal.aborted) setError(e instanceof ApiProblem ? e : networkProblem(e));
    });
    return () => controller.abort();
  }, [appId, orderId, version]);

  return { charges, error };
}
