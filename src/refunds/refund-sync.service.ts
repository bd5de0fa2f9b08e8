import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Charge } from '../charges/charge.entity';
import { Clock } from '../common/clock';
import { AppConfig, type GatewayId } from '../config/app-config';
import { GatewayRegistry } from '../gateways/gateway-registry';
import type { CallContext, RefundLookup } from '../gateways/payment-gateway.port';
import { Refund, type RefundStatus } from './refund.entity';
import { type FinalRefundOutcome, RefundSettlement } from './refund-settlement';

export type RefundSyncResult =
  | { outcome: 'unchanged'; status: RefundStatus; reason: string }
  | { outcome: 'updated'; from: 'pending'; status: RefundStatus };

/**
 * Resolves a `pending` refund (a timeout, a 5xx or a crash around its gateway call) from the gateway's
 * truth, for reconciliation and gateway webhooks: looks it up (`findRefund`) and settles it through
 * RefundSettlement, or looks again later on RECONCILE_SCHEDULE. A refund the gateway still does not
 * know RECONCILE_NOT_FOUND_GRACE after its attempt was never made: `failed`, its amount released.
 */
@Injectable()
export class RefundSyncService {
  private readonly notFoundGraceMs: number;

  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly registry: GatewayRegistry,
    private readonly settlement: RefundSettlement,
    config: AppConfig,
  ) {
    this.notFoundGraceMs = config.reconcileNotFoundGraceMs;
  }

  async sync(refundId: string): Promise<RefundSyncResult> {
    const em = this.em.fork();
    const refund = await em.findOne(Refund, { id: refundId });
    if (!refund) return { outcome: 'unchanged', status: 'failed', reason: 'no such refund' };
    if (refund.status !== 'pending') return { outcome: 'unchanged', status: refund.status, reason: `already ${refund.status}` };
    if (!this.registry.has(refund.gateway as GatewayId)) return { outcome: 'unchanged', status: refund.status, reason: 'gateway not configured' };
    const charge = await em.findOne(Charge, { id: refund.chargeId }, { fields: ['gatewayChargeId'] });
    if (!charge?.gatewayChargeId) return { outcome: 'unchanged', status: refund.status, reason: 'the charge has no gateway id' };
    const others = await em.find(
      Refund,
      { chargeId: refund.chargeId, id: { $ne: refund.id }, gatewayRefundId: { $ne: null } },
      { fields: ['gatewayRefundId'] },
    );
    const ctx: CallContext = { appId: refund.appId, refundId: refund.id, calls: [] };
    const lookup = await this.registry.get(refund.gateway as GatewayId).findRefund(
      {
        refundId: refund.id,
        gatewayChargeId: charge.gatewayChargeId,
        gatewayRefundId: refund.gatewayRefundId,
        amount: refund.amount,
        currency: refund.currency,
        attemptedAt: refund.attemptedAt ?? refund.createdAt,
        excludeGatewayRefundIds: others.map((r) => r.gatewayRefundId).filter((id): id is string => id !== null),
      },
      ctx,
    );
    return this.apply(refund, lookup, ctx);
  }

  /** Every pending refund of a charge (a Mercado Pago payment notification can be about any of them). */
  async syncPendingForCharge(chargeId: string): Promise<RefundSyncResult[]> {
    const pending = await this.em.fork().find(Refund, { chargeId, status: 'pending' }, { fields: ['id'], orderBy: { id: 'asc' } });
    const results: RefundSyncResult[] = [];
    for (const refund of pending) results.push(await this.sync(refund.id));
    return results;
  }

  private async apply(refund: Refund, lookup: RefundLookup, ctx: CallContext): Promise<RefundSyncResult> {
    const now = this.clock.now();
    if ('error' in lookup) {
      await this.settlement.keepPending(refund, ctx, now, { lookedUp: true });
      return { outcome: 'unchanged', status: 'pending', reason: `lookup failed: ${lookup.error}` };
    }
    if (!lookup.found) {
      // A gateway refund id we stored that the gateway does not list is dropped, so the next lookup
      // searches again; a refund from before attempts were recorded went to Culqi without our id in its
      // metadata, so not finding it proves nothing: it waits for an operator instead of being failed.
      const attemptedAt = refund.attemptedAt;
      const graceOver = attemptedAt !== null && now.getTime() - attemptedAt.getTime() > this.notFoundGraceMs;
      if (refund.gatewayRefundId === null && graceOver) {
        const failed: FinalRefundOutcome = { status: 'failed', message: 'The gateway has no record of this refund: nothing was refunded.', gatewayCode: null };
        return this.settle(refund, failed, ctx, now);
      }
      await this.settlement.keepPending(refund, ctx, now, { lookedUp: true, forgetGatewayRefundId: refund.gatewayRefundId !== null });
      return { outcome: 'unchanged', status: 'pending', reason: 'not found at the gateway yet' };
    }
    if (lookup.status === 'pending') {
      await this.settlement.keepPending(refund, ctx, now, { lookedUp: true, gatewayRefundId: lookup.gatewayRefundId });
      return { outcome: 'unchanged', status: 'pending', reason: 'still pending at the gateway' };
    }
    const outcome: FinalRefundOutcome =
      lookup.status === 'succeeded'
        ? { status: 'succeeded', gatewayRefundId: lookup.gatewayRefundId }
        : { status: 'failed', message: `The gateway refused refund ${lookup.gatewayRefundId}.`, gatewayCode: null, gatewayRefundId: lookup.gatewayRefundId };
    return this.settle(refund, outcome, ctx, now);
  }

  private async settle(refund: Refund, outcome: FinalRefundOutcome, ctx: CallContext, now: Date): Promise<RefundSyncResult> {
    const settled = await this.settlement.settle(refund, outcome, ctx, now);
    if (settled.applied) return { outcome: 'updated', from: 'pending', status: settled.refund.status };
    if (settled.reason === 'not_pending') {
      const current = await this.em.fork().findOne(Refund, { id: refund.id }, { fields: ['status'] });
      return { outcome: 'unchanged', status: current?.status ?? 'pending', reason: 'changed concurrently' };
    }
    // Another refund of ours already has this gateway refund: search again, without it, next time.
    await this.settlement.keepPending(refund, ctx, now, { lookedUp: true, forgetGatewayRefundId: true });
    return { outcome: 'unchanged', status: 'pending', reason: `gateway refund ${outcome.gatewayRefundId ?? ''} belongs to another refund` };
  }
}
