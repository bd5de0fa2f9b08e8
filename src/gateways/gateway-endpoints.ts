import type { AppConfig } from '../config/app-config';
import type { CulqiSettings } from './culqi/culqi.settings';
import type { MercadoPagoSettings } from './mercadopago/mercadopago.settings';

/** Injection token: where each gateway is and with which credentials (live configuration or the sandbox). */
export const GATEWAY_ENDPOINTS = Symbol('GATEWAY_ENDPOINTS');

export interface GatewayEndpoints {
  culqi: CulqiSettings | null;
  mercadopago: MercadoPagoSettings | null;
}

/** The gateways whose credentials are configured (CULQI_*, MERCADOPAGO_*). */
export function endpointsFromConfig(config: AppConfig): GatewayEndpoints {
  const { culqi, mercadopago } = config;
  return {
    culqi:
      culqi.secretKey && culqi.publicKey
        ? { apiUrl: culqi.apiUrl, secureUrl: culqi.secureUrl, secretKey: culqi.secretKey, publicKey: culqi.publicKey, timeoutMs: config.gatewayTimeoutMs }
        : null,
    mercadopago:
      mercadopago.accessToken && mercadopago.publicKey
        ? {
            apiUrl: mercadopago.apiUrl,
            accessToken: mercadopago.accessToken,
            publicKey: mercadopago.publicKey,
            webhookSecret: mercadopago.webhookSecret,
            timeoutMs: config.gatewayTimeoutMs,
          }
        : null,
  };
}

/** The endpoints of a sandbox (GET /v1/sandbox description), in-process or standalone. */
export function endpointsFromSandbox(
  description: {
    culqi: { base_url: string; secure_url: string; public_key: string; secret_key: string };
    mercadopago: { base_url: string; public_key: string; access_token: string; webhook_secret: string };
  },
  timeoutMs: number,
): GatewayEndpoints {
  return {
    culqi: {
      apiUrl: description.culqi.base_url,
      secureUrl: description.culqi.secure_url,
      publicKey: description.culqi.public_key,
      secretKey: description.culqi.secret_key,
      timeoutMs,
    },
    mercadopago: {
      apiUrl: description.mercadopago.base_url,
      publicKey: description.mercadopago.public_key,
      accessToken: description.mercadopago.access_token,
      webhookSecret: description.mercadopago.webhook_secret,
      timeoutMs,
    },
  };
}
