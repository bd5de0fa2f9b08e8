import { type DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { CulqiGateway } from './culqi/culqi.gateway';
import { endpointsFromConfig, GATEWAY_ENDPOINTS, type GatewayEndpoints } from './gateway-endpoints';
import { GatewayRegistry } from './gateway-registry';
import { GatewayCallMetrics } from './http/gateway-call.metrics';
import { GatewayCallWriter } from './http/gateway-call.writer';
import { GatewayHttpClient } from './http/gateway-http.client';
import { MercadoPagoGateway } from './mercadopago/mercadopago.gateway';
import { MetricsModule } from '../metrics/metrics.module';
import { GatewayCircuitBreakers } from './resilience/gateway-circuit-breakers';
import { GatewayCircuitMetrics } from './resilience/gateway-circuit.metrics';
import { RoutingController } from './routing.controller';
import { RoutingService } from './routing.service';

/**
 * The gateway adapters behind the PaymentGateway port, routing, and the HTTP client that logs every
 * exchange. The endpoints come from the live configuration, or from `sandbox` (the sandbox module,
 * which provides GATEWAY_ENDPOINTS) in sandbox mode. One circuit breaker per configured gateway sits
 * in the HTTP client; routing skips gateways whose circuit is open (GET /v1/routing).
 */
@Global()
@Module({})
export class GatewaysModule {
  static forRoot(sandbox: DynamicModule | null): DynamicModule {
    return {
      module: GatewaysModule,
      imports: [MetricsModule, ...(sandbox ? [sandbox] : [])],
      controllers: [RoutingController],
      providers: [
        ...(sandbox ? [] : [{ provide: GATEWAY_ENDPOINTS, inject: [AppConfig], useFactory: endpointsFromConfig }]),
        {
          provide: GatewayCircuitBreakers,
          inject: [AppConfig, GATEWAY_ENDPOINTS],
          useFactory: (config: AppConfig, e: GatewayEndpoints) =>
            new GatewayCircuitBreakers(config.circuitBreaker, (['culqi', 'mercadopago'] as const).filter((g) => e[g] !== null)),
        },
        GatewayCircuitMetrics,
        GatewayCallMetrics,
        GatewayHttpClient,
        GatewayCallWriter,
        RoutingService,
        {
          provide: GatewayRegistry,
          inject: [GATEWAY_ENDPOINTS, GatewayHttpClient],
          useFactory: (e: GatewayEndpoints, http: GatewayHttpClient) => {
            const registry = new GatewayRegistry();
            if (e.culqi) registry.register(new CulqiGateway(e.culqi, http));
            if (e.mercadopago) registry.register(new MercadoPagoGateway(e.mercadopago, http));
            return registry;
          },
        },
      ],
      exports: [GatewayRegistry, RoutingService, GatewayHttpClient, GatewayCallWriter, GatewayCircuitBreakers],
    };
  }
}
