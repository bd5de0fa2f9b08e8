import { Injectable } from '@nestjs/common';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { Clock } from '../common/clock';
import { ApiError } from '../common/errors/api-error';
import { isId } from '../common/ids';
import { decodeCursor, toPage } from '../common/pagination/cursor-page';
import { Customer } from '../customers/customer.entity';
import { EntityRows } from '../database/entity-rows';
import { SqlRunner } from '../database/sql-runner';
import { EventRecorder } from '../events/event-recorder';
import { PaymentMethod } from '../payment-methods/payment-method.entity';
import { CreditLedger } from './credit-ledger';
import { CreditPackageCatalog } from './credit-packages';
import { balanceSnapshot, lotSnapshot, transactionSnapshot, type CreditTransactionObject } from './credit-snapshots';
import { CreditTransaction } from './credit-transaction.entity';
import type { AutoRenewalInput, ConsumeInput, GrantInput, ListTransactionsQuery, UpdateCreditSettingsInput } from './credits.schemas';

export interface ConsumeResult {
  transaction: CreditTransactionObject;
  /** True when `reference` had already been used: the first transaction is answered, nothing debited. */
  replayed: boolean;
}

/** The credits API of one app: balances, consumption, manual grants, the ledger, auto-renewal settings. */
@Injectable()
export class CreditsService {
  constructor(
    private readonly ledger: CreditLedger,
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly events: EventRecorder,
    private readonly catalog: CreditPackageCatalog,
    private readonly clock: Clock,
  ) {}

  async balance(caller: AuthedCaller, customerId: string) {
    await this.requireCustomer(caller, customerId);
    // Account and lots from one snapshot (one transaction), so a grant committing in between cannot show
    // the new lots with the old renewal state.
    const { account, lots } = await this.sql.transaction(async (tx) => ({
      account: await this.ledger.readAccount(tx, customerId),
      lots: await this.ledger.openLots(tx, customerId),
    }));
    return balanceSnapshot(account, lots, this.ledger.lowBalanceThreshold(account), this.clock.now(), customerId);
  }

  /**
   * Debits `credits` now, soonest-expiring lots first. Lots past their `expires_at` are expired in the same
   * transaction (so they can never be spent, whatever the expiry job's timing), then either the whole amount
   * is taken or nothing is (409 `insufficient_credits`). `reference` makes it idempotent: the same one
   * answers the first transaction; with another amount it is refused.
   */
  async consume(caller: AuthedCaller, customerId: string, input: ConsumeInput): Promise<ConsumeResult> {
    // The reference and the open lots are read with the account lock, in its round trip; the lot updates, the
    // entry and the account row then go out together (CreditLedger): three round trips with the COMMIT.
    const reads = { reference: input.reference, lots: true };
    const outcome = await this.ledger.write(caller.appId, customerId, async (l) => {
      const prior = l.read.prior;
      if (prior) return { kind: 'replay' as const, prior };
      const usable = await this.ledger.expireDue(l, l.read.lots ?? undefined);
      const available = usable.reduce((sum, lot) => sum + lot.remaining, 0);
      if (available < input.credits) return { kind: 'insufficient' as const, available };
      const moves = this.ledger.take(l, usable, input.credits);
      const entry = this.ledger.append(l, {
        type: 'consume',
        credits: -input.credits,
        lots: moves,
        reference: input.reference,
        description: input.description ?? null,
        metadata: input.metadata ?? {},
      });
      return { kind: 'done' as const, entry };
    }, { reads });
    if (outcome === null) {
      await this.requireCustomer(caller, customerId);
      throw insufficient(input.credits, 0);
    }
    if (outcome.kind === 'insufficient') throw insufficient(input.credits, outcome.available);
    if (outcome.kind === 'replay') {
      if (outcome.prior.type !== 'consume' || -outcome.prior.credits !== input.credits) {
        throw new ApiError('credit_reference_reused', `Reference "${input.reference}" was used for a consumption of ${-outcome.prior.credits} credits (${outcome.prior.id})`, {
          param: 'reference',
        });
      }
      return { transaction: transactionSnapshot(outcome.prior), replayed: true };
    }
    return { transaction: transactionSnapshot(outcome.entry), replayed: false };
  }

