import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { Clock } from '../common/clock';
import { ApiError } from '../common/errors/api-error';
import { isId } from '../common/ids';
import { type IdempotencyScope, scopedId } from '../common/idempotency/idempotency-scope';
import { AppConfig, type GatewayId } from '../config/app-config';
import { CustomersService } from '../customers/customers.service';
import { EntityRows } from '../database/entity-rows';
import { SqlRunner } from '../database/sql-runner';
import { WebhookUrls } from '../gateway-webhooks/webhook-urls';
import { GatewayRegistry } from '../gateways/gateway-registry';
import { GatewayCall } from '../gateways/http/gateway-call.entity';
import { GatewayCallWriter } from '../gateways/http/gateway-call.writer';
import type { CallContext, ChargeOutcome, ChargeRequest, ChargeSource } from '../gateways/payment-gateway.port';
import { RoutingService } from '../gateways/routing.service';
import type { Order } from '../orders/order.entity';
import { OrderPaymentState } from '../orders/order-payment-state';
import { OrdersService } from '../orders/orders.service';
import { PaymentMethodsService } from '../payment-methods/payment-methods.service';
import { Charge, type RoutingStep } from './charge.entity';
import { markChargeHour } from '../reports/rollups/rollup-marks';
import { applyOrderEffect, applyOutcomeToCharge, writeOutcome } from './charge-outcome';
import { ChargeEvents } from './charge-events';
import { ChargeOutcomeMetrics } from './charge-outcome.metrics';
import { ReconcileSchedule } from './reconcile-schedule';
import { presentCharge, presentGatewayCall, type ChargeObject } from './charge.presenter';
import type { AuthenticateInput, CreateChargeInput } from './charge.schemas';

interface Plan {
  /** Gateways to try, in order; more than one only when the credential is usable at each (saved cards). */
  gateways: GatewayId[];
  reason: RoutingStep['reason'];
  sourceFor: (gateway: GatewayId) => ChargeSource;
  sourceType: Charge['sourceType'];
  token: string | null;
  paymentMethodId: string | null;
}

/**
 * Charges: one attempt at a time per order. The attempt is committed as `pending` (with the
 * order claimed as `processing`) before the gateway is called; the outcome, the order's new
 * status and the call log are committed together afterwards. No transaction or lock is held
 * during the gateway call.
 */
@Injectable()
export class ChargesService {
  constructor(
    private readonly em: EntityManager,
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly callLog: GatewayCallWriter,
    private readonly clock: Clock,
    private readonly orders: OrdersService,
    private readonly orderState: OrderPaymentState,
    private readonly customers: CustomersService,
    private readonly paymentMethods: PaymentMethodsService,
    private readonly registry: GatewayRegistry,
    private readonly routing: RoutingService,
    private readonly webhookUrls: WebhookUrls,
    private readonly events: ChargeEvents,
    private readonly outcomeMetrics: ChargeOutcomeMetrics,
    config: AppConfig,
  ) {
    this.firstLookupMs = new ReconcileSchedule(config.reconcileSchedule).first;
  }

  /** When reconciliation first looks at a charge left pending or awaiting 3-D Secure. */
  private readonly firstLookupMs: number;

