import { DeadlockException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { AppConfig } from '../config/app-config';
import { EntityRows } from '../database/entity-rows';
import { SqlRunner } from '../database/sql-runner';
import { rowsOf, type SqlSession } from '../database/sql-session';
import { WriteBehindSession } from '../database/write-behind';
import { EventRecorder } from '../events/event-recorder';
import { JobQueue } from '../jobs/job-queue';
import { CreditAccount } from './credit-account.entity';
import { balanceSnapshot, lotSnapshot } from './credit-snapshots';
import { CreditLot, type LotKind } from './credit-lot.entity';
import { CreditTransaction, type CreditTransactionType, type LotMovement } from './credit-transaction.entity';

const DEADLOCK_RETRIES = 3;

/** The job that buys a customer's renewal package (credit-renewal.job.ts). */
export const RENEW_CREDITS_JOB = 'credits.renew';

/**
 * One customer's ledger inside one transaction: the account row read under its lock, the lots it holds
 * and the entries appended so far. Every write of the credits capability goes through `CreditLedger.write`,
 * which hands the work one of these and saves the account at the end — so the balance, the lots and the
 * transactions always move together.
 */
export class LedgerTx {
  /** Whether an entry took credits away (consumption, expiry): only a decrease can be a crossing. */
  private decreased = false;
  readonly appended: CreditTransaction[] = [];
  /** The account as read under the lock: saving it writes only the columns that differ from this. */
  readonly original: Readonly<CreditAccount>;

  constructor(
    /** Lot updates and ledger entries are held back and sent with the next statement (write-behind.ts). */
    readonly tx: WriteBehindSession,
    readonly account: CreditAccount,
    readonly now: Date,
    /** What `LedgerReads` asked to read with the lock (in the same round trip). */
    readonly read: { prior: CreditTransaction | null; lots: CreditLot[] | null } = { prior: null, lots: null },
  ) {
    this.original = { ...account };
  }

  markDecrease(): void {
    this.decreased = true;
  }

  get hasDecreased(): boolean {
    return this.decreased;
  }
}

export interface NewEntry {
  type: CreditTransactionType;
  credits: number;
  lots: LotMovement[];
  reference?: string | null;
  entryKey?: string | null;
  description?: string | null;
  orderId?: string | null;
  refundId?: string | null;
  metadata?: Record<string, string>;
}

/** Reads a write wants with the account lock, sent in the lock's round trip (the consumption's). */
export interface LedgerReads {
  /** The entry already recorded under this reference, as `LedgerTx.read.prior`. */
  reference?: string;
  /** The open lots in consumption order, as `LedgerTx.read.lots`. */
  lots?: boolean;
}

export interface NewLot {
  kind: LotKind;
  credits: number;
  expiresAt: Date | null;
  orderId?: string | null;
}

/**
 * The ledger's primitives: lock an account, add lots, take credits from lots soonest-expiring first,
 * expire what is due, append entries with their `balance_after`, and react to the balance crossing the
 * customer's thresholds (low-balance notice, auto-renewal). Plain SQL on the caller's transaction — the
 * consumption path is a hot path and is measured against a plain-SQL yardstick (bench/).
 */
@Injectable()
export class CreditLedger {
  private readonly forUpdate: string;

  constructor(
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly events: EventRecorder,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    // SQLite has one writer: a transaction already excludes every other; MySQL/MariaDB lock the row.
    this.forUpdate = sql.isSqlite ? '' : ' for update';
  }

  /** Reads outside any transaction. */
  get reader(): SqlSession {
    return this.sql;
  }

  /**
   * Runs `work` with the customer's account locked, creating the account first when `create` is set
   * (grants); without it a customer with no account gets `null` (nothing to consume). Saves the account
   * and records the threshold crossings before the transaction commits.
   */
  async write<T>(appId: string, customerId: string, work: (l: LedgerTx) => T | Promise<T>, options: { create?: boolean; reads?: LedgerReads } = {}): Promise<T | null> {
    // The account is created in its own statement, never inside the locking transaction: on MariaDB/MySQL
    // concurrent INSERT IGNOREs of one new row leave shared locks that the FOR UPDATE then deadlocks on.
    if (options.create) await this.createAccount(this.sql, appId, customerId, this.clock.now());
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sql.transaction((tx) => this.locked(tx, appId, customerId, work, { reads: options.reads, commit: true }));
      } catch (err) {
        // InnoDB may still pick a victim among transactions touching the same rows (lots, events): the
        // work is re-runnable — it reads everything again under the lock.
        if (!(err instanceof DeadlockException) || attempt >= DEADLOCK_RETRIES) throw err;
      }
    }
  }

  /**
   * `write` on a transaction the caller already holds (a refund's, which reserves the amount and reverses
   * the credits together): the same lock and the same saving, committed or rolled back with the caller's
   * other writes. Lock order: whatever the caller locked first (the order row), then the account.
   */
  async writeOn<T>(tx: SqlSession, appId: string, customerId: string, work: (l: LedgerTx) => T | Promise<T>, options: { create?: boolean } = {}): Promise<T | null> {
    return this.locked(tx, appId, customerId, work, options);
  }

  private async locked<T>(
    tx: SqlSession,
    appId: string,
    customerId: string,
    work: (l: LedgerTx) => T | Promise<T>,
    options: { create?: boolean; reads?: LedgerReads; commit?: boolean },
  ): Promise<T | null> {
    const now = this.clock.now();
    if (options.create) await this.createAccount(tx, appId, customerId, now);
    const session = new WriteBehindSession(tx);
    const reads = options.reads ?? {};
    // The lock first, then what the work will read anyway, in one round trip: the reads run after the
    // lock was granted, so they see what the previous holder committed.
    const withReference = reads.reference !== undefined;
    const results = await session.batch([
      this.rows.selectStatement(CreditAccount, `customer_id = ?${this.forUpdate}`, [customerId]),
      ...(withReference ? [this.rows.selectStatement(CreditTransaction, 'customer_id = ? and reference = ?', [customerId, reads.reference ?? null])] : []),
      ...(reads.lots ? [this.rows.selectStatement(CreditLot, 'customer_id = ? and remaining > 0', [customerId])] : []),
    ]);
    // The results come in the order asked: account, then the reference's entry, then the lots.
    const account = this.accountFrom(rowsOf(results.shift()));
    if (!account || account.appId !== appId) return null;
    const read = {
      prior: withReference ? (this.rows.mapAll(CreditTransaction, rowsOf(results.shift()))[0] ?? null) : null,
      lots: reads.lots ? this.rows.mapAll(CreditLot, rowsOf(results.shift())).sort(consumptionOrder) : null,
    };
    const ledger = new LedgerTx(session, account, now, read);
    const result = await work(ledger);
    await this.afterChanges(ledger);
    // In its own transaction (`write`) the held writes take the COMMIT with them: a consumption is then the
    // lock's round trip and this one. On a caller's transaction (`writeOn`) they only go out.
    if (options.commit) await session.commit();
    else await session.flush();
    return result;
  }

  /** Lots still holding credits, soonest-expiring first (never-expiring last; bonus before others on ties). */
  async openLots(tx: SqlSession, customerId: string): Promise<CreditLot[]> {
    const lots = await this.rows.select(tx, CreditLot, 'customer_id = ? and remaining > 0', [customerId]);
    return lots.sort(consumptionOrder);
  }

  /** Records the expiry of every lot of this customer whose `expires_at` has passed. */
  async expireDue(l: LedgerTx, lots?: CreditLot[]): Promise<CreditLot[]> {
    const open = lots ?? (await this.openLots(l.tx, l.account.customerId));
    const alive: CreditLot[] = [];
    for (const lot of open) {
      if (lot.expiresAt === null || lot.expiresAt.getTime() > l.now.getTime()) {
        alive.push(lot);
        continue;
      }
      const taken = lot.remaining;
      const changed = await l.tx.run('update credit_lots set remaining = 0, expired_at = ? where id = ? and remaining = ?', [l.now, lot.id, taken]);
      if (changed !== 1) throw new Error(`credit lot ${lot.id} changed under the account lock`);
      lot.remaining = 0;
      lot.expiredAt = l.now;
      const entry = this.append(l, {
        type: 'expire',
        credits: -taken,
        lots: [{ lot_id: lot.id, credits: -taken }],
        entryKey: `lot:${lot.id}:expire`,
        description: `${taken} credits expired`,
        orderId: lot.orderId,
      });
      await this.events.record(l.tx, {
        appId: l.account.appId,
        type: 'credits.expired',
        resource: { type: 'customer_credits', id: l.account.customerId },
        data: { object: 'credit_expiry', customer_id: l.account.customerId, lot: lotSnapshot(lot), credits: taken, balance: entry.balanceAfter, transaction_id: entry.id },
        dedupeKey: `credits.expired:${lot.id}`,
        at: l.now,
      });
    }
    return alive;
  }

  /** Takes `credits` from `lots` (already in consumption order, all usable); the caller checked the sum. */
  take(l: LedgerTx, lots: CreditLot[], credits: number): LotMovement[] {
    const moves: LotMovement[] = [];
    let left = credits;
    for (const lot of lots) {
      if (left === 0) break;
      const part = Math.min(lot.remaining, left);
      if (part <= 0) continue;
      // Held back (sent with the entry, the account row and, on MySQL/MariaDB, the COMMIT). The lot was read
      // in this transaction under the account lock and lots are never deleted, so the update finds its row;
      // an overdraw would violate credit_lots_remaining_check, and that error stops the batch before the
      // COMMIT and rolls the transaction back. No changed-row count to wait for: it may ride the COMMIT.
      l.tx.hold('update credit_lots set remaining = remaining - ? where id = ?', [part, lot.id], null, `credit lot ${lot.id}`);
      lot.remaining -= part;
      moves.push({ lot_id: lot.id, credits: -part });
      left -= part;
    }
    if (left !== 0) throw new Error('credits to take exceed the lots given');
    return moves;
  }

  /** Gives credits back to one lot (a failed refund's reversal undone). */
  async giveBack(l: LedgerTx, lotId: string, credits: number): Promise<void> {
    const changed = await l.tx.run('update credit_lots set remaining = remaining + ? where id = ? and remaining + ? <= credits', [credits, lotId, credits]);
    if (changed !== 1) throw new Error(`credit lot ${lotId} cannot take back ${credits} credits`);
  }

  async addLot(l: LedgerTx, lot: NewLot): Promise<CreditLot> {
    const row: CreditLot = {
      id: newId('creditLot'),
      appId: l.account.appId,
      customerId: l.account.customerId,
      kind: lot.kind,
      credits: lot.credits,
      remaining: lot.credits,
      expiresAt: lot.expiresAt,
      expiredAt: null,
      orderId: lot.orderId ?? null,
      createdAt: l.now,
    };
    await this.rows.insert(l.tx, CreditLot, row);
    return row;
  }

  /**
   * Appends one ledger entry and moves the in-memory balance by its credits. Held back with the lot updates
   * (write-behind): it goes out with the next statement, the account row and the COMMIT at the latest.
   */
  append(l: LedgerTx, entry: NewEntry): CreditTransaction {
    const balanceAfter = l.account.balance + entry.credits;
    if (balanceAfter < 0) throw new Error(`credit balance of ${l.account.customerId} would become ${balanceAfter}`);
    // A refund's reversal takes back what was bought, it is not the customer running low: it must not
    // buy the package again (auto-renewal) nor send the low-balance notice.
    if (entry.credits < 0 && entry.type !== 'refund_reversal') l.markDecrease();
    l.account.balance = balanceAfter;
    const row: CreditTransaction = {
      id: newId('creditTransaction'),
      appId: l.account.appId,
      customerId: l.account.customerId,
      type: entry.type,
      credits: entry.credits,
      balanceAfter,
      reference: entry.reference ?? null,
      entryKey: entry.entryKey ?? null,
      description: entry.description ?? null,
      lots: entry.lots,
      orderId: entry.orderId ?? null,
      refundId: entry.refundId ?? null,
      metadata: entry.metadata ?? {},
      createdAt: l.now,
    };
    // An INSERT adds its row or fails (a reused reference or entry key is a duplicate-key error): nothing to count.
    l.tx.holdStatement(this.rows.insertStatement(CreditTransaction, [row]), null, `credit transaction ${row.id}`);
    l.appended.push(row);
    return row;
  }

  async findByEntryKey(tx: SqlSession, customerId: string, entryKey: string): Promise<CreditTransaction | null> {
    const [row] = await this.rows.select(tx, CreditTransaction, 'customer_id = ? and entry_key = ?', [customerId, entryKey]);
    return row ?? null;
  }

  async findByReference(tx: SqlSession, customerId: string, reference: string): Promise<CreditTransaction | null> {
    const [row] = await this.rows.select(tx, CreditTransaction, 'customer_id = ? and reference = ?', [customerId, reference]);
    return row ?? null;
  }

  /** The customer's account row (null: none yet); `lock` takes the row lock every ledger write starts with. */
  async readAccount(session: SqlSession, customerId: string, options: { lock?: boolean } = {}): Promise<CreditAccount | null> {
    const { sql, params } = this.rows.selectStatement(CreditAccount, `customer_id = ?${options.lock ? this.forUpdate : ''}`, [customerId]);
    return this.accountFrom(await session.all(sql, params ?? []));
  }

  private accountFrom(rows: Record<string, unknown>[]): CreditAccount | null {
    const [account] = this.rows.mapAll(CreditAccount, rows);
    if (!account) return null;
    // SQLite and MySQL hand booleans back as 0/1.
    account.lowBalanceNotified = Boolean(account.lowBalanceNotified);
    account.renewalEnabled = Boolean(account.renewalEnabled);
    return account;
  }

  /** The customer's own threshold, else the deployment's default (also for a customer without an account). */
  lowBalanceThreshold(account: CreditAccount | null): number {
    return account?.lowBalanceThreshold ?? this.config.credits.lowBalanceThreshold;
  }

  /**
   * After the work: the low-balance notice and the auto-renewal, each once per crossing, then the account
   * row. A crossing is a decrease that leaves the balance below the threshold while the account was not
   * already in that state; the state ends when the balance is back at or above the threshold (a grant),
   * so a customer hovering below it is told once, and one renewal is bought however many consumptions
   * race below the line (they are serialised by the account lock, and the status guards the second).
   */
  private async afterChanges(l: LedgerTx): Promise<void> {
    const a = l.account;
    const threshold = this.lowBalanceThreshold(a);
    if (a.balance >= threshold) a.lowBalanceNotified = false;
    if (l.hasDecreased && a.balance < threshold && !a.lowBalanceNotified) {
      a.lowBalanceNotified = true;
      const last = l.appended[l.appended.length - 1];
      const lots = await this.openLots(l.tx, a.customerId);
      await this.events.record(l.tx, {
        appId: a.appId,
        type: 'credits.low_balance',
        resource: { type: 'customer_credits', id: a.customerId },
        data: balanceSnapshot(a, lots, threshold, l.now),
        dedupeKey: `credits.low_balance:${a.customerId}:${last?.id ?? l.now.getTime()}`,
        at: l.now,
      });
    }
    if (l.hasDecreased && a.renewalEnabled && a.renewalStatus === 'idle' && a.renewalThreshold !== null && a.balance < a.renewalThreshold) {
      const last = l.appended[l.appended.length - 1];
      a.renewalStatus = 'pending';
      a.renewalKey = `renewal:${last?.id ?? newId('creditTransaction')}`;
      a.renewalOrderId = null;
      a.renewalAttempts = 0;
      a.renewalLastFailure = null;
      await this.jobs.enqueueIn(l.tx, RENEW_CREDITS_JOB, { customer_id: a.customerId, renewal_key: a.renewalKey }, {
        dedupeKey: `${RENEW_CREDITS_JOB}:${a.customerId}:${a.renewalKey}`,
        appId: a.appId,
      });
    }
    // Only the columns that changed (a consumption: the balance and updated_at), held like the entries: the
    // row is locked by this transaction, so the update finds it.
    a.updatedAt = l.now;
    const update = this.rows.updateChangedStatement(CreditAccount, a, l.original, 'customer_id = ?', [a.customerId]);
    if (update) l.tx.holdStatement(update, null, `credit account ${a.customerId}`);
  }

  private async createAccount(tx: SqlSession, appId: string, customerId: string, now: Date): Promise<void> {
    const existing = await tx.all('select app_id from credit_accounts where customer_id = ?', [customerId]);
    if (existing.length > 0) return;
    const row: CreditAccount = {
      customerId,
      appId,
      balance: 0,
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
      createdAt: now,
      updatedAt: now,
    };
    await this.rows.insertIgnore(tx, CreditAccount, [row]);
  }
}

const KIND_RANK: Record<LotKind, number> = { bonus: 0, granted: 1, renewal: 2, purchased: 2 };

/** Soonest expiry first, never-expiring last; on the same instant bonus credits go first; then oldest lot. */
export function consumptionOrder(a: CreditLot, b: CreditLot): number {
  const ea = a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const eb = b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
  if (ea !== eb) return ea < eb ? -1 : 1;
  const ka = KIND_RANK[a.kind] ?? 3;
  const kb = KIND_RANK[b.kind] ?? 3;
  if (ka !== kb) return ka - kb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
