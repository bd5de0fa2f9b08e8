import { Injectable } from '@nestjs/common';
import { newId } from '../../common/ids';
import { EntityRows } from '../../database/entity-rows';
import type { SqlSession } from '../../database/sql-session';
import type { CallContext } from '../payment-gateway.port';
import { GatewayCall } from './gateway-call.entity';

/** Persists the call records a CallContext collected, inside the caller's transaction. */
@Injectable()
export class GatewayCallWriter {
  constructor(private readonly rows: EntityRows) {}

  async persist(s: SqlSession, ctx: CallContext): Promise<void> {
    const rows = ctx.calls.map(
      (c): GatewayCall => ({
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
      }),
    );
    // One statement for all of them: a reconciliation lookup can collect twenty listing calls.
    await this.rows.insertMany(s, GatewayCall, rows);
    ctx.calls.length = 0;
  }
}
