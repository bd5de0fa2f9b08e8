import { Injectable } from '@nestjs/common';
import { AppConfig, type GatewayId } from '../config/app-config';
import type { Currency } from '../common/money';

export type SourceType = 'card_token' | 'yape_token' | 'payment_method';

/**
 * Which gateway a payment should go to, from the configured priority lists (ROUTING_CARD_PEN,
 * ROUTING_CARD_USD). Yape exists only at Culqi; Mercado Pago Peru charges only in PEN.
 */
@Injectable()
export class RoutingService {
  constructor(private readonly config: AppConfig) {}

  candidates(currency: Currency, source: SourceType = 'card_token'): GatewayId[] {
    if (source === 'yape_token') return currency === 'PEN' ? ['culqi'] : [];
    const list = currency === 'PEN' ? this.config.routing.cardPEN : this.config.routing.cardUSD;
    return currency === 'USD' ? list.filter((g) => g !== 'mercadopago') : list;
  }

  suggest(currency: Currency, source: SourceType = 'card_token'): GatewayId | null {
    return this.candidates(currency, source)[0] ?? null;
  }
}
