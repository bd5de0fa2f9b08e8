import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../../metrics/metrics.service';
import { GatewayCircuitBreakers } from './gateway-circuit-breakers';
import type { CircuitView } from './gateway-circuit';

const GAUGE_VALUE: Record<CircuitView, number> = { closed: 0, half_open: 1, open: 2 };

/** `smartpay_gateway_circuit_state{gateway}`: 0 closed, 1 half-open, 2 open; read at scrape time. */
@Injectable()
export class GatewayCircuitMetrics {
  constructor(metrics: MetricsService, breakers: GatewayCircuitBreakers) {
    new Gauge({
      name: 'smartpay_gateway_circuit_state',
      help: 'Circuit breaker state per gateway: 0 closed, 1 half-open (a probe is due or running), 2 open',
      labelNames: ['gateway'] as const,
      registers: [metrics.registry],
      collect() {
        for (const gateway of breakers.configured()) this.set({ gateway }, GAUGE_VALUE[breakers.state(gateway)]);
      },
    });
  }
}