  async create(caller: AuthedCaller, orderId: string, input: CreateChargeInput, scope: IdempotencyScope | null = null): Promise<ChargeObject> {
    const chargeId = scopedId('charge', scope);
    if (scope) {
      // A retry of an Idempotency-Key whose first attempt started this charge and then died: its outcome
      // is whatever that attempt (and reconciliation) made of it, never a second attempt.
      const [started] = await this.rows.select(this.sql, Charge, 'id = ? and app_id = ?', [chargeId, caller.appId]);
      if (started) return presentCharge(started);
    }
    const order = await this.orders.load(caller, orderId);
    const plan = await this.plan(caller, order, input);
    const email = input.email ?? (order.customerId ? (await this.customers.load(caller, order.customerId)).email : undefined);
    if (!email) throw ApiError.validation([{ param: 'email', message: 'required when the order has no customer' }]);

    const now = this.clock.now();
    const previous = order.status === 'requires_action' && order.latestChargeId ? await this.findCharge(order.latestChargeId) : null;
    // A Culqi REVIEW charged nothing, so a fresh attempt may replace it; a Mercado Pago challenge may still complete.
    const replacesReview = previous?.status === 'requires_action' && previous.gateway === 'culqi';

    // A plain object, not `new Charge()`: written with plain SQL, never tracked by the ORM.
    const charge: Charge = {
      id: chargeId,
      appId: caller.appId,
      orderId: order.id,
      status: 'pending',
      amount: order.amount,
      currency: order.currency,
      gateway: plan.gateways[0]!,
      gatewayChargeId: null,
      sourceType: plan.sourceType,
      paymentMethodId: plan.paymentMethodId,
      sourceToken: plan.token,
      email,
      installments: input.installments,
      cardBrand: null,
      cardLast4: null,
      cardExpMonth: null,
      cardExpYear: null,
      failureCode: null,
      declineCode: null,
      failureMessage: null,
      gatewayCode: null,
      nextAction: null,
      routing: [{ gateway: plan.gateways[0]!, reason: plan.reason }],
      processingMs: null,
      attemptedAt: now,
      reconcileAttempts: 0,
      // Set before the call: if the process dies before the outcome is committed, reconciliation
      // still finds this attempt (a later outcome commit moves it as needed).
      nextReconcileAt: new Date(now.getTime() + this.firstLookupMs),
      createdAt: now,
      updatedAt: now,
    };

    await this.sql.transaction(async (tx) => {
      // The replaced charge's row before the order's (the lock order of every outcome commit, so a webhook
      // settling that charge meanwhile cannot deadlock with us); a refused claim below rolls it back.
      if (replacesReview && previous) {
        await tx.run(
          "update charges /*! FORCE INDEX (PRIMARY) */ set status = 'failed', failure_code = 'authentication_failed', failure_message = ?, source_token = null, next_action = null, updated_at = ? where id = ? and status = 'requires_action'",
          ['Replaced by a new attempt before 3-D Secure was completed', now, previous.id],
        );
        await markChargeHour(this.rows, tx, previous.appId, previous.attemptedAt, now);
      }
      await this.orderState.begin(tx, caller.appId, order.id, now, replacesReview);
      await this.rows.insert(tx, Charge, charge);
    });

    const ctx = this.ctx(caller, charge);
    let outcome: ChargeOutcome | undefined;
    for (let i = 0; i < plan.gateways.length; i++) {
      const gatewayId = plan.gateways[i]!;
      if (i > 0) {
        // Failover: the previous gateway certainly did not process it. Commit the switch first so a
        // crash during the next call leaves the charge pointing at the gateway that may hold it.
        charge.gateway = gatewayId;
        charge.routing = [...charge.routing, { gateway: gatewayId, reason: 'failover' }];
        const firstAttemptedAt = charge.attemptedAt;
        charge.attemptedAt = this.clock.now();
        await this.sql.transaction(async (tx) => {
          await tx.run('update charges /*! FORCE INDEX (PRIMARY) */ set gateway = ?, routing = ?, attempted_at = ? where id = ?', [gatewayId, JSON.stringify(charge.routing), charge.attemptedAt, charge.id]);
          await markChargeHour(this.rows, tx, charge.appId, firstAttemptedAt, charge.attemptedAt);
        });
      }
      outcome = await this.registry.get(gatewayId).charge(this.requestFor(charge, order, input, plan.sourceFor(gatewayId)), ctx);
      charge.routing[charge.routing.length - 1]!.result = outcome.status;
      if (outcome.status !== 'not_sent') break;
    }
    if (outcome!.status === 'not_sent' && plan.sourceType === 'card_token') {
      const alternative = this.routing.candidates(order.currency).find((g) => g !== charge.gateway && this.registry.has(g));
      await this.commit(charge, order, outcome!, alternative ? { type: 'retry_with_gateway', gateway: alternative } : null, ctx);
    } else {
      await this.commit(charge, order, outcome!, null, ctx);
    }
    return presentCharge(charge);
  }

