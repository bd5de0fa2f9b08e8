import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Charge } from '../charges/charge.entity';
import { ChargeSyncService, type SyncResult } from '../charges/charge-sync.service';
import { Clock } from '../common/clock';
import { isId } from '../common/ids';
import { Refund } from '../refunds/refund.entity';
import { RefundSyncService, type RefundSyncResult } from '../refunds/refund-sync.service';
import { GatewayWebhook, type GatewayWebhookStatus } from './gateway-webhook.entity';
import type { RefundHint } from './webhook-event-keys';

/** Thrown when the gateway could not be asked: the job is retried with backoff (the ack was already sent). */
export class GatewayLookupFailed extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'GatewayLookupFailed';
  }
}

interface Verdict {
  status: Exclude<GatewayWebhookStatus, 'received'>;
  result: string;
  /** The local charge the delivery was about (for a refund: the refunded charge). */
  match?: { chargeId: string; appId: string };
}

/**
 * The `gateway_webhook.process` job: finds the local charge or refund a delivery is about and lets
 * ChargeSyncService / RefundSyncService re-fetch it from the gateway and apply the gateway's truth
 * (whose conditional writes make every effect happen once, and never move a terminal state backwards).
 * The payload itself is never applied. A resource nothing local matches is kept as `unmatched` for
 * reconciliation, not dropped.
 */
