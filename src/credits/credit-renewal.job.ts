import { EntityManager, RequestContext } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { PinoLogger } from 'nestjs-pino';
import { decodeTime } from 'ulid';
import type { ChargeObject } from '../charges/charge.presenter';
import { ChargesService } from '../charges/charges.service';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { Clock } from '../common/clock';
import { ApiError } from '../common/errors/api-error';
import { type IdempotencyScope, scopedId } from '../common/idempotency/idempotency-scope';
import type { Currency } from '../common/money';
import { AppConfig } from '../config/app-config';
import { EventRecorder } from '../events/event-recorder';
import { type JobContext, JobQueue, RetryAt } from '../jobs/job-queue';
import type { Order } from '../orders/order.entity';
import { OrdersService } from '../orders/orders.service';
import { CreditAccount, type RenewalStatus } from './credit-account.entity';
import { CreditLedger, RENEW_CREDITS_JOB } from './credit-ledger';
import { CreditPackageCatalog } from './credit-packages';

/** How soon a renewal whose charge is still in flight looks at its order again. */
const LOOK_AGAIN_MS = 60_000;
/** The renewal order stays payable through the whole retry schedule, plus this margin. */
const ORDER_TTL_MARGIN_MS = 86_400_000;
/** Orders may stay payable at most 90 days (OrdersService); keep a day clear of that bound. */
const MAX_ORDER_TTL_MS = 89 * 86_400_000;

const ACTIVE: ReadonlySet<RenewalStatus> = new Set(['pending', 'retrying']);
const PAID: ReadonlySet<string> = new Set(['paid', 'partially_refunded', 'refunded', 'disputed']);
const UNPAYABLE: ReadonlySet<string> = new Set(['canceled', 'expired']);

export interface RenewalFailure {
  code: string;
  decline_code: string | null;
  message: string;
}

/** One run of the job: which renewal (one per crossing) and which attempt of it. */
interface RenewalRun {
  customerId: string;
  renewalKey: string;
  /** 1 for the job the crossing enqueued; n + 1 for the one scheduled after attempt n failed. */
  attempt: number;
  /** When this attempt was scheduled (absent on the first): the time part of its charge id. */
  attemptAt: Date | null;
}

type RunState = 'current' | 'stopped' | 'stale';

/**
 * Buys the auto-renewal package of a customer whose balance crossed below the renewal threshold
 * (`CreditLedger.afterChanges` enqueues it). One renewal key = one order: its id is derived from the key,
 * so a run repeated after a crash finds the order the first one committed. The order is written to the
 * account (`renewal_order_id`) before it is charged, so the `order.paid` → grant path recognises it as a
 * renewal. Each attempt is one off-session charge of the saved card through `ChargesService` (routing and
 * saved-card failover included), its id derived from (key, attempt): a repeated run answers the charge it
 * already started, and the order's single flight refuses a second one while one is in flight or paid.
 * A decline schedules the next attempt as a new job (CREDITS_RENEWAL_RETRY_SCHEDULE); once the schedule
 * is spent, auto-renewal turns itself off and `credits.renewal_failed` is recorded.
 */
@Injectable()
export class CreditRenewalJob {
  private ordersService: OrdersService | undefined;
  private chargesService: ChargesService | undefined;

  constructor(
    private readonly ledger: CreditLedger,
    private readonly events: EventRecorder,
    private readonly jobs: JobQueue,
    private readonly catalog: CreditPackageCatalog,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly em: EntityManager,
    private readonly moduleRef: ModuleRef,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Credits');
  }

  // OrdersModule imports CreditsModule (package prices), and ChargesModule imports OrdersModule: the
  // renewal reaches both through the application's module graph at run time instead of an import cycle.
  private get orders(): OrdersService {
    const service = this.ordersService ?? this.moduleRef.get<OrdersService>(OrdersService, { strict: false });
    this.ordersService = service;
    return service;
  }

  private get charges(): ChargesService {
    const service = this.chargesService ?? this.moduleRef.get<ChargesService>(ChargesService, { strict: false });
    this.chargesService = service;
    return service;
  }

  async run(payload: Record<string, unknown>, ctx: JobContext): Promise<void> {
    const run = parsePayload(payload);
    const account = await this.ledger.readAccount(this.ledger.reader, run.customerId);
    if (!account) return;
    const state = stateOf(account, run);
    if (state === 'stale') return;
    const caller = callerOf(account);
    // The order and charge services read customers and saved cards through the ORM's request context.
    await RequestContext.create(this.em, async () => {
      if (state === 'stopped') return this.stop(caller, account, run, ctx);
      const order = await this.renewalOrder(caller, account, run, ctx);
      if (order) await this.charge(caller, account, order, run, ctx);
    });
  }

