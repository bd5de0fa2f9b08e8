import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ReconcileSchedule } from '../charges/reconcile-schedule';
import { AppConfig } from '../config/app-config';
import { CreditRefunds } from '../credits/credit-refunds';
import { sessionOf } from '../database/sql-session';
import { GatewayCallWriter } from '../gateways/http/gateway-call.writer';
import type { CallContext } from '../gateways/payment-gateway.port';
import { OrderRefundState } from '../orders/order-payment-state';
import { Refund } from './refund.entity';
import { RefundEvents } from './refund-events';

/** What the gateway finally did with a refund. */
export type FinalRefundOutcome =
  | { status: 'succeeded'; gatewayRefundId: string }
  | { status: 'failed'; message: string; gatewayCode: string | null; gatewayRefundId?: string | null };

export type SettleResult =
  | { applied: true; refund: Refund }
  /**
   * `not_pending`: another path (webhook, reconciliation, the create call) settled it first.
   * `gateway_refund_taken`: the gateway refund is already another refund of ours (see settle).
   */
  | { applied: false; reason: 'not_pending' | 'gateway_refund_taken' };

/** Thrown inside the settlement transaction to roll it back. */
class GatewayRefundTaken extends Error {}

/**
 * The one path by which a `pending` refund becomes final — for the create call, webhooks and
 * reconciliation alike. One transaction, conditional on `status = 'pending'`, so whichever path comes
 * first applies the outcome once and the others change nothing: succeeded → the gateway refund id
 * stored and the order settled (partially_refunded / refunded); failed → the reserved amount released
 * and the credits a credit-package refund reversed given back.
 * The gateway call log and the `refund.*` event commit with it.
 */
@Injectable()
export class RefundSettlement {
  private readonly schedule: ReconcileSchedule;

  constructor(
    private readonly em: EntityManager,
    private readonly refundState: OrderRefundState,
    private readonly callLog: GatewayCallWriter,
    private readonly events: RefundEvents,
    private readonly credits: CreditRefunds,
    config: AppConfig,
  ) {
    this.schedule = new ReconcileSchedule(config.reconcileSchedule);
  }

  /** When a new refund is first looked up if its outcome stays unknown (RECONCILE_SCHEDULE's first delay). */
  firstLookupAt(attemptedAt: Date): Date {
    return new Date(attemptedAt.getTime() + this.schedule.first);
  }

  async settle(refund: Refund, outcome: FinalRefundOutcome, ctx: CallContext, now: Date): Promise<SettleResult> {
    const gatewayRefundId = outcome.gatewayRefundId ?? refund.gatewayRefundId;
    const change = {
      status: outcome.status,
      gatewayRefundId,
      failureMessage: outcome.status === 'failed' ? outcome.message.slice(0, 500) : null,
      failureCode: outcome.status === 'failed' ? outcome.gatewayCode : null,
      nextReconcileAt: null,
      updatedAt: now,
    };
    const after: Refund = { ...refund, ...change };
    try {
      return await this.em.fork().transactional(async (tx): Promise<SettleResult> => {
        const s = sessionOf(tx);
        const claimed = await tx.nativeUpdate(Refund, { id: refund.id, status: 'pending' }, change);
        if (claimed !== 1) {
          await this.callLog.persist(s, ctx);
          return { applied: false, reason: 'not_pending' };
        }
        if (outcome.status === 'succeeded') await this.refundState.settle(tx, refund.orderId, now);
        else await this.refundState.unreserve(tx, refund.orderId, refund.amount, now);
        // Mercado Pago refunds are matched by amount and time (nothing of ours is on them), so two of
        // our refunds of one amount could be matched to the same gateway refund: only one may keep it.
        // Checked after the order row was written, which serialises settlements of one order; this is
        // the transaction's first plain read, so on InnoDB it sees what the previous one committed.
        if (gatewayRefundId !== null && (await this.heldByAnother(tx, refund, gatewayRefundId))) throw new GatewayRefundTaken();
        // A failed refund of a credit-package order gives back the credits its creation reversed.
        if (outcome.status === 'failed') await this.credits.restore(s, refund);
        await this.callLog.persist(s, ctx);
        await this.events.settled(s, after, now);
        return { applied: true, refund: after };
      });
    } catch (err) {
      if (!(err instanceof GatewayRefundTaken)) throw err;
      await this.saveCalls(ctx);
      return { applied: false, reason: 'gateway_refund_taken' };
    }
  }

  /**
   * The refund stays `pending`: stores a gateway refund id newly learned (unless another refund of
   * ours holds it, or `forgetGatewayRefundId` says the one stored is another's) and, for a lookup
   * (`lookedUp`), counts it and schedules the next one on RECONCILE_SCHEDULE. The create call's own
   * pending answer keeps the first lookup it was inserted with.
   */
  async keepPending(
    refund: Refund,
    ctx: CallContext,
    now: Date,
    opts: { lookedUp: boolean; gatewayRefundId?: string | null; forgetGatewayRefundId?: boolean },
  ): Promise<void> {
    const change: Partial<Pick<Refund, 'gatewayRefundId' | 'reconcileAttempts' | 'nextReconcileAt' | 'updatedAt'>> = { updatedAt: now };
    if (opts.lookedUp) {
      change.reconcileAttempts = refund.reconcileAttempts + 1;
      change.nextReconcileAt = this.schedule.nextAt(refund.attemptedAt ?? refund.createdAt, refund.reconcileAttempts + 1, now);
    }
    await this.em.fork().transactional(async (tx) => {
      if (opts.forgetGatewayRefundId) change.gatewayRefundId = null;
      else if (opts.gatewayRefundId && opts.gatewayRefundId !== refund.gatewayRefundId && !(await this.heldByAnother(tx, refund, opts.gatewayRefundId))) {
        change.gatewayRefundId = opts.gatewayRefundId;
      }
      await tx.nativeUpdate(Refund, { id: refund.id, status: 'pending' }, change);
      await this.callLog.persist(sessionOf(tx), ctx);
    });
  }

  /** Persists a lookup's call log when nothing else is written. */
  async saveCalls(ctx: CallContext): Promise<void> {
    if (ctx.calls.length > 0) await this.em.fork().transactional((tx) => this.callLog.persist(sessionOf(tx), ctx));
  }

  private async heldByAnother(tx: EntityManager, refund: Refund, gatewayRefundId: string): Promise<boolean> {
    // Gateway refunds of one charge belong to one order: the (app_id, order_id) index finds them.
    return (await tx.count(Refund, { appId: refund.appId, orderId: refund.orderId, gatewayRefundId, id: { $ne: refund.id } })) > 0;
  }
}
