import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error';
import { EntityRows } from '../database/entity-rows';
import { SqlRunner } from '../database/sql-runner';
import type { SqlSession } from '../database/sql-session';
import { Order } from '../orders/order.entity';
import { CreditLedger, type LedgerTx } from './credit-ledger';
import { CreditLot } from './credit-lot.entity';
import { CreditTransaction, type LotMovement } from './credit-transaction.entity';

/** The refund as the credits see it. */
export interface RefundOfCredits {
  id: string;
  amount: number;
}

/** A refund's view of the order it refunds. */
type RefundedOrder = Pick<Order, 'id' | 'appId' | 'amount' | 'amountRefunded' | 'creditPackage' | 'customerId'>;

/**
 * Refunds of credit-package orders (docs/decisions.md, "Credits"). A refund of R on an order of A that
 * granted P purchased and B bonus credits takes back `ceil(P × R / A)` purchased and `ceil(B × R / A)`
 * bonus credits from that purchase's own lots, in the transaction that reserves the refund — never more
 * than P (resp. B) over all the order's refunds, so a full refund in pieces reverses exactly P and B.
 * Purchased credits already used (or expired) block the refund (422 `credits_already_consumed`, naming
 * the largest amount refundable now) unless the caller forces it, which reverses only what is left;
 * a bonus already used is not held against the customer. A refund that fails gives the credits back.
 */
@Injectable()
export class CreditRefunds {
  private readonly forUpdate: string;

  constructor(
    private readonly ledger: CreditLedger,
    private readonly rows: EntityRows,
    sql: SqlRunner,
  ) {
    this.forUpdate = sql.isSqlite ? '' : ' for update';
  }

  /**
   * Reverses the credits a new refund takes back, on the refund's own transaction (`tx`), after its
   * amount was reserved. Throws (rolling the reservation back) when the credits were not granted yet
   * or the purchased credits it would take back are gone and `allowConsumed` is not set. Orders
   * without a credit package are left alone.
   */
  async reverse(tx: SqlSession, order: RefundedOrder, refund: RefundOfCredits, allowConsumed: boolean): Promise<CreditTransaction | null> {
    if (!order.creditPackage || !order.customerId) return null;
    const customerId = order.customerId;
    const outcome = await this.ledger.writeOn(tx, order.appId, customerId, async (l) => {
      const purchase = await this.purchaseLots(l, order.id);
      if (!purchase) return { kind: 'pending' as const };
      const { main, bonus } = purchase;
      const reversed = await this.reversedSoFar(l, order.id);
      const mainLeft = usable(main, l.now);
      const mainPart = Math.max(0, Math.min(ceilShare(main.credits, refund.amount, order.amount), main.credits - (reversed.get(main.id) ?? 0)));
      if (mainLeft < mainPart && !allowConsumed) return { kind: 'consumed' as const, main, mainLeft };
      const mainTake = Math.min(mainPart, mainLeft);
      const bonusTake = bonus
        ? Math.max(0, Math.min(ceilShare(bonus.credits, refund.amount, order.amount), bonus.credits - (reversed.get(bonus.id) ?? 0), usable(bonus, l.now)))
        : 0;
      const moves = this.ledger.take(l, [main], mainTake);
      if (bonus && bonusTake > 0) moves.push(...this.ledger.take(l, [bonus], bonusTake));
      const credits = moves.reduce((sum, m) => sum + m.credits, 0);
      // Nothing left to take back (all used, forced refund): no entry, and nothing to give back if it fails.
      if (credits === 0) return { kind: 'done' as const, entry: null };
      const entry = this.ledger.append(l, {
        type: 'refund_reversal',
        credits,
        lots: moves,
        entryKey: `refund:${refund.id}:reversal`,
        description: `refund ${refund.id}: ${-credits} credits reversed`,
        orderId: order.id,
        refundId: refund.id,
      });
      return { kind: 'done' as const, entry };
    });
    // No account yet: the grant job has not run for this customer at all.
    if (outcome === null || outcome.kind === 'pending') {
      throw new ApiError('credits_grant_pending', `The credits of ${order.id} are still being granted; retry the refund in a moment`, { param: 'order_id' });
    }
    if (outcome.kind === 'consumed') {
      const refundable = Math.min(floorShare(order.amount, outcome.mainLeft, outcome.main.credits), order.amount - order.amountRefunded);
      throw new ApiError(
        'credits_already_consumed',
        `Only ${outcome.mainLeft} of the ${outcome.main.credits} purchased credits are unused, so at most ${refundable} can be refunded now; ` +
          'set allow_consumed_credits to refund anyway (reverses only the credits left)',
        { param: 'amount' },
      );
    }
    return outcome.entry;
  }

