import { randomUUID } from 'node:crypto';
import { derivedId, type IdKind } from '../common/ids';
import type { CreditAccount } from '../credits/credit-account.entity';
import type { CreditLot, LotKind } from '../credits/credit-lot.entity';
import type { CreditTransaction, CreditTransactionType } from '../credits/credit-transaction.entity';

/**
 * A month of credit ledger behind a few demo customers, as rows, for the credits page's chart: the live demo
 * buys and spends credits "now", and the ledger, like the payments, cannot be backdated through the API. The
 * rows keep the ledger's invariants — every transaction's `balance_after` is the running sum, every lot's
 * `remaining` is what its movements left, soonest-expiring lot first, nothing taken from an expired lot — so
 * the customers' pages, the consume endpoint and the expiry job go on from them as from real history.
 */
export interface CreditHistory {
  accounts: CreditAccount[];
  lots: CreditLot[];
  transactions: CreditTransaction[];
}

type Random = () => number;
const DAY_MS = 86_400_000;
const idAt = (kind: IdKind, at: Date): string => derivedId(kind, at, randomUUID());

export function demoCreditHistory(appId: string, customerIds: readonly string[], now: Date, options: { days: number; random?: Random }): CreditHistory {
  const random = options.random ?? Math.random;
  const out: CreditHistory = { accounts: [], lots: [], transactions: [] };
  const start = now.getTime() - options.days * DAY_MS;
  for (const customerId of customerIds) {
    let balance = 0;
    const lots: CreditLot[] = [];
    const entry = (at: Date, type: CreditTransactionType, credits: number, moved: { lot_id: string; credits: number }[], description: string) => {
      balance += credits;
      out.transactions.push({
        id: idAt('creditTransaction', at),
        appId,
        customerId,
        type,
        credits,
        balanceAfter: balance,
        reference: type === 'consume' ? `demo-history-${randomUUID()}` : null,
        entryKey: type === 'consume' ? null : `demo:${randomUUID()}`,
        description,
        lots: moved,
        orderId: null,
        refundId: null,
        metadata: { demo: 'history' },
        createdAt: at,
      });
    };
    const grant = (at: Date, kind: LotKind, credits: number, expiresAt: Date | null, description: string) => {
      const lot: CreditLot = { id: idAt('creditLot', at), appId, customerId, kind, credits, remaining: credits, expiresAt, expiredAt: null, orderId: null, createdAt: at };
      lots.push(lot);
      out.lots.push(lot);
      entry(at, 'grant', credits, [{ lot_id: lot.id, credits }], description);
    };
    const expireDue = (at: Date) => {
      for (const lot of lots) {
        if (lot.expiredAt || !lot.expiresAt || lot.expiresAt > at) continue;
        lot.expiredAt = lot.expiresAt;
        if (lot.remaining > 0) {
          const left = lot.remaining;
          lot.remaining = 0;
          entry(lot.expiresAt, 'expire', -left, [{ lot_id: lot.id, credits: -left }], 'Vencimiento de créditos');
        }
      }
    };

    const first = new Date(start + Math.floor(random() * DAY_MS));
    grant(first, 'granted', 2_500 + Math.floor(random() * 5) * 250, null, 'Saldo migrado del sistema anterior');
    for (let day = 0; day < options.days; day++) {
      const dayStart = start + day * DAY_MS;
      // Halfway, a promotion that expires ten days after it is given (at the start of a day, before that day's
      // consumptions, so the rows stay in time order), usually with some of it unused.
      if (day === Math.floor(options.days / 2)) grant(new Date(dayStart), 'granted', 800, new Date(dayStart + 10 * DAY_MS), 'Promoción de temporada');
      const uses = 2 + Math.floor(random() * 6);
      for (let i = 0; i < uses; i++) {
        const at = new Date(dayStart + Math.floor(((i + random()) / uses) * DAY_MS));
        if (at <= first || at >= now) continue;
        expireDue(at);
        let want = 3 + Math.floor(random() * 18);
        // Soonest-expiring usable lot first; lots that never expire last.
        const usable = lots.filter((l) => !l.expiredAt && l.remaining > 0).sort((a, b) => (a.expiresAt?.getTime() ?? Infinity) - (b.expiresAt?.getTime() ?? Infinity));
        // As the API: a consumption larger than the balance debits nothing.
        if (usable.reduce((sum, l) => sum + l.remaining, 0) < want) continue;
        const moved: { lot_id: string; credits: number }[] = [];
        for (const lot of usable) {
          if (want === 0) break;
          const take = Math.min(want, lot.remaining);
          lot.remaining -= take;
          want -= take;
          moved.push({ lot_id: lot.id, credits: -take });
        }
        entry(at, 'consume', moved.reduce((sum, m) => sum + m.credits, 0), moved, 'Documento procesado');
      }
    }
    expireDue(now);
    out.accounts.push({
      customerId,
      appId,
      balance,
      lowBalanceThreshold: null,
      lowBalanceNotified: false,
      renewalEnabled: false,
      renewalPackage: null,
      renewalCurrency: null,
      renewalPaymentMethodId: null,
      renewalThreshold: null,
      renewalStatus: 'idle',
      renewalKey: null,
      renewalOrderId: null,
      renewalAttempts: 0,
      renewalLastFailure: null,
      createdAt: first,
      updatedAt: now,
    });
  }
  return out;
}
