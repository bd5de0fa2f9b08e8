import { asRecord, integerField, stringField } from '../json-input';
import type { SimRouter } from '../sim-router';
import { isDeclined } from './culqi-charge-builder';
import { culqiId, isResponse, readMetadata, type CulqiContext } from './culqi-context';
import { refundEventData } from './culqi-event-data';
import { listPage } from './culqi-list';
import type { CulqiRefund } from './culqi-objects';

/**
 * The reason enum and the text the API echoes. solicitud_comprador's text is recorded; the other two were never
 * seen (culqi.md §4.4) and are written in the same style.
 */
export const REFUND_REASONS: Record<string, string> = {
  solicitud_comprador: 'Devolución solicitada por el comercio',
  duplicado: 'Devolución por cargo duplicado',
  fraudulento: 'Devolución por cargo fraudulento',
};

export function registerRefundRoutes(router: SimRouter, ctx: CulqiContext): void {
  router.add('POST', '/v2/refunds', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const body = asRecord(req.body);
    if (!body) return ctx.errors.invalidRequest();
    const amount = integerField(body, 'amount');
    if (amount === undefined || amount <= 0) return ctx.errors.parameter('amount', "El campo 'amount' debe ser un entero positivo en céntimos.");
    const reason = stringField(body, 'reason');
    if (!reason || !(reason in REFUND_REASONS)) {
      return ctx.errors.parameter('reason', "El campo 'reason' debe ser duplicado, fraudulento o solicitud_comprador.");
    }
    const chargeId = stringField(body, 'charge_id') ?? '';
    const charge = ctx.store.charges.get(chargeId);
    if (!charge) return ctx.errors.parameter('charge_id', `El cargo ${chargeId} no existe.`);
    if (isDeclined(charge)) return ctx.errors.parameter('charge_id', `El cargo ${chargeId} fue denegado; no hay nada que devolver.`);
    if (amount > charge.current_amount) {
      return ctx.errors.parameter('amount', `El monto a devolver (${amount}) excede el monto disponible del cargo (${charge.current_amount}).`);
    }
    const metadata = readMetadata(ctx, body);
    if (isResponse(metadata)) return metadata;
    const refund: CulqiRefund = {
      object: 'refund',
      id: culqiId('ref'),
      charge_id: charge.id,
      creation_date: ctx.now(),
      amount,
      reason: REFUND_REASONS[reason] ?? reason,
      metadata,
    };
    ctx.store.refunds.add(refund);
    charge.amount_refunded += amount;
    charge.current_amount = charge.amount - charge.amount_refunded;
    ctx.emit('refund.creation.succeeded', refundEventData(refund));
    return { status: 201, body: structuredClone(refund) };
  });

  router.add('GET', '/v2/refunds/:id', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const refund = ctx.store.refunds.get(req.params.id ?? '');
    return refund ? { status: 200, body: structuredClone(refund) } : ctx.errors.notFound('la devolución', req.params.id ?? '');
  });

  router.add('GET', '/v2/refunds', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const chargeId = req.query.get('charge_id');
    const refunds = ctx.store.refunds.newestFirst().filter((r) => chargeId === null || r.charge_id === chargeId);
    return listPage(ctx, req, 'refunds', refunds, (r) => r.creation_date, (r) => structuredClone(r));
  });
}
