import { randomUUID } from 'node:crypto';
import { asRecord, stringField } from '../json-input';
import type { SimRouter } from '../sim-router';
import type { SimResponse } from '../sim-types';
import type { MpContext } from './mp-context';
import type { PaymentRecord } from './mp-objects';
import { applyOutcome } from './mp-payment-builder';
import { outcomeForCardholder } from './mp-test-cards';

/** Where the front end posts the `creq` (the ACS in the real flow); completing it decides the payment. */
export function challengeUrl(ctx: MpContext, paymentId: number): string {
  return `${ctx.origin()}/3ds/challenges/${paymentId}`;
}

/** Puts a payment on `pending/pending_challenge` with the `three_ds_info` a front end needs (mercadopago.md §7). */
export function startChallenge(ctx: MpContext, record: PaymentRecord): void {
  const creqJson = { threeDSServerTransID: randomUUID(), acsTransID: randomUUID(), messageType: 'CReq', messageVersion: '2.2.0', challengeWindowSize: '04' };
  record.creq = Buffer.from(JSON.stringify(creqJson)).toString('base64url');
  record.challengeDeadline = ctx.now() + ctx.challengeTtlMs;
  applyOutcome(ctx, record, { status: 'pending', status_detail: 'pending_challenge' });
  record.json.three_ds_info = { external_resource_url: challengeUrl(ctx, record.json.id), creq: record.creq };
}

/** Challenges not completed in time end as the bank declines them: cancelled/expired, with a notification. */
export function expireChallenges(ctx: MpContext): void {
  const now = ctx.now();
  for (const record of ctx.store.payments.all()) {
    if (record.json.status_detail === 'pending_challenge' && record.challengeDeadline !== undefined && record.challengeDeadline <= now) {
      applyOutcome(ctx, record, { status: 'cancelled', status_detail: 'expired' });
      ctx.notify(record, 'payment.updated');
    }
  }
}

function page(status: number, title: string, message: string): SimResponse {
  // The iframe tells its parent the challenge is over, as Mercado Pago's does (e.data.status === "COMPLETE").
  const text = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><p>${message}</p><script>try{window.parent.postMessage({status:"COMPLETE"},"*")}catch(e){}</script></body></html>`;
  return { status, text, contentType: 'text/html; charset=utf-8' };
}

export function registerThreeDsRoutes(router: SimRouter, ctx: MpContext): void {
  const complete: Parameters<SimRouter['add']>[2] = (req) => {
    expireChallenges(ctx);
    const record = ctx.store.payments.get(req.params.id ?? '');
    if (!record) return page(404, 'Not found', 'Unknown challenge.');
    if (record.json.status_detail !== 'pending_challenge') return page(409, 'Challenge closed', `This challenge is no longer open (payment ${record.json.status}/${record.json.status_detail}).`);
    const creq = stringField(asRecord(req.body), 'creq') ?? req.query.get('creq') ?? undefined;
    if (creq !== undefined && creq !== record.creq) return page(400, 'Invalid creq', 'The creq does not belong to this challenge.');
    const outcome = record.threeDs === 'challenge_fails' ? { status: 'rejected', status_detail: 'cc_rejected_3ds_challenge' } : outcomeForCardholder(record.cardholderName);
    applyOutcome(ctx, record, outcome);
    ctx.notify(record, 'payment.updated');
    return page(200, 'Challenge complete', outcome.status === 'approved' ? 'Authentication succeeded.' : 'Authentication failed.');
  };
  router.add('POST', '/3ds/challenges/:id', complete);
  router.add('GET', '/3ds/challenges/:id', complete);
}
