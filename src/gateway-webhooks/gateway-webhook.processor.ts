import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Charge } from '../charges/charge.entity';
import { ChargeSyncService, type SyncResult } from '../charges/charge-sync.service';
import { Clock } from '../common/clock';
import { isId } from '../common/ids';
import { GatewayWebhook, type GatewayWebhookStatus } from './gateway-webhook.entity';

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
  charge?: Charge;
}

/**
 * The `gateway_webhook.process` job: finds the local charge a delivery is about and lets
 * ChargeSyncService re-fetch it from the gateway and apply the gateway's truth (whose conditional
 * writes make every effect happen once, and never move a terminal state backwards). The payload
 * itself is never applied. A resource no local charge matches is kept as `unmatched` for
 * reconciliation, not dropped.
 */
@Injectable()
export class GatewayWebhookProcessor {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly chargeSync: ChargeSyncService,
  ) {}

  async process(deliveryId: string, chargeHint: string | null): Promise<void> {
    const em = this.em.fork();
    const delivery = await em.findOne(GatewayWebhook, { id: deliveryId });
    // Already settled by an earlier run of this job (a re-run after a crash or a lost lease).
    if (!delivery || delivery.status !== 'received') return;
    const verdict = await this.decide(delivery, chargeHint);
    await em.nativeUpdate(
      GatewayWebhook,
      { id: delivery.id, status: 'received' },
      {
        status: verdict.status,
        result: verdict.result.slice(0, 500),
        chargeId: verdict.charge?.id ?? null,
        appId: verdict.charge?.appId ?? null,
        processedAt: this.clock.now(),
      },
    );
  }

  private async decide(delivery: GatewayWebhook, chargeHint: string | null): Promise<Verdict> {
    const { gateway, resourceType, resourceId } = delivery;
    if (gateway === 'culqi' && resourceType === 'refund') return { status: 'ignored', result: `refund ${resourceId}: refund events are not processed yet` };
    if (gateway === 'culqi' && resourceType === 'order') return { status: 'unmatched', result: `order ${resourceId}: Culqi orders are not matched to charges yet` };
    const isCharge = (gateway === 'culqi' && resourceType === 'charge') || (gateway === 'mercadopago' && resourceType === 'payment');
    if (!isCharge || resourceId === '') return { status: 'ignored', result: `${resourceType} events are not processed` };

    const charge = await this.findCharge(gateway, resourceId, chargeHint);
    // Mercado Pago's lookup does not give back external_reference, so a payment whose id we never
    // recorded (the answer to our POST was lost) waits for reconciliation, which searches by reference.
    if (!charge) return { status: 'unmatched', result: `no local charge has ${gateway} id ${resourceId}` };

    // Applying now is safe even while our own request still waits for its answer: the charges service
    // commits its outcome only over a `pending` charge, so it never overwrites what this sync settles.
    const synced = await this.chargeSync.sync(charge.id);
    if (synced.outcome === 'unchanged' && synced.reason.startsWith('lookup failed')) throw new GatewayLookupFailed(`${charge.id}: ${synced.reason}`);
    return { status: 'processed', result: describe(charge.id, synced), charge };
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