  /** The renewal's order: the one on the account, else created (once per key) and written to the account. */
  private async renewalOrder(caller: AuthedCaller, account: CreditAccount, run: RenewalRun, ctx: JobContext): Promise<Order | null> {
    if (account.renewalOrderId) return this.orders.load(caller, account.renewalOrderId);
    const pkg = this.catalog.get(account.renewalPackage ?? '');
    const now = this.clock.now();
    const ttl = Math.min(this.config.credits.renewalRetryScheduleMs.reduce((sum, ms) => sum + ms, 0) + ORDER_TTL_MARGIN_MS, MAX_ORDER_TTL_MS);
    let orderId: string;
    try {
      const order = await this.orders.create(
        caller,
        {
          credit_package: account.renewalPackage ?? '',
          currency: account.renewalCurrency as Currency,
          customer_id: account.customerId,
          reference: `credits-renewal-${run.renewalKey.replace(/^renewal:/, '')}`,
          description: `Credits auto-renewal: ${pkg?.name ?? account.renewalPackage} package`,
          metadata: { smartpay_renewal: 'true' },
          expires_at: new Date(now.getTime() + ttl).toISOString(),
        },
        orderScope(run),
      );
      orderId = order.id;
    } catch (err) {
      // The package left the catalogue, or the customer is gone: nothing to buy, now or later.
      if (!(err instanceof ApiError)) throw err;
      await this.giveUp(caller, account, run, null, { code: err.code, decline_code: null, message: err.message }, ctx);
      return null;
    }
    const state = await this.ledger.write(account.appId, account.customerId, (l) => {
      const current = stateOf(l.account, run);
      if (current === 'current') l.account.renewalOrderId = orderId;
      return Promise.resolve(current);
    });
    if (state === 'stopped') await this.stop(caller, { ...account, renewalOrderId: orderId }, run, ctx);
    if (state !== 'current') return null;
    account.renewalOrderId = orderId;
    return this.orders.load(caller, orderId);
  }

  /** One off-session attempt with the saved card, then what its outcome asks for. */
  private async charge(caller: AuthedCaller, account: CreditAccount, order: Order, run: RenewalRun, ctx: JobContext): Promise<void> {
    // Paid: the grant (order.paid → credits.grant_purchase) adds the lots and ends the renewal.
    if (PAID.has(order.status)) return;
    if (UNPAYABLE.has(order.status)) {
      return this.giveUp(caller, account, run, order, { code: 'order_not_payable', decline_code: null, message: `The renewal order is ${order.status}` }, ctx);
    }
    const scope: IdempotencyScope = { recordId: `credits-renewal:${run.customerId}:${run.renewalKey}:attempt:${run.attempt}`, createdAt: run.attemptAt ?? order.createdAt };
    let charge: ChargeObject;
    try {
      charge = await this.charges.create(caller, order.id, { source: { type: 'payment_method', payment_method_id: account.renewalPaymentMethodId ?? '' }, installments: 1 }, scope);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      switch (err.code) {
        case 'order_already_paid':
          return;
        case 'order_processing':
          return this.lookAgain(account, run, ctx, 'a charge of the renewal order is in flight');
        case 'order_not_payable':
          return this.giveUp(caller, account, run, order, { code: err.code, decline_code: null, message: err.message }, ctx);
        default:
          // The card was removed or cannot pay this currency: an attempt that failed like a decline.
          return this.failed(caller, account, run, order, { code: err.code, decline_code: null, message: err.message }, ctx);
      }
    }
    switch (charge.status) {
      case 'succeeded':
        this.logger.info({ customer_id: run.customerId, order_id: order.id, charge_id: charge.id, attempt: run.attempt }, 'credit renewal charged');
        return;
      case 'pending':
        return this.lookAgain(account, run, ctx, `renewal charge ${charge.id} is pending at the gateway`);
      case 'requires_action':
        // Nobody is there to complete 3-D Secure for an off-session renewal.
        return this.failed(caller, account, run, order, { code: 'authentication_required', decline_code: null, message: 'The card asked for 3-D Secure authentication, which a renewal without the customer cannot complete' }, ctx);
      case 'failed':
        return this.failed(caller, account, run, order, { code: charge.failure?.code ?? 'card_declined', decline_code: charge.failure?.decline_code ?? null, message: charge.failure?.message ?? 'The charge failed' }, ctx);
    }
  }

