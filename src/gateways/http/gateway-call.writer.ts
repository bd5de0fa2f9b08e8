import type { EntityManager } from '@mikro-orm/core';
import { newId } from '../../common/ids';
import type { CallContext } from '../payment-gateway.port';
import { GatewayCall } from './gateway-call.entity';

/** Persists the call records a CallContext collected, inside the caller's transaction. */
export async function persistCalls(em: EntityManager, ctx: CallContext): Promise<void> {
  if (ctx.calls.length === 0) return;
  const rows = ctx.calls.map((c) => ({
    id: newId('gatewayCall'),
    appId: ctx.appId,
    gateway: c.gateway,
    operation: c.operation,
    method: c.method,
    path: c.path.slice(0, 500),
    httpStatus: c.httpStatus,
    durationMs: c.durationMs,
    errorClass: c.errorClass as GatewayCall['errorClass'],
    requestBody: c.requestBody,
    responseBody: c.responseBody,
    chargeId: ctx.chargeId ?? null,
    refundId: ctx.refundId ?? null,
    paymentMethodId: ctx.paymentMethodId ?? null,
    createdAt: c.at,
  }));
  await em.insertMany(GatewayCall, rows);
  ctx.calls.length = 0;
}
