import { Injectable } from '@nestjs/common';
import { AppConfig, type GatewayId } from '../config/app-config';
import type { Currency } from '../common/money';
import { GatewayRegistry } from './gateway-registry';
import { GatewayCircuitBreakers } from './resilience/gateway-circuit-breakers';

export type SourceType = 'card_token' | 'yape_token' | 'payment_method';

/** `priority`: the configured order; `health`: the first-priority gateway was skipped because its circuit is open. */
export type RoutingReason = 'priority' | 'health';

export interface RoutingDecision {
  gateway: GatewayId;
  /** The other gateways to use now, in order (open circuits left out, unless every one is open). */
  fallbacks: GatewayId[];
  reason: RoutingReason;
}

/**
 * Which gateway a payment should go to: the configured priority lists (ROUTING_CARD_PEN,
 * ROUTING_CARD_USD; Yape exists only at Culqi; Mercado Pago Peru charges only in PEN), limited to
 * configured gateways, minus those whose circuit breaker is open (design.md invariant 3).
 */
@Injectable()
export class RoutingService {
  constructor(
    private readonly config: AppConfig,
    private readonly registry: GatewayRegistry,
    private readonly breakers: GatewayCircuitBreakers,
  ) {}

  /** The rules alone, ignoring health. `accept` narrows it (e.g. to the gateways that hold a saved card). */
  priority(currency: Currency, source: SourceType = 'card_token', accept: (g: GatewayId) => boolean = () => true): GatewayId[] {
    let list: GatewayId[];
    if (source === 'yape_token') list = currency === 'PEN' ? ['culqi'] : [];
    else list = (currency === 'PEN' ? this.config.routing.cardPEN : this.config.routing.cardUSD).filter((g) => currency === 'PEN' || g !== 'mercadopago');
    return list.filter((g) => this.registry.has(g) && accept(g));
  }

  /**
   * The gateways to use now, in priority order, skipping open circuits (and one whose half-open probe
   * is in flight, since it refuses other calls meanwhile). When every one is open the
   * priority list is returned unchanged, so a request still goes somewhere and fails clearly
   * (gateway_unavailable, nothing sent) instead of finding no gateway at all.
   */
  candidates(currency: Currency, source: SourceType = 'card_token', accept?: (g: GatewayId) => boolean): GatewayId[] {
    const priority = this.priority(currency, source, accept);
    const healthy = priority.filter((g) => !this.breakers.refusesCalls(g));
    return healthy.length > 0 ? healthy : priority;
  }

  /** Where to go now and why; null when no configured gateway takes this source in this currency. */
  decide(currency: Currency, source: SourceType = 'card_token', accept?: (g: GatewayId) => boolean): RoutingDecision | null {
    const priority = this.priority(currency, source, accept);
    const [gateway, ...fallbacks] = this.candidates(currency, source, accept);
    if (gateway === undefined) return null;
    return { gateway, fallbacks, reason: gateway === priority[0] ? 'priority' : 'health' };
  }

  suggest(currency: Currency, source: SourceType = 'card_token'): GatewayId | null {
    return this.decide(currency, source)?.gateway ?? null;
  }
}