  /**
   * A refund failed: gives back what its reversal took, on the settlement's transaction `tx`, to every lot
   * still usable (credits of a lot that expired meanwhile would be gone anyway: nothing is recorded for
   * them). Once, by the entry key.
   */
  async restore(tx: SqlSession, refund: { id: string; appId: string; orderId: string }): Promise<CreditTransaction | null> {
    const [order] = await this.rows.select(tx, Order, 'id = ?', [refund.orderId]);
    if (!order?.creditPackage || !order.customerId) return null;
    const customerId = order.customerId;
    const restored = await this.ledger.writeOn(tx, refund.appId, customerId, async (l) => {
      const reversal = await this.ledger.findByEntryKey(l.tx, customerId, `refund:${refund.id}:reversal`);
      if (!reversal || (await this.ledger.findByEntryKey(l.tx, customerId, `refund:${refund.id}:restore`))) return null;
      const lots = await this.lotsById(l.tx, reversal.lots.map((m) => m.lot_id));
      const moves: LotMovement[] = [];
      for (const m of reversal.lots) {
        const lot = lots.get(m.lot_id);
        if (!lot || -m.credits <= 0 || !isUsable(lot, l.now)) continue;
        await this.ledger.giveBack(l, lot.id, -m.credits);
        moves.push({ lot_id: lot.id, credits: -m.credits });
      }
      const credits = moves.reduce((sum, m) => sum + m.credits, 0);
      if (credits === 0) return null;
      return this.ledger.append(l, {
        type: 'refund_reversal',
        credits,
        lots: moves,
        entryKey: `refund:${refund.id}:restore`,
        description: 'refund failed: credits restored',
        orderId: order.id,
        refundId: refund.id,
      });
    });
    return restored ?? null;
  }

  /** The order's purchased (or renewal) lot and its bonus lot, found through the grant's entries; null before the grant. */
  private async purchaseLots(l: LedgerTx, orderId: string): Promise<{ main: CreditLot; bonus: CreditLot | null } | null> {
    const customerId = l.account.customerId;
    const purchase = await this.ledger.findByEntryKey(l.tx, customerId, `order:${orderId}:purchase`);
    const mainId = purchase?.lots[0]?.lot_id;
    if (!mainId) return null;
    const bonusId = (await this.ledger.findByEntryKey(l.tx, customerId, `order:${orderId}:bonus`))?.lots[0]?.lot_id ?? null;
    const lots = await this.lotsById(l.tx, bonusId ? [mainId, bonusId] : [mainId]);
    const main = lots.get(mainId);
    if (!main) throw new Error(`credit lot ${mainId} of order ${orderId} is missing`);
    return { main, bonus: bonusId ? (lots.get(bonusId) ?? null) : null };
  }

  /**
   * Net credits the order's earlier refunds took from each lot (reversals minus restorations). A locking
   * read on MySQL/MariaDB, so it sees every entry committed before the account lock was granted, whatever
   * snapshot the caller's transaction holds (the rows are the customer's, already serialised by that lock).
   */
  private async reversedSoFar(l: LedgerTx, orderId: string): Promise<Map<string, number>> {
    const entries = await this.rows.select(l.tx, CreditTransaction, `customer_id = ? and order_id = ? and type = ?${this.forUpdate}`, [
      l.account.customerId,
      orderId,
      'refund_reversal',
    ]);
    const taken = new Map<string, number>();
    for (const e of entries) {
      for (const m of e.lots) taken.set(m.lot_id, (taken.get(m.lot_id) ?? 0) - m.credits);
    }
    return taken;
  }

  /** Read with the row lock on MySQL/MariaDB, so the remainders are current whatever the transaction read before. */
  private async lotsById(tx: SqlSession, ids: string[]): Promise<Map<string, CreditLot>> {
    if (ids.length === 0) return new Map();
    const rows = await this.rows.select(tx, CreditLot, `id in (${ids.map(() => '?').join(', ')})${this.forUpdate}`, ids);
    return new Map(rows.map((lot) => [lot.id, lot]));
  }
}

/** A lot past its `expires_at` is gone, even before the expiry job records it. */
function isUsable(lot: CreditLot, now: Date): boolean {
  return lot.expiredAt === null && (lot.expiresAt === null || lot.expiresAt.getTime() > now.getTime());
}

function usable(lot: CreditLot, now: Date): number {
  return isUsable(lot, now) ? lot.remaining : 0;
}

/** ceil(credits × part / whole), in exact integers. */
function ceilShare(credits: number, part: number, whole: number): number {
  const n = BigInt(credits) * BigInt(part);
  const d = BigInt(whole);
  return Number((n + d - 1n) / d);
}

/** floor(amount × part / whole), in exact integers. */
function floorShare(amount: number, part: number, whole: number): number {
  return Number((BigInt(amount) * BigInt(part)) / BigInt(whole));
}
