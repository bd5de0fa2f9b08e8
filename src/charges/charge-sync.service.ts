import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig, type GatewayId } from '../config/app-config';
import { GatewayRegistry } from '../gateways/gateway-registry';
import { SqlRunner } from '../database/sql-runner';
import { GatewayCallWriter } from '../gateways/http/gateway-call.writer';
import type { CallContext, ChargeOutcome, LookupOutcome } from '../gateways/payment-gateway.port';
import { Order } from '../orders/order.entity';
import { OrderPaymentState } from '../orders/order-payment-state';
import { Charge, type ChargeStatus } from './charge.entity';
import { EntityRows } from '../database/entity-rows';
import { markChargeHour } from '../reports/rollups/rollup-marks';
import { applyOrderEffect, applyOutcomeToCharge, writeOutcome } from './charge-outcome';
import { ChargeEvents } from './charge-events';
import { ChargeOutcomeMetrics } from './charge-outcome.metrics';
import { ReconcileSchedule } from './reconcile-schedule';

export type SyncResult =
  | { outcome: 'unchanged'; status: ChargeStatus; reason: string }
  | { outcome: 'updated'; from: ChargeStatus; status: ChargeStatus }
  | { outcome: 'discrepancy'; status: ChargeStatus; detail: string };

/** The gateway's view of a charge, with the raw gateway status when the adapter reports one (Mercado Pago). */
type Truth = Exclude<ChargeOutcome, { status: 'not_sent' }> & { gatewayStatus?: { status: string; statusDetail: string | null } };

/**
 * Applies the gateway's truth about one charge: the single path by which webhooks, reconciliation and
 * 3-D Secure syncs move a charge after its attempt. Every write is conditional on the status that was
 * read, so concurrent syncs (a webhook racing reconciliation) apply once; a terminal state never moves
 * backwards — except failed → succeeded when the gateway did take the money and the order can still
 * take it (money taken always ends up on exactly one order; otherwise it is reported).
 */
@Injectable()
export class ChargeSyncService {
  private readonly schedule: ReconcileSchedule;
  /** RECONCILE_NOT_FOUND_GRACE: how long an attempt unknown to the gateway may still appear there. */
  private readonly notFoundGraceMs: number;

  constructor(
    private readonly em: EntityManager,
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly clock: Clock,
    private readonly registry: GatewayRegistry,
    private readonly orderState: OrderPaymentState,
    private readonly callLog: GatewayCallWriter,
    private readonly events: ChargeEvents,
    private readonly outcomeMetrics: ChargeOutcomeMetrics,
    config: AppConfig,
  ) {
    this.schedule = new ReconcileSchedule(config.reconcileSchedule);
    this.notFoundGraceMs = config.reconcileNotFoundGraceMs;
  }

  /** Looks the charge up at its gateway (by id when known, else by our reference) and applies the answer. */
  async sync(chargeId: string): Promise<SyncResult> {
    const em = this.em.fork();
    const charge = await em.findOne(Charge, { id: chargeId });
    if (!charge) return { outcome: 'unchanged', status: 'failed', reason: 'no such charge' };
    if (!this.registry.has(charge.gateway as GatewayId)) return { outcome: 'unchanged', status: charge.status, reason: 'gateway not configured' };
    const gateway = this.registry.get(charge.gateway as GatewayId);
    const ctx: CallContext = { appId: charge.appId, chargeId: charge.id, calls: [] };
    const lookup: LookupOutcome = charge.gatewayChargeId
      ? await gateway.getCharge(charge.gatewayChargeId, ctx)
      : await gateway.findChargeByReference({ chargeId: charge.id, attemptedAt: charge.attemptedAt, amount: charge.amount, currency: charge.currency }, ctx);
    return this.apply(charge, lookup, ctx);
  }