  /** Completes a Culqi 3-D Secure charge; for Mercado Pago, syncs the challenge's outcome from the gateway. */
  async authenticate(caller: AuthedCaller, chargeId: string, input: AuthenticateInput): Promise<ChargeObject> {
    const charge = await this.load(caller, chargeId);
    // Already settled (a webhook or reconciliation got there first): answer with the outcome.
    if (isSettled(charge)) return presentCharge(charge);
    if (charge.status !== 'requires_action') {
      throw new ApiError('charge_not_authenticatable', `The charge is ${charge.status}`);
    }
    const order = await this.orders.load(caller, charge.orderId);
    const now = this.clock.now();
    // The charge row first, then the order: the lock order of every outcome commit (writeOutcome, then the
    // order), so a webhook settling this charge at the same instant waits for us, or we for it, instead of
    // deadlocking on MariaDB. Both writes are conditional on requires_action: exactly one side wins.
    const claimed = await this.sql.transaction(async (tx) => {
      const moved = await tx.run("update charges /*! FORCE INDEX (PRIMARY) */ set status = 'pending', updated_at = ? where id = ? and status = 'requires_action'", [now, charge.id]);
      if (moved !== 1) return false;
      // Throwing rolls the charge back to requires_action.
      if (!(await this.orderState.resumeFromAction(tx, order.id, now))) throw new ApiError('order_processing', 'The order is not awaiting this authentication');
      await markChargeHour(this.rows, tx, charge.appId, charge.attemptedAt, now);
      return true;
    });
    if (!claimed) {
      // A webhook or reconciliation settled the charge since we read it: answer with its outcome.
      const current = await this.findCharge(charge.id);
      if (current && isSettled(current)) return presentCharge(current);
      throw new ApiError('charge_not_authenticatable', `The charge is ${current?.status ?? 'gone'}`);
    }
    charge.status = 'pending';

    const gateway = this.registry.get(charge.gateway as GatewayId);
    const ctx = this.ctx(caller, charge);
    let outcome: ChargeOutcome;
    if (charge.gateway === 'culqi' && charge.sourceToken) {
      const a = input.authentication_3ds;
      outcome = await gateway.completeThreeDs(
        this.requestFor(charge, order, { installments: charge.installments }, this.storedSource(charge)),
        { eci: a.eci, xid: a.xid, cavv: a.cavv, protocolVersion: a.protocol_version, directoryServerTransactionId: a.directory_server_transaction_id },
        ctx,
      );
    } else if (charge.gatewayChargeId) {
      const found = await gateway.getCharge(charge.gatewayChargeId, ctx);
      outcome = 'found' in found && found.found ? found.outcome : { status: 'pending', gatewayChargeId: charge.gatewayChargeId, reason: 'asynchronous' };
    } else {
      outcome = { status: 'pending', gatewayChargeId: null, reason: 'ambiguous_error' };
    }
    await this.commit(charge, order, outcome, null, ctx);
    return presentCharge(charge);
  }