  /**
   * Attempt `run.attempt` failed: count it and schedule the next one as its own job (due at its time in the
   * schedule, keyed by the attempt number so it exists once), or give up when the schedule is spent.
   */
  private async failed(caller: AuthedCaller, account: CreditAccount, run: RenewalRun, order: Order, failure: RenewalFailure, ctx: JobContext): Promise<void> {
    const delay = this.config.credits.renewalRetryScheduleMs[run.attempt - 1];
    if (delay === undefined) return this.giveUp(caller, account, run, order, failure, ctx);
    const at = new Date(this.clock.now().getTime() + delay);
    const state = await this.ledger.write(account.appId, account.customerId, async (l) => {
      const a = l.account;
      const current = stateOf(a, run);
      if (current !== 'current') return current;
      a.renewalAttempts = run.attempt;
      a.renewalLastFailure = describeFailure(failure);
      a.renewalStatus = 'retrying';
      const next = { customer_id: run.customerId, renewal_key: run.renewalKey, attempt: run.attempt + 1, attempt_at: at.toISOString() };
      await this.jobs.enqueueIn(l.tx, RENEW_CREDITS_JOB, next, { runAt: at, dedupeKey: attemptKey(run.customerId, run.renewalKey, run.attempt + 1), appId: a.appId });
      return current;
    });
    if (state === 'stopped') return this.stop(caller, account, run, ctx);
    if (state === 'current') {
      this.logger.info({ customer_id: run.customerId, order_id: order.id, attempt: run.attempt, failure: describeFailure(failure), retry_at: at.toISOString() }, 'credit renewal failed; will retry');
    }
  }

  /**
   * The schedule is spent (or the order can no longer be paid): withdraw the unpaid order, turn auto-renewal
   * off and record `credits.renewal_failed` (the customer's e-mail follows from it), once per renewal key.
   */
  private async giveUp(caller: AuthedCaller, account: CreditAccount, run: RenewalRun, order: Order | null, failure: RenewalFailure, ctx: JobContext): Promise<void> {
    // Withdrawn before the account says "given up": a crash in between leaves an attempt that runs again
    // and finds its failed charge, never an open renewal order nobody will charge.
    const orderId = order?.id ?? account.renewalOrderId ?? scopedId('order', orderScope(run));
    if ((await this.withdraw(caller, orderId)) === 'paid') return;
    const pkg = this.catalog.get(account.renewalPackage ?? '');
    const amount = order?.amount ?? (pkg && account.renewalCurrency ? (pkg.prices[account.renewalCurrency as Currency] ?? 0) : 0);
    const state = await this.ledger.write(account.appId, account.customerId, async (l) => {
      const a = l.account;
      const current = stateOf(a, run);
      if (current !== 'current') return current;
      a.renewalAttempts = run.attempt;
      a.renewalLastFailure = describeFailure(failure);
      a.renewalEnabled = false;
      a.renewalStatus = 'disabled';
      const lots = await this.ledger.openLots(l.tx, a.customerId);
      const balance = lots.filter((lot) => lot.expiresAt === null || lot.expiresAt.getTime() > l.now.getTime()).reduce((sum, lot) => sum + lot.remaining, 0);
      await this.events.record(l.tx, {
        appId: a.appId,
        type: 'credits.renewal_failed',
        resource: { type: 'customer_credits', id: a.customerId },
        data: {
          object: 'credit_renewal',
          customer_id: a.customerId,
          package: a.renewalPackage,
          currency: a.renewalCurrency,
          amount,
          payment_method_id: a.renewalPaymentMethodId,
          order_id: order?.id ?? a.renewalOrderId,
          attempts: a.renewalAttempts,
          failure,
          auto_renewal_disabled: true,
          balance,
        },
        dedupeKey: `credits.renewal_failed:${a.customerId}:${run.renewalKey}`,
        at: l.now,
      });
      return current;
    });
    // Turned off by the customer meanwhile: not a failure to report, just a renewal to end.
    if (state === 'stopped') return this.stop(caller, account, run, ctx);
    if (state === 'current') {
      this.logger.warn({ customer_id: run.customerId, order_id: orderId, attempts: run.attempt, failure: describeFailure(failure) }, 'credit renewal given up; auto-renewal disabled');
    }
  }

  /**
   * Auto-renewal was turned off while this renewal was under way: withdraw its order and put the account
   * back to idle, so that turning it on again renews at the next crossing. A charge already in flight is
   * awaited — should it succeed, the grant still records it as this renewal.
   */
  private async stop(caller: AuthedCaller, account: CreditAccount, run: RenewalRun, ctx: JobContext): Promise<void> {
    const orderId = account.renewalOrderId ?? scopedId('order', orderScope(run));
    const outcome = await this.withdraw(caller, orderId);
    if (outcome === 'paid') return;
    if (outcome === 'in_flight') return this.lookAgain(account, run, ctx, 'auto-renewal was turned off while a renewal charge is in flight');
    await this.ledger.write(account.appId, account.customerId, (l) => {
      const a = l.account;
      if (stateOf(a, run) === 'stopped') {
        a.renewalStatus = 'idle';
        a.renewalKey = null;
        a.renewalOrderId = null;
        a.renewalAttempts = 0;
        a.renewalLastFailure = null;
      }
      return Promise.resolve();
    });
    this.logger.info({ customer_id: run.customerId, order_id: account.renewalOrderId }, 'credit renewal stopped: auto-renewal was turned off');
  }