@Injectable()
export class GatewayWebhookProcessor {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly chargeSync: ChargeSyncService,
    private readonly refundSync: RefundSyncService,
  ) {}

  async process(deliveryId: string, chargeHint: string | null, refundHint: RefundHint | null = null): Promise<void> {
    const em = this.em.fork();
    const delivery = await em.findOne(GatewayWebhook, { id: deliveryId });
    // Already settled by an earlier run of this job (a re-run after a crash or a lost lease).
    if (!delivery || delivery.status !== 'received') return;
    const verdict = await this.decide(delivery, chargeHint, refundHint);
    await em.nativeUpdate(
      GatewayWebhook,
      { id: delivery.id, status: 'received' },
      {
        status: verdict.status,
        result: verdict.result.slice(0, 500),
        chargeId: verdict.match?.chargeId ?? null,
        appId: verdict.match?.appId ?? null,
        processedAt: this.clock.now(),
      },
    );
  }

  private async decide(delivery: GatewayWebhook, chargeHint: string | null, refundHint: RefundHint | null): Promise<Verdict> {
    const { gateway, resourceType, resourceId } = delivery;
    if (gateway === 'culqi' && resourceType === 'refund' && resourceId !== '') return this.decideCulqiRefund(resourceId, refundHint);
    if (gateway === 'culqi' && resourceType === 'order') return { status: 'unmatched', result: `order ${resourceId}: Culqi orders are not matched to charges yet` };
    const isCharge = (gateway === 'culqi' && resourceType === 'charge') || (gateway === 'mercadopago' && resourceType === 'payment');
    if (!isCharge || resourceId === '') return { status: 'ignored', result: `${resourceType} events are not processed` };

    const charge = await this.findCharge(gateway, resourceId, chargeHint);
    // Mercado Pago's lookup does not give back external_reference, so a payment whose id we never
    // recorded (the answer to our POST was lost) waits for reconciliation, which searches by reference.
    if (!charge) return { status: 'unmatched', result: `no local charge has ${gateway} id ${resourceId}` };

    // A Culqi event whose outcome we already hold (our own charge answered first, as usual) is news to
    // nobody: no lookup, so the gateway is not asked about every payment twice.
    const told = culqiOutcome(delivery.eventType);
    if (gateway === 'culqi' && told !== null && charge.status === told) {
      return { status: 'processed', result: `${charge.id} already ${told}: nothing to look up`, match: { chargeId: charge.id, appId: charge.appId } };
    }
    // Applying now is safe even while our own request still waits for its answer: the charges service
    // commits its outcome only over a `pending` charge, so it never overwrites what this sync settles.
    const synced = await this.chargeSync.sync(charge.id);
    if (synced.outcome === 'unchanged' && synced.reason.startsWith('lookup failed')) throw new GatewayLookupFailed(`${charge.id}: ${synced.reason}`);
    const results = [describe(charge.id, synced)];
    // A Mercado Pago refund changes its payment (payment.updated): the notification is also news for
    // the charge's pending refunds, which carry no notification of their own.
    if (gateway === 'mercadopago') results.push(...(await this.syncRefunds(charge.id)));
    return { status: 'processed', result: results.join('; '), match: { chargeId: charge.id, appId: charge.appId } };
  }

  /** A Culqi `refund.*` event: the matching local refunds, each re-fetched and settled by RefundSyncService. */
  private async decideCulqiRefund(resourceId: string, hint: RefundHint | null): Promise<Verdict> {
    const { refunds, charge } = await this.findCulqiRefunds(resourceId, hint);
    if (refunds.length === 0) return { status: 'unmatched', result: `no local refund has culqi id ${resourceId}` };
    const results: string[] = [];
    for (const refund of refunds) {
      const synced = await this.refundSync.sync(refund.id);
      if (synced.outcome === 'unchanged' && synced.reason.startsWith('lookup failed')) throw new GatewayLookupFailed(`${refund.id}: ${synced.reason}`);
      results.push(describeRefund(refund.id, synced));
    }
    const first = refunds[0]!;
    return { status: 'processed', result: results.join('; '), match: { chargeId: charge?.id ?? first.chargeId, appId: first.appId } };
  }

  /**
   * By our refund id from the event's metadata (a primary-key read; only a hint: the hinted refund must
   * not already hold another Culqi refund, and RefundSyncService then searches Culqi by our id, so a
   * false hint changes nothing); else through the charge the event names (`data.chargeId`): its refund
   * with this Culqi id, or else all its pending refunds (a refund whose answer was lost has no Culqi id
   * yet); else, without a charge, by the Culqi refund id alone.
   */
  private async findCulqiRefunds(resourceId: string, hint: RefundHint | null): Promise<{ refunds: Refund[]; charge: Charge | null }> {
    const em = this.em.fork();
    if (isId('refund', hint?.refundId)) {
      const hinted = await em.findOne(Refund, { id: hint.refundId, gateway: 'culqi' });
      if (hinted && (hinted.gatewayRefundId === null || hinted.gatewayRefundId === resourceId)) return { refunds: [hinted], charge: null };
    }
    const gatewayChargeId = hint?.gatewayChargeId ?? null;
    if (gatewayChargeId === null) {
      const byGatewayId = await em.findOne(Refund, { gateway: 'culqi', gatewayRefundId: resourceId });
      return { refunds: byGatewayId ? [byGatewayId] : [], charge: null };
    }
    const charge = await em.findOne(Charge, { gateway: 'culqi', gatewayChargeId }, { orderBy: { createdAt: 'desc' } });
    if (!charge) return { refunds: [], charge: null };
    const known = await em.findOne(Refund, { appId: charge.appId, orderId: charge.orderId, gatewayRefundId: resourceId });
    if (known) return { refunds: [known], charge };
    return { refunds: await em.find(Refund, { chargeId: charge.id, status: 'pending' }, { orderBy: { id: 'asc' } }), charge };
  }

  /** The charge's pending refunds, synced; a lookup that could not be made retries the job. */
  private async syncRefunds(chargeId: string): Promise<string[]> {
    const results: string[] = [];
    const pending = await this.em.fork().find(Refund, { chargeId, status: 'pending' }, { fields: ['id'], orderBy: { id: 'asc' } });
    for (const refund of pending) {
      const synced = await this.refundSync.sync(refund.id);
      if (synced.outcome === 'unchanged' && synced.reason.startsWith('lookup failed')) throw new GatewayLookupFailed(`${refund.id}: ${synced.reason}`);
      results.push(describeRefund(refund.id, synced));
    }
    return results;
  }

  /**
   * By the gateway's id; else (Culqi, after a timeout left our charge without it) by our charge id
   * from the event's metadata — only a hint: ChargeSyncService then searches the gateway by our
   * reference, so a false hint changes nothing.
   */
  private async findCharge(gateway: string, resourceId: string, chargeHint: string | null): Promise<Charge | null> {
    const em = this.em.fork();
    const byGatewayId = await em.findOne(Charge, { gateway, gatewayChargeId: resourceId }, { orderBy: { createdAt: 'desc' } });
    if (byGatewayId || !isId('charge', chargeHint)) return byGatewayId;
    const hinted = await em.findOne(Charge, { id: chargeHint, gateway });
    return hinted && (hinted.gatewayChargeId === null || hinted.gatewayChargeId === resourceId) ? hinted : null;
  }
}

/** The outcome a Culqi charge event announces: `charge.creation.succeeded` → succeeded, `…failed` → failed. */
function culqiOutcome(eventType: string): 'succeeded' | 'failed' | null {
  if (/^charge\.(creation|capture)\.succeeded$/.test(eventType)) return 'succeeded';
  if (/^charge\.creation\.failed$/.test(eventType)) return 'failed';
  return null;
}

function describe(chargeId: string, synced: SyncResult): string {
  switch (synced.outcome) {
    case 'updated':
      return `${chargeId} ${synced.from} → ${synced.status}`;
    case 'unchanged':
      return `${chargeId} unchanged (${synced.status}): ${synced.reason}`;
    case 'discrepancy':
      return `${chargeId} discrepancy: ${synced.detail}`;
  }
}

function describeRefund(refundId: string, synced: RefundSyncResult): string {
  return synced.outcome === 'updated' ? `${refundId} ${synced.from} → ${synced.status}` : `${refundId} unchanged (${synced.status}): ${synced.reason}`;
}