  private async apply(charge: Charge, lookup: LookupOutcome, ctx: CallContext): Promise<SyncResult> {
    const now = this.clock.now();
    const observed = charge.status;

    if ('error' in lookup || !lookup.found) {
      const notFound = !('error' in lookup);
      const expired = now.getTime() - charge.attemptedAt.getTime() > this.notFoundGraceMs;
      if (notFound && expired && (observed === 'pending' || observed === 'requires_action')) {
        // The gateway has no trace of the attempt and it can no longer arrive: nothing was charged.
        const outcome: ChargeOutcome =
          observed === 'requires_action'
            ? { status: 'failed', gatewayChargeId: null, card: null, failure: { code: 'authentication_failed', declineCode: null, message: '3-D Secure was not completed in time', gatewayCode: null } }
            : { status: 'not_sent', reason: 'the gateway has no record of this attempt' };
        return this.commit(charge, observed, outcome, ctx, now);
      }
      await this.reschedule(charge, observed, ctx, now);
      return { outcome: 'unchanged', status: observed, reason: 'error' in lookup ? `lookup failed: ${lookup.error}` : 'not found at the gateway yet' };
    }

    const truth = lookup.outcome as Truth;
    if (observed === 'succeeded') {
      await this.applyAfterSuccess(charge, truth, ctx, now);
      return { outcome: 'unchanged', status: observed, reason: 'already succeeded' };
    }
    if (observed === 'failed') {
      if (truth.status !== 'succeeded') {
        await this.saveCalls(ctx);
        return { outcome: 'unchanged', status: observed, reason: 'already failed' };
      }
      const order = await this.em.fork().findOneOrFail(Order, { id: charge.orderId });
      if (!['pending', 'processing', 'requires_action'].includes(order.status)) {
        await this.saveCalls(ctx);
        return { outcome: 'discrepancy', status: observed, detail: `the gateway took the money for ${charge.id} but order ${order.id} is ${order.status}` };
      }
    }
    if (truth.status === observed && truth.status !== 'pending' && truth.status !== 'requires_action') {
      await this.saveCalls(ctx);
      return { outcome: 'unchanged', status: observed, reason: 'no change' };
    }
    // Still open at the gateway (pending, or a challenge not yet completed): look again later, so an
    // abandoned challenge is seen when the gateway finally cancels it.
    if (truth.status === 'pending' || (truth.status === 'requires_action' && observed === 'requires_action')) {
      await this.reschedule(charge, observed, ctx, now);
      return { outcome: 'unchanged', status: observed, reason: 'still pending at the gateway' };
    }
    return this.commit(charge, observed, truth, ctx, now);
  }

  /** Writes the new state only if the charge is still as observed; the order follows in the same transaction. */
  private async commit(charge: Charge, observed: ChargeStatus, outcome: ChargeOutcome, ctx: CallContext, now: Date): Promise<SyncResult> {
    const effect = applyOutcomeToCharge(charge, outcome, now, this.schedule.first);
    const won = await this.sql.transaction(async (tx) => {
      const changed = await writeOutcome(tx, charge, observed, now, charge.reconcileAttempts + 1);
      await this.callLog.persist(tx, ctx);
      if (!changed) return false;
      await markChargeHour(this.rows, tx, charge.appId, charge.attemptedAt, now);
      const moved = await applyOrderEffect(tx, this.orderState, effect, charge, now);
      await this.events.afterOutcome(tx, effect, moved, null, charge, now);
      return true;
    });
    if (!won) return { outcome: 'unchanged', status: observed, reason: 'changed concurrently' };
    this.outcomeMetrics.committed(charge);
    return { outcome: 'updated', from: observed, status: charge.status };
  }

  /** After success, Mercado Pago may report the payment refunded or disputed at the gateway. */
  private async applyAfterSuccess(charge: Charge, truth: Truth, ctx: CallContext, now: Date): Promise<void> {
    const raw = truth.gatewayStatus?.status;
    const settled = raw === 'charged_back' || raw === 'in_mediation' ? 'disputed' : raw === 'refunded' ? 'refunded' : null;
    await this.sql.transaction(async (tx) => {
      await this.callLog.persist(tx, ctx);
      if (settled) {
        await tx.run("update orders /*! FORCE INDEX (PRIMARY) */ set status = ?, updated_at = ? where id = ? and status in ('paid', 'partially_refunded')", [settled, now, charge.orderId]);
      }
    });
  }

  private async reschedule(charge: Charge, observed: ChargeStatus, ctx: CallContext, now: Date): Promise<void> {
    const next = this.schedule.nextAt(charge.attemptedAt, charge.reconcileAttempts + 1, now);
    await this.sql.transaction(async (tx) => {
      await this.callLog.persist(tx, ctx);
      await tx.run('update charges /*! FORCE INDEX (PRIMARY) */ set reconcile_attempts = ?, next_reconcile_at = ?, updated_at = ? where id = ? and status = ?', [
        charge.reconcileAttempts + 1,
        next,
        now,
        charge.id,
        observed,
      ]);
    });
  }

  private async saveCalls(ctx: CallContext): Promise<void> {
    if (ctx.calls.length > 0) await this.sql.transaction((tx) => this.callLog.persist(tx, ctx));
  }
}
