import { Injectable } from '@nestjs/common';
import { Histogram } from 'prom-client';
import { MetricsService } from '../../metrics/metrics.service';

/**
 * `smartpay_gateway_request_duration_seconds{gateway, operation, result}`: every exchange with a gateway as the
 * caller waited for it (pool queue included), by how it ended — `ok`, `http_4xx`, `http_5xx`, or the error class
 * (`timeout`, `connect`, `circuit_open`, …). Per instance, like every Prometheus metric: sum over instances.
 */
@Injectable()
export class GatewayCallMetrics {
  private readonly duration: Histogram<'gateway' | 'operation' | 'result'>;

  constructor(metrics: MetricsService) {
    this.duration = new Histogram({
      name: 'smartpay_gateway_request_duration_seconds',
      help: 'Gateway HTTP exchanges by gateway, operation and result (ok, http_4xx, http_5xx or the error class), as long as the caller waited',
      labelNames: ['gateway', 'operation', 'result'] as const,
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metrics.registry],
    });
  }

  observe(gateway: string, operation: string, result: string, durationMs: number): void {
    this.duration.observe({ gateway, operation, result }, durationMs / 1000);
  }
}