  /** A manual grant: one lot of kind `granted`, expiring at `expires_at` or never. */
  async grant(caller: AuthedCaller, customerId: string, input: GrantInput): Promise<ConsumeResult> {
    await this.requireCustomer(caller, customerId);
    const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
    if (expiresAt && expiresAt.getTime() <= this.clock.now().getTime()) {
      throw ApiError.validation([{ param: 'expires_at', message: 'must be in the future' }]);
    }
    const outcome = await this.ledger.write(
      caller.appId,
      customerId,
      async (l) => {
        if (input.reference) {
          const prior = await this.ledger.findByReference(l.tx, customerId, input.reference);
          if (prior) return { kind: 'replay' as const, prior };
        }
        const lot = await this.ledger.addLot(l, { kind: 'granted', credits: input.credits, expiresAt });
        const entry = this.ledger.append(l, {
          type: 'grant',
          credits: input.credits,
          lots: [{ lot_id: lot.id, credits: input.credits }],
          reference: input.reference ?? null,
          description: input.reason,
          metadata: input.metadata ?? {},
        });
        await this.events.record(l.tx, {
          appId: caller.appId,
          type: 'credits.granted',
          resource: { type: 'customer_credits', id: customerId },
          data: { object: 'credit_grant', customer_id: customerId, order_id: null, credits: input.credits, lots: [lotSnapshot(lot)], transactions: [transactionSnapshot(entry)], balance: entry.balanceAfter },
          dedupeKey: `credits.granted:${lot.id}`,
          at: l.now,
        });
        return { kind: 'done' as const, entry };
      },
      { create: true },
    );
    if (!outcome) throw ApiError.notFound('customer');
    if (outcome.kind === 'replay') {
      if (outcome.prior.type !== 'grant' || outcome.prior.credits !== input.credits) {
        throw new ApiError('credit_reference_reused', `Reference "${input.reference}" was used for another entry (${outcome.prior.id})`, { param: 'reference' });
      }
      return { transaction: transactionSnapshot(outcome.prior), replayed: true };
    }
    return { transaction: transactionSnapshot(outcome.entry), replayed: false };
  }

  async transactions(caller: AuthedCaller, customerId: string, query: ListTransactionsQuery) {
    await this.requireCustomer(caller, customerId);
    const after = decodeCursor(query.cursor, 'creditTransaction');
    const where = ['customer_id = ?'];
    const params: (string | number)[] = [customerId];
    if (query.type) {
      where.push('type = ?');
      params.push(query.type);
    }
    if (after) {
      where.push('id < ?');
      params.push(after);
    }
    const rows = await this.rows.select(this.sql, CreditTransaction, `${where.join(' and ')} order by id desc limit ${query.limit + 1}`, params);
    return toPage(rows, query.limit, transactionSnapshot);
  }

  /** Turns auto-renewal on (validating package, currency and card) or off; re-enabling clears a disabled state. */
  async setAutoRenewal(caller: AuthedCaller, customerId: string, input: AutoRenewalInput) {
    await this.requireCustomer(caller, customerId);
    if (input.enabled) {
      const pkg = this.catalog.get(input.package!);
      if (!pkg) throw new ApiError('unknown_credit_package', `No credit package "${input.package}"; see GET /v1/credit-packages`, { param: 'package' });
      const [pm] = await this.rows.select(this.sql, PaymentMethod, 'id = ? and customer_id = ? and app_id = ?', [input.payment_method_id!, customerId, caller.appId]);
      if (!pm || pm.deletedAt) throw ApiError.validation([{ param: 'payment_method_id', message: "not a saved card of this customer" }]);
    }
    await this.ledger.write(
      caller.appId,
      customerId,
      (l) => {
        const a = l.account;
        a.renewalEnabled = input.enabled;
        if (input.enabled) {
          a.renewalPackage = input.package!;
          a.renewalCurrency = input.currency!;
          a.renewalPaymentMethodId = input.payment_method_id!;
          a.renewalThreshold = input.threshold!;
          // A renewal in flight keeps going; a disabled one starts afresh.
          if (a.renewalStatus === 'disabled') {
            a.renewalStatus = 'idle';
            a.renewalAttempts = 0;
            a.renewalLastFailure = null;
          }
        }
      },
      { create: true },
    );
    return this.balance(caller, customerId);
  }

  async updateSettings(caller: AuthedCaller, customerId: string, input: UpdateCreditSettingsInput) {
    await this.requireCustomer(caller, customerId);
    await this.ledger.write(
      caller.appId,
      customerId,
      (l) => {
        // A balance at or above the new threshold re-arms the notice when the ledger saves the account.
        if (input.low_balance_threshold !== undefined) l.account.lowBalanceThreshold = input.low_balance_threshold;
      },
      { create: true },
    );
    return this.balance(caller, customerId);
  }

  private async requireCustomer(caller: AuthedCaller, customerId: string): Promise<void> {
    if (!isId('customer', customerId)) throw ApiError.notFound('customer');
    const [customer] = await this.rows.select(this.sql, Customer, 'id = ? and app_id = ?', [customerId, caller.appId]);
    if (!customer) throw ApiError.notFound('customer');
  }
}

function insufficient(requested: number, available: number): ApiError {
  return new ApiError('insufficient_credits', `Requested ${requested} credits; ${available} usable. Nothing was debited.`, { param: 'credits' });
}