  /** Cancels the renewal order unless it was paid or has a charge in flight; an order never created counts as withdrawn. */
  private async withdraw(caller: AuthedCaller, orderId: string): Promise<'withdrawn' | 'paid' | 'in_flight'> {
    try {
      await this.orders.cancel(caller, orderId);
      return 'withdrawn';
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.code === 'resource_not_found') return 'withdrawn';
      if (err.code !== 'order_not_cancelable') throw err;
    }
    const order = await this.orders.load(caller, orderId);
    if (PAID.has(order.status)) return 'paid';
    return UNPAYABLE.has(order.status) ? 'withdrawn' : 'in_flight';
  }

  /**
   * Looks at the order again in a minute (its charge is pending at the gateway; reconciliation or a webhook
   * settles it). RetryAt spends one of the job's attempts; on its last one a fresh job takes over instead,
   * so a charge that stays pending for long never sends the renewal to the dead letter.
   */
  private async lookAgain(account: CreditAccount, run: RenewalRun, ctx: JobContext, reason: string): Promise<void> {
    const at = new Date(this.clock.now().getTime() + LOOK_AGAIN_MS);
    if (ctx.attempt < ctx.maxAttempts) throw new RetryAt(at, reason);
    const payload = { customer_id: run.customerId, renewal_key: run.renewalKey, attempt: run.attempt, ...(run.attemptAt ? { attempt_at: run.attemptAt.toISOString() } : {}) };
    await this.jobs.enqueueIn(this.ledger.reader, RENEW_CREDITS_JOB, payload, { runAt: at, dedupeKey: `${attemptKey(run.customerId, run.renewalKey, run.attempt)}:after:${ctx.jobId}`, appId: account.appId });
  }

}

/** Whether this run still speaks for the account's renewal: `stale` when it is another (or no) renewal, or another attempt. */
function stateOf(a: CreditAccount, run: RenewalRun): RunState {
  if (a.renewalKey !== run.renewalKey || !ACTIVE.has(a.renewalStatus)) return 'stale';
  if (!a.renewalEnabled) return 'stopped';
  // An earlier attempt's job run again after its failure was counted (the next one has its own job).
  return a.renewalAttempts + 1 === run.attempt ? 'current' : 'stale';
}

function parsePayload(payload: Record<string, unknown>): RenewalRun {
  const attempt = Number(payload.attempt ?? 1);
  const attemptAt = typeof payload.attempt_at === 'string' ? new Date(payload.attempt_at) : null;
  return {
    customerId: String(payload.customer_id),
    renewalKey: String(payload.renewal_key),
    attempt: Number.isSafeInteger(attempt) && attempt >= 1 ? attempt : 1,
    attemptAt: attemptAt && !Number.isNaN(attemptAt.getTime()) ? attemptAt : null,
  };
}

/** The renewal acts for the customer's app; no API key is involved. */
function callerOf(account: CreditAccount): AuthedCaller {
  return { appId: account.appId, keyId: 'system:credit-renewal' };
}

/**
 * The renewal order's id comes from its key (`scopedId` derives it as for an Idempotency-Key): a second
 * run inserts the same id, and OrdersService answers the committed order on that primary-key conflict.
 * Its time part is the crossing's (the key names the ledger entry that crossed), so orders still sort.
 */
function orderScope(run: RenewalRun): IdempotencyScope {
  return { recordId: `credits-renewal:${run.customerId}:${run.renewalKey}`, createdAt: new Date(keyTime(run.renewalKey)) };
}

function keyTime(renewalKey: string): number {
  const ulid = /[0-9A-HJKMNP-TV-Z]{26}$/.exec(renewalKey)?.[0];
  try {
    return ulid ? decodeTime(ulid) : 0;
  } catch {
    return 0;
  }
}

function attemptKey(customerId: string, renewalKey: string, attempt: number): string {
  return `${RENEW_CREDITS_JOB}:${customerId}:${renewalKey}:attempt:${attempt}`;
}

/** `renewal_last_failure`: the failure code, with the normalised decline code when there is one. */
function describeFailure(failure: RenewalFailure): string {
  return (failure.decline_code ? `${failure.code}:${failure.decline_code}` : failure.code).slice(0, 500);
}
