import type { GatewayHttpResult } from '../http/gateway-http.client';

/**
 * Whether an exchange shows the GATEWAY is unhealthy, so it counts towards opening its circuit:
 * no answer at all (refused, DNS, TLS, timeout, reset) or a 5xx. A 4xx (a decline, a bad token, a
 * 429) is the gateway working as designed and never counts; neither does a call the circuit refused.
 */
export function isUnhealthy(result: GatewayHttpResult): boolean {
  if (result.kind === 'error') return result.errorClass !== 'circuit_open';
  return result.status >= 500;
}
