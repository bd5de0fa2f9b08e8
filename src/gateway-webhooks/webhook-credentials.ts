import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { GATEWAY_ENDPOINTS, type GatewayEndpoints } from '../gateways/gateway-endpoints';

/**
 * How far a Mercado Pago `ts` may be from our clock, either way. Every attempt is signed afresh, so a
 * genuine delivery is seconds old; five minutes absorbs clock skew and slow retries, while a captured
 * request replayed later is refused.
 */
export const MP_SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/**
 * The secrets the inbox verifies with. The Mercado Pago secret comes from the gateway endpoints
 * (MERCADOPAGO_WEBHOOK_SECRET live, the simulator's own in sandbox mode); Culqi's Basic credentials
 * from CULQI_WEBHOOK_USER / CULQI_WEBHOOK_PASSWORD.
 */
@Injectable()
export class WebhookCredentials {
  private endpoints: GatewayEndpoints | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Undefined when none is configured: deliveries are then stored unverified and only re-fetched. */
  mercadoPagoSecret(): string | undefined {
    // Resolved on first use: the sandbox provides the endpoints asynchronously, in another module.
    this.endpoints ??= this.moduleRef.get<GatewayEndpoints>(GATEWAY_ENDPOINTS, { strict: false });
    return this.endpoints.mercadopago?.webhookSecret || undefined;
  }

  /** Null when Culqi Basic auth is not configured (its panel makes it optional). */
  culqiBasic(): { user: string; password: string } | null {
    const { webhookUser, webhookPassword } = this.config.culqi;
    return webhookUser ? { user: webhookUser, password: webhookPassword ?? '' } : null;
  }
}
