import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { defaultChoice, resolvePeriod, type PeriodChoice, type ResolvedPeriod } from './period';

interface PeriodState {
  choice: PeriodChoice;
  setChoice: (next: PeriodChoice) => void;
  period: ResolvedPeriod;
}

const PeriodContext = createContext<PeriodState | null>(null);

/** One period for the overview, gateways, credits and reports pages, so moving between them keeps it. */
export function PeriodProvider({ children }: { children: ReactNode }) {
  const [choice, setChoice] = useState<PeriodChoice>(defaultChoice);
  const period = useMemo(() => resolvePeriod(choice), [choice]);
  const value = useMemo(() => ({ choice, setChoice, period }), [choice, period]);
  return <PeriodContext.Provider value={value}>{children}</PeriodContext.Provider>;
}

export function usePeriod(): PeriodState {
  const ctx = useContext(PeriodContext);
  if (!ctx) throw new Error('usePeriod outside PeriodProvider');
  return ctx;
}
