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
import { GatewayRegistry } from '../gateways/gateway-registry';
import { sessionOf } from '../database/sql-session';
import { GatewayCallWriter } from '../gateways/http/gateway-call.writer';
import type { CallContext, RefundOutcome } from '../gateways/payment-gateway.port';
import { OrderRefundState } from '../orders/order-payment-state';
import { OrdersService } from '../orders/orders.service';
import { Refund } from './refund.entity';
import type { CreateRefundInput, ListRefundsQuery } from './refund.schemas';

export function presentRefund(r: Refund) {
  return {
    id: r.id,
    object: 'refund' as const,
    order_id: r.orderId,
    charge_id: r.chargeId,
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    gateway: r.gateway,
    gateway_refund_id: r.gatewayRefundId,
    reason: r.reason,
    failure: r.status === 'failed' ? { code: r.failureCode, message: r.failureMessage ?? '' } : null,
    created_at: r.createdAt.toISOString(),
  };
}

/**
 * Refunds: the amount is reserved on the order (a conditional UPDATE that can never let concurrent
 * refunds exceed what was paid) in the same transaction that inserts the pending refund, then the
 * gateway is called, then the outcome is committed — released again if the gateway refused.
 */
@Injectable()
export class RefundsService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly orders: OrdersService,
    private readonly refundState: OrderRefundState,
    private readonly registry: GatewayRegistry,
    private readonly callLog: GatewayCallWriter,
  ) {}

  async create(caller: AuthedCaller, input: CreateRefundInput, scope: IdempotencyScope | null = null) {
    const refundId = scopedId('refund', scope);
    if (scope) {
      // A retry of an Idempotency-Key whose first attempt inserted this refund and then died: answer
      // the refund as it stands, never a second reservation or gateway refund. Still `pending` means
      // the first attempt died around its gateway call, so the money may or may not have gone back.
      // Asking the gateway would be better than guessing, but there is nothing to ask with: the
      // gateway refund id is only stored with a final outcome (a crash or an ambiguous answer leaves
      // none), the gateway port has no refund lookup, and a Culqi refund carries nothing of ours to
      // find it by (its POST sends no metadata). Calling the gateway again could refund twice
      // (Culqi has no idempotency key), so the client gets the stored `pending` refund, with its amount
      // still reserved (a later refund can never exceed what was paid); settling it is for an
      // operator, who can see at the gateway whether the charge was refunded.
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
      createdAt: now,
      updatedAt: now,
    });
    // The reservation and the pending refund commit together: a process that dies in between leaves
    // neither, so the refund row is the one witness of a reservation (and a retry that finds it above
    // knows the amount is already reserved).
    let reserved = false;
    try {
      if (amount > 0) {
        reserved = await this.em.transactional(async (tx) => {
          if (!(await this.refundState.reserve(tx, order.id, amount, now))) return false;
          await tx.insert(Refund, refund);
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
    await this.em.transactional(async (tx) => {
      if (outcome.status === 'succeeded') {
        refund.status = 'succeeded';
        refund.gatewayRefundId = outcome.gatewayRefundId;
        await this.refundState.settle(tx, order.id, done);
      } else if (outcome.status === 'failed') {
        refund.status = 'failed';
        refund.failureMessage = outcome.message.slice(0, 500);
        refund.failureCode = outcome.gatewayCode;
        await this.refundState.unreserve(tx, order.id, amount, done);
      }
      refund.updatedAt = done;
      await tx.nativeUpdate(
        Refund,
        { id: refund.id },
        { status: refund.status, gatewayRefundId: refund.gatewayRefundId, failureMessage: refund.failureMessage, failureCode: refund.failureCode, updatedAt: done },
      );
      await this.callLog.persist(sessionOf(tx), ctx);
    });
    return presentRefund(refund);
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
