/**
 * The demo's backdated credit ledger (src/demo/demo-credit-history.ts) must look like one the service wrote:
 * running balances, lot remainders equal to their movements, soonest-expiring first, nothing taken from a lot
 * after it expired, nothing negative — for many random months.
 */
import { describe, expect, it } from 'vitest';
import { demoCreditHistory } from '../../src/demo/demo-credit-history';

/** A small deterministic generator (mulberry32), so a failing seed can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('demo credit history', () => {
  const now = new Date('2026-12-05T12:00:00Z');

  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('keeps the ledger invariants (seed %i)', (seed) => {
    const h = demoCreditHistory('app_demo', ['cus_a', 'cus_b'], now, { days: 30, random: seeded(seed) });
    expect(h.accounts).toHaveLength(2);
    for (const account of h.accounts) {
      const entries = h.transactions.filter((t) => t.customerId === account.customerId);
      const lots = h.lots.filter((l) => l.customerId === account.customerId);
      // In time order, each balance_after is the running sum and never negative.
      let running = 0;
      let last = 0;
      for (const e of entries) {
        expect(e.createdAt.getTime()).toBeGreaterThanOrEqual(last);
        last = e.createdAt.getTime();
        running += e.credits;
        expect(e.balanceAfter).toBe(running);
        expect(running).toBeGreaterThanOrEqual(0);
        expect(e.lots.reduce((s, m) => s + m.credits, 0)).toBe(e.credits);
        expect(e.createdAt.getTime()).toBeLessThanOrEqual(now.getTime());
        for (const m of e.lots) {
          const lot = lots.find((l) => l.id === m.lot_id)!;
          expect(lot).toBeDefined();
          // Nothing is taken from a lot after it expired, and consumption prefers the lot that expires first.
          if (e.type === 'consume') {
            expect(lot.expiresAt === null || lot.expiresAt.getTime() > e.createdAt.getTime()).toBe(true);
            const sooner = lots.filter((l) => l.expiresAt && l.expiresAt > e.createdAt && l.createdAt <= e.createdAt && (lot.expiresAt === null || l.expiresAt < lot.expiresAt));
            for (const s of sooner) expect(e.lots.some((x) => x.lot_id === s.id) || remainingAt(s.id, e.createdAt) === 0).toBe(true);
          }
        }
      }
      expect(account.balance).toBe(running);
      expect(lots.reduce((s, l) => s + l.remaining, 0)).toBe(running);
      for (const lot of lots) {
        expect(lot.remaining).toBe(lot.credits + entries.filter((e) => e.type !== 'grant').flatMap((e) => e.lots).filter((m) => m.lot_id === lot.id).reduce((s, m) => s + m.credits, 0));
        if (lot.expiresAt && lot.expiresAt <= now) expect([lot.expiredAt?.getTime(), lot.remaining]).toEqual([lot.expiresAt.getTime(), 0]);
      }
      expect(new Set(entries.map((e) => e.type))).toEqual(new Set(['grant', 'consume', ...(entries.some((e) => e.type === 'expire') ? ['expire'] : [])]));
    }

    /** A lot's remainder just before `at`. */
    function remainingAt(lotId: string, at: Date): number {
      const lot = h.lots.find((l) => l.id === lotId)!;
      const moved = h.transactions.filter((t) => t.type !== 'grant' && t.createdAt < at).flatMap((t) => t.lots).filter((m) => m.lot_id === lotId);
      return lot.credits + moved.reduce((s, m) => s + m.credits, 0);
    }
  });

  it('spreads movements over the month: consumption most days, a promotion that partly expires', () => {
    const h = demoCreditHistory('app_demo', ['cus_a', 'cus_b', 'cus_c'], now, { days: 30, random: seeded(7) });
    const days = new Set(h.transactions.filter((t) => t.type === 'consume').map((t) => t.createdAt.toISOString().slice(0, 10)));
    expect(days.size).toBeGreaterThanOrEqual(28);
    expect(h.transactions.filter((t) => t.type === 'expire').length).toBeGreaterThan(0);
    expect(h.lots.filter((l) => l.expiresAt !== null)).toHaveLength(3);
  });
});
