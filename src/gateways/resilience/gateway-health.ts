import type { GatewayHttpResult } from '../http/gateway-http.client';

/**
 * Whether an exchange shows the GATEWAY is unhealthy, so it counts towards opening its circuit:
 * no answer at all (refused, DNS, TLS, timeout, reset) or a 5xx. A 4xx (a decline, a bad token, a
 * 429) is the gateway working as designed and never counts; neither does a call the circuit refused,
 * nor one that says nothing about the gateway (below).
 */
export function isUnhealthy(result: GatewayHttpResult): boolean {
  if (result.kind === 'error') return result.errorClass !== 'circuit_open' && !saysNothingAboutGateway(result);
  return result.status >= 500;
}

/**
 * A call that gave up waiting for a free connection of SmartPay's own pool was never sent: the wait
 * measured SmartPay's load, not the gateway, so it is neither a failure nor a success of the gateway.
 */
export function saysNothingAboutGateway(result: GatewayHttpResult): boolean {
  return result.kind === 'error' && result.errorClass === 'pool_queue_timeout';
}
