import type { GatewayCall } from '../gateways/http/gateway-call.entity';
import type { Charge } from './charge.entity';

export type ChargeObject = ReturnType<typeof presentCharge>;

/** The public Charge object (never the token). */
export function presentCharge(c: Charge) {
  return {
    id: c.id,
    object: 'charge' as const,
    order_id: c.orderId,
    status: c.status,
    amount: c.amount,
    currency: c.currency,
    gateway: c.gateway,
    gateway_charge_id: c.gatewayChargeId,
    payment_method:
      c.sourceType === 'yape_token'
        ? { type: 'yape', brand: null, last4: null, exp_month: null, exp_year: null }
        : c.cardLast4 || c.cardBrand
          ? { type: 'card', brand: c.cardBrand, last4: c.cardLast4, exp_month: c.cardExpMonth, exp_year: c.cardExpYear }
          : null,
    failure: c.failureCode
      ? { code: c.failureCode, decline_code: c.declineCode, message: c.failureMessage ?? '', gateway_code: c.gatewayCode }
      : null,
    next_action: c.nextAction,
    routing: c.routing,
    processing_ms: c.processingMs,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

export function presentGatewayCall(g: GatewayCall) {
  return {
    operation: g.operation,
    method: g.method,
    path: g.path,
    status: g.httpStatus,
    duration_ms: g.durationMs,
    error_class: g.errorClass,
    request_body: g.requestBody,
    response_body: g.responseBody,
    created_at: g.createdAt.toISOString(),
  };
}
