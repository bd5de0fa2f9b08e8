import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { Clock } from '../common/clock';
import { ApiError } from '../common/errors/api-error';
import { isId } from '../common/ids';
import { type IdempotencyScope, scopedId } from '../common/idempotency/idempotency-scope';
import { decodeCursor, toPage } from '../common/pagination/cursor-page';
import type { GatewayId } from '../config/app-config';
import { Charge } from '../charges/charge.entity';
import { CreditRefunds } from '../credits/credit-refunds';
import { sessionOf } from '../database/sql-session';
import { GatewayRegistry } from '../gateways/gateway-registry';
import type { CallContext, RefundOutcome } from '../gateways/payment-gateway.port';
import { OrderRefundState } from '../orders/order-payment-state';
import { OrdersService } from '../orders/orders.service';
import { Refund } from './refund.entity';
import { presentRefund } from './refund.presenter';
import type { CreateRefundInput, ListRefundsQuery } from './refund.schemas';
import { RefundSettlement } from './refund-settlement';

/**
 * Refunds: the amount is reserved on the order (a conditional UPDATE that can never let concurrent
 * refunds exceed what was paid) in the same transaction that inserts the pending refund (with its first
 * reconciliation lookup already scheduled), then the gateway is called, then a final outcome is committed
 * through RefundSettlement — released again if the gateway refused. An unknown outcome stays `pending`
 * for RefundSyncService (reconciliation, gateway webhooks).
 */
@Injectable()
export class RefundsService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly orders: OrdersService,
    private readonly refundState: OrderRefundState,
    private readonly registry: GatewayRegistry,
    private readonly settlement: RefundSettlement,
    private readonly credits: CreditRefunds,
  ) {}

  async create(caller: AuthedCaller, input: CreateRefundInput, scope: IdempotencyScope | null = null) {
    const refundId = scopedId('refund', scope);
    if (scope) {
      // A retry of an Idempotency-Key whose first attempt inserted this refund and then died: answer
      // the refund as it stands, never a second reservation or gateway refund. Still `pending` means
      // the first attempt died around its gateway call, so the money may or may not have gone back.
      // Calling the gateway again could refund twice (Culqi has no idempotency key), so the client gets
      // the stored `pending` refund, with its amount still reserved (a later refund can never exceed
      // what was paid); reconciliation looks it up at the gateway (it was inserted with its first
      // lookup scheduled) and settles it.
      const started = await this.em.fork().findOne(Refund, { id: refundId, appId: caller.appId });
      if (started) return presentRefund(started);
    }
    const order = await this.orders.load(caller, input.order_id);
    if (!['paid', 'partially_refunded'].includes(order.status) || !order.latestChargeId) {
      throw new ApiError('order_not_refundable', `The order is ${order.status}; only paid orders can be refunded`);
    }
    const charge = await this.em.findOneOrFail(Charge, { id: order.latestChargeId, status: 'succeeded' });
    const remaining = order.amount - order.amountRefunded;
    const amount = input.amount ?? remaining;
    const now = this.clock.now();
    const refund: Refund = Object.assign(new Refund(), {
      id: refundId,
      appId: caller.appId,
      orderId: order.id,
      chargeId: charge.id,
      amount,
      currency: order.currency,
      status: 'pending',
      gateway: charge.gateway,
      reason: input.reason,
      // Scheduled for reconciliation from the start: a crash during the gateway call leaves it to the lookup.
      attemptedAt: now,
      nextReconcileAt: this.settlement.firstLookupAt(now),
      reconcileAttempts: 0,
      createdAt: now,
      updatedAt: now,
    });
    // The reservation and the pending refund commit together: a process that dies in between leaves
    // neither, so the refund row is the one witness of a reservation (and a retry that finds it above
    // knows the amount is already reserved). A credit-package order's credits are reversed in the same
    // transaction (or the refund is refused, releasing the reservation with it).
    let reserved = false;
    try {
      if (amount > 0) {
        reserved = await this.em.transactional(async (tx) => {
          if (!(await this.refundState.reserve(tx, order.id, amount, now))) return false;
          await tx.insert(Refund, refund);
          await this.credits.reverse(sessionOf(tx), order, { id: refund.id, amount }, input.allow_consumed_credits ?? false);
          return true;
        });
      }
    } catch (err) {
      // The same key's first attempt, still running past its lease, inserted this refund meanwhile
      // (our reservation rolled back with the failed insert): answer that one.
      const committed = scope && err instanceof UniqueConstraintViolationException ? await this.em.fork().findOne(Refund, { id: refundId, appId: caller.appId }) : null;
      if (committed) return presentRefund(committed);
      throw err;
    }
    if (!reserved) {
      throw new ApiError('amount_exceeds_refundable', `At most ${Math.max(remaining, 0)} can still be refunded`, { param: 'amount' });
    }

    const ctx: CallContext = { appId: caller.appId, refundId: refund.id, calls: [] };
    const outcome: RefundOutcome = await this.registry.get(charge.gateway as GatewayId).refund(
      {
        refundId: refund.id,
        gatewayChargeId: charge.gatewayChargeId ?? '',
        amount,
        full: amount === order.amount && order.amountRefunded === 0,
        currency: order.currency,
        reason: input.reason,
      },
      ctx,
    );
    const done = this.clock.now();
    if (outcome.status === 'pending') {
      // Unknown (timeout, 5xx, a refund still in process): it stays pending for reconciliation.
      await this.settlement.keepPending(refund, ctx, done, { lookedUp: false, gatewayRefundId: outcome.gatewayRefundId ?? null });
      return presentRefund(await this.current(refund.id));
    }
    const final =
      outcome.status === 'succeeded'
        ? ({ status: 'succeeded', gatewayRefundId: outcome.gatewayRefundId } as const)
        : ({ status: 'failed', message: outcome.message, gatewayCode: outcome.gatewayCode } as const);
    const settled = await this.settlement.settle(refund, final, ctx, done);
    // Not applied: a gateway webhook settled it while we waited for the answer; answer what it holds.
    return presentRefund(settled.applied ? settled.refund : await this.current(refund.id));
  }

  private current(refundId: string): Promise<Refund> {
    return this.em.fork().findOneOrFail(Refund, { id: refundId });
  }

  async get(caller: AuthedCaller, id: string) {
    if (!isId('refund', id)) throw ApiError.notFound('refund');
    const refund = await this.em.findOne(Refund, { id, appId: caller.appId });
    if (!refund) throw ApiError.notFound('refund');
    return presentRefund(refund);
  }

  async list(caller: AuthedCaller, query: ListRefundsQuery) {
    const before = decodeCursor(query.cursor, 'refund');
    const rows = await this.em.find(
      Refund,
      { appId: caller.appId, orderId: query.order_id, ...(before ? { id: { $lt: before } } : {}) },
      { orderBy: { id: 'desc' }, limit: query.limit + 1 },
    );
    return toPage(rows, query.limit, presentRefund);
  }
}
