import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import type { Charge } from './charge.entity';

/**
 * `smartpay_charge_outcomes_total{gateway, status}`: charge outcomes this instance committed (`succeeded`,
 * `failed`, `requires_action`, or `pending` when the gateway left it open), counted after the commit — by the
 * payment request, a gateway webhook or reconciliation, whichever settled it. Per instance: sum over instances;
 * the reports API counts from the records themselves.
 */
@Injectable()
export class ChargeOutcomeMetrics {
  private readonly outcomes: Counter<'gateway' | 'status'>;

  constructor(metrics: MetricsService) {
    this.outcomes = new Counter({
      name: 'smartpay_charge_outcomes_total',
      help: 'Charge outcomes committed by this instance, by gateway and charge status',
      labelNames: ['gateway', 'status'] as const,
      registers: [metrics.registry],
    });
  }

  committed(charge: Pick<Charge, 'gateway' | 'status'>): void {
    this.outcomes.inc({ gateway: charge.gateway, status: charge.status });
  }
}
