import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { JobStore } from './job-store';

/** How one execution ended: `released` = handed back untried at shutdown; `lease_lost` = another worker had taken it over. */
export type JobOutcome = 'succeeded' | 'retried' | 'dead' | 'released' | 'lease_lost';

/**
 * `smartpay_jobs{status}`: the backlog (queued), jobs in flight (running) and dead letters of the
 * whole queue (every instance), counted with one grouped COUNT when /metrics is scraped.
 * `smartpay_job_executions_total{type,outcome}`: what this instance's worker did.
 */
@Injectable()
export class JobMetrics {
  private readonly executions: Counter<'type' | 'outcome'>;

  constructor(metrics: MetricsService, store: JobStore, logger: PinoLogger) {
    logger.setContext('Jobs');
    this.executions = new Counter({
      name: 'smartpay_job_executions_total',
      help: 'Job executions on this instance by job type and outcome (succeeded, retried, dead, released, lease_lost)',
      labelNames: ['type', 'outcome'] as const,
      registers: [metrics.registry],
    });
    const gauge: Gauge<'status'> = new Gauge({
      name: 'smartpay_jobs',
      help: 'Jobs in the durable queue by status: queued (backlog, including scheduled retries), running, dead (dead letters)',
      labelNames: ['status'] as const,
      registers: [metrics.registry],
      async collect() {
        try {
          const counts = await store.countByStatus();
          for (const [status, n] of Object.entries(counts)) gauge.set({ status }, n);
        } catch (err) {
          // A scrape must still answer when the database does not: the last values stay.
          logger.warn({ err }, 'counting jobs for /metrics failed');
        }
      },
    });
  }

  executed(type: string, outcome: JobOutcome): void {
    this.executions.inc({ type, outcome });
  }
}