  async get(caller: AuthedCaller, chargeId: string) {
    const charge = await this.load(caller, chargeId);
    const calls = await this.em.find(GatewayCall, { chargeId: charge.id, appId: caller.appId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return { ...presentCharge(charge), gateway_calls: calls.map(presentGatewayCall) };
  }

  async listForOrder(caller: AuthedCaller, orderId: string) {
    const order = await this.orders.load(caller, orderId);
    const charges = await this.em.find(Charge, { orderId: order.id, appId: caller.appId }, { orderBy: { id: 'asc' } });
    return { object: 'list' as const, data: charges.map(presentCharge), has_more: false, next_cursor: null };
  }

  /** Charge objects by id (orders show their latest charge inline). */
  async presentByIds(ids: string[]): Promise<Map<string, object>> {
    const rows = await this.em.fork().find(Charge, { id: { $in: ids } });
    return new Map(rows.map((c) => [c.id, presentCharge(c)]));
  }

  async load(caller: AuthedCaller, chargeId: string): Promise<Charge> {
    if (!isId('charge', chargeId)) throw ApiError.notFound('charge');
    const charge = await this.em.findOne(Charge, { id: chargeId, appId: caller.appId });
    if (!charge) throw ApiError.notFound('charge');
    return charge;
  }

  /**
   * Commits the outcome, the order's transition, its event and the call log of `ctx` in one transaction.
   * `order` is the order as loaded before the attempt (single flight: nothing else changed it since).
   */
  private async commit(
    charge: Charge,
    order: Order,
    outcome: ChargeOutcome,
    retryWith: { type: 'retry_with_gateway'; gateway: GatewayId } | null,
    ctx: CallContext,
  ): Promise<void> {
    const now = this.clock.now();
    const effect = applyOutcomeToCharge(charge, outcome, now, this.firstLookupMs);
    if (retryWith) charge.nextAction = retryWith;
    const applied = await this.sql.transaction(async (tx) => {
      // Only from `pending` (the state written before the call): a webhook or reconciliation may have
      // settled the charge meanwhile, and its truth must not be overwritten by a staler answer.
      const changed = await writeOutcome(tx, charge, 'pending', now);
      await this.callLog.persist(tx, ctx);
      if (!changed) return false;
      await markChargeHour(this.rows, tx, charge.appId, charge.attemptedAt, now);
      const moved = await applyOrderEffect(tx, this.orderState, effect, charge, now);
      await this.events.afterOutcome(tx, effect, moved, order, charge, now);
      return true;
    });
    if (applied) this.outcomeMetrics.committed(charge);
    if (!applied) {
      // Someone else settled it first: show what is stored.
      const current = await this.findCharge(charge.id);
      if (current) Object.assign(charge, current);
    }
  }

  private async findCharge(id: string): Promise<Charge | null> {
    const [charge] = await this.rows.select(this.sql, Charge, 'id = ?', [id]);
    return charge ?? null;
  }

  private ctx(caller: AuthedCaller, charge: Charge): CallContext {
    return { appId: caller.appId, chargeId: charge.id, calls: [] };
  }

  private requestFor(charge: Charge, order: Order, input: Pick<CreateChargeInput, 'installments'> & Partial<CreateChargeInput>, source: ChargeSource): ChargeRequest {
    return {
      chargeId: charge.id,
      amount: charge.amount,
      currency: charge.currency,
      email: charge.email,
      description: order.description ?? `Pedido ${order.reference ?? order.id}`,
      source,
      installments: input.installments,
      deviceFingerprint: input.device_fingerprint,
      threeDsMode: input.three_ds?.mode,
      notificationUrl: this.webhookUrls.mercadoPago(),
      attemptedAt: charge.attemptedAt,
    };
  }

  private storedSource(charge: Charge): ChargeSource {
    if (charge.sourceType === 'yape_token') return { type: 'yape_token', token: charge.sourceToken ?? '' };
    return { type: 'card_token', token: charge.sourceToken ?? '' };
  }

  private async plan(caller: AuthedCaller, order: Order, input: CreateChargeInput): Promise<Plan> {
    const source = input.source;
    switch (source.type) {
      case 'card_token': {
        if (!input.gateway) {
          throw new ApiError('gateway_required', 'A card token belongs to the gateway that issued it: send "gateway"', { param: 'gateway' });
        }
        this.assertSupports(input.gateway, order, 'cards');
        const gateway = input.gateway;
        const issuer = source.issuer_id === undefined ? undefined : String(source.issuer_id);
        return {
          gateways: [gateway],
          reason: 'requested',
          sourceType: 'card_token',
          token: source.token,
          paymentMethodId: null,
          sourceFor: () => ({ type: 'card_token', token: source.token, paymentMethodId: source.payment_method_id, issuerId: issuer }),
        };
      }
      case 'yape_token': {
        if (input.gateway && input.gateway !== 'culqi') {
          throw new ApiError('gateway_not_supported', 'Yape is paid through Culqi', { param: 'gateway' });
        }
        this.assertSupports('culqi', order, 'yape');
        // Yape moves soles only: refuse before spending the buyer's one-time approval code.
        if (this.routing.candidates(order.currency, 'yape_token').length === 0) {
          throw new ApiError('gateway_not_supported', `Yape does not pay ${order.currency} orders`, { param: 'source.type' });
        }
        return {
          gateways: ['culqi'],
          reason: 'yape',
          sourceType: 'yape_token',
          token: source.token,
          paymentMethodId: null,
          sourceFor: () => ({ type: 'yape_token', token: source.token }),
        };
      }
      case 'payment_method': {
        const pm = await this.paymentMethods.loadForCharge(caller, source.payment_method_id, order.customerId);
        const holds = (g: GatewayId) => pm.refs[g] !== undefined && this.registry.has(g) && this.registry.get(g).capabilities.currencies.includes(order.currency);
        // Routing orders the gateways that hold the card, skipping open circuits (reason 'health').
        const decision = input.gateway ? null : this.routing.decide(order.currency, 'payment_method', holds);
        const usable = input.gateway ? [input.gateway].filter(holds) : decision ? [decision.gateway, ...decision.fallbacks] : [];
        if (usable.length === 0) {
          throw new ApiError('payment_method_unusable', `This card is not saved at a gateway that can charge ${order.currency}${input.gateway ? ` (${input.gateway})` : ''}`);
        }
        return {
          gateways: usable,
          reason: decision?.reason ?? 'requested',
          sourceType: 'payment_method',
          token: null,
          paymentMethodId: pm.id,
          sourceFor: (g) => ({ type: 'saved_card', customerRef: pm.refs[g]!.customerRef, cardRef: pm.refs[g]!.cardRef }),
        };
      }
    }
  }

  private assertSupports(gateway: GatewayId, order: Order, what: 'cards' | 'yape'): void {
    if (!this.registry.has(gateway)) throw new ApiError('gateway_not_supported', `${gateway} is not configured`, { param: 'gateway' });
    const caps = this.registry.get(gateway).capabilities;
    if (!caps[what]) throw new ApiError('gateway_not_supported', `${gateway} does not take ${what === 'yape' ? 'Yape' : 'cards'}`, { param: 'gateway' });
    if (!caps.currencies.includes(order.currency)) {
      throw new ApiError('gateway_not_supported', `${gateway} does not charge ${order.currency}`, { param: 'gateway' });
    }
  }
}

/** A charge whose outcome is final for authentication: nothing is left to authenticate. */
function isSettled(charge: Pick<Charge, 'status'>): boolean {
  return charge.status === 'succeeded' || charge.status === 'failed';
}
