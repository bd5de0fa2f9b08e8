import type { AppConfig } from '../config/app-config';
import { CulqiGateway } from '../gateways/culqi/culqi.gateway';
import { endpointsFromConfig, endpointsFromSandbox, type GatewayEndpoints } from '../gateways/gateway-endpoints';
import { GatewayRegistry } from '../gateways/gateway-registry';
import { GatewayHttpClient } from '../gateways/http/gateway-http.client';
import { MercadoPagoGateway } from '../gateways/mercadopago/mercadopago.gateway';
import { CliError } from './cli-error';

/**
 * The gateway adapters for commands that read the gateways (the reconciliation report): live
 * credentials, or a standalone sandbox (SMARTPAY_SANDBOX_URL). In-process simulators live inside a
 * running server, out of the CLI's reach.
 */
export async function cliGatewayRegistry(config: AppConfig): Promise<GatewayRegistry> {
  let endpoints: GatewayEndpoints;
  if (!config.sandbox.enabled) {
    endpoints = endpointsFromConfig(config);
  } else if (config.sandbox.externalUrl) {
    const response = await fetch(config.sandbox.externalUrl, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
    if (!response?.ok) throw new CliError(`SMARTPAY_SANDBOX_URL ${config.sandbox.externalUrl} does not answer`);
    endpoints = endpointsFromSandbox((await response.json()) as Parameters<typeof endpointsFromSandbox>[0], config.gatewayTimeoutMs);
  } else {
    throw new CliError(
      'in sandbox mode the simulators run inside the server: use GET /v1/reconciliation/report, or run a standalone sandbox (npm run sandbox) and set SMARTPAY_SANDBOX_URL',
    );
  }
  const http = new GatewayHttpClient();
  const registry = new GatewayRegistry();
  if (endpoints.culqi) registry.register(new CulqiGateway(endpoints.culqi, http));
  if (endpoints.mercadopago) registry.register(new MercadoPagoGateway(endpoints.mercadopago, http));
  if (registry.ids().length === 0) throw new CliError('no gateway is configured');
  return registry;
}
