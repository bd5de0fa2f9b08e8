import { Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { SqlRunner } from '../database/sql-runner';
import type { SqlValue } from '../database/sql-session';
import { GatewayCircuitBreakers } from '../gateways/resilience/gateway-circuit-breakers';
import { JobQueue } from '../jobs/job-queue';
import { RecurringJobs } from '../jobs/recurring';
import { circuitOpenAlert, deadJobsAlert, emailBouncesAlert, endpointDisabledAlert, type AlertRule, type AlertSpec, successRateAlert } from './alert-rules';
import { AlertsService } from './alerts.service';

export const EVALUATE_ALERTS_JOB = 'alerts.evaluate';

/**
 * The alert rules of the configuration (ALERT_*), checked on a schedule by one instance per period (a
 * recurring job): each rule computes the set of conditions that hold now, raises the new ones and
 * clears the episodes whose condition is gone. Gateway circuits are the exception: breakers live in
 * each instance's memory, so an instance raises the alert when its breaker opens and clears it when a
 * probe closes it. The rules read the tables they judge (charges, jobs, endpoints, e-mails); they never
 * write them.
 */
@Injectable()
export class AlertEvaluator implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly sql: SqlRunner,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly alerts: AlertsService,
    private readonly jobs: JobQueue,
    private readonly recurring: RecurringJobs,
    private readonly breakers: GatewayCircuitBreakers,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Alerts');
  }

  onModuleInit(): void {
    this.jobs.register(EVALUATE_ALERTS_JOB, () => this.evaluate());
    if (this.config.alerts.circuitOpen) {
      this.breakers.onStateChange((gateway, state) => {
        const spec = circuitOpenAlert(gateway);
        const done = state === 'open' ? this.alerts.raise(spec) : this.alerts.clear(spec.key);
        done.catch((err: unknown) => this.logger.error({ err, gateway, state }, 'recording a circuit alert failed'));
      });
    }
  }

  onApplicationBootstrap(): void {
    this.recurring.every(EVALUATE_ALERTS_JOB, this.config.alerts.evaluationIntervalMs);
  }

  async evaluate(): Promise<void> {
    const { successRate, deadJobs, emailBounces, endpointDisabled } = this.config.alerts;
    if (successRate.belowPercent > 0) await this.apply('success_rate', await this.lowSuccessRates());
    if (deadJobs > 0) await this.apply('dead_jobs', await this.deadJobs());
    if (endpointDisabled) await this.apply('webhook_endpoint_disabled', await this.disabledEndpoints());
    if (emailBounces.threshold > 0) await this.apply('email_bounces', await this.bounces());
  }

  /** Raises what holds and is not open yet (raise is a no-op then), clears open episodes that no longer hold. */
  private async apply(rule: AlertRule, holding: AlertSpec[]): Promise<void> {
    const keys = new Set(holding.map((s) => s.key));
    for (const spec of holding) await this.alerts.raise(spec);
    for (const key of await this.alerts.openKeys(rule)) if (!keys.has(key)) await this.alerts.clear(key);
  }

  private async lowSuccessRates(): Promise<AlertSpec[]> {
    const { belowPercent, windowMs, minAttempts } = this.config.alerts.successRate;
    const since = new Date(this.clock.now().getTime() - windowMs);
    const rows = await this.query<{ app_id: string; attempts: number | string; succeeded: number | string }>(
      "select app_id, count(*) as attempts, sum(case when status = 'succeeded' then 1 else 0 end) as succeeded from charges where attempted_at >= ? and status in ('succeeded', 'failed') group by app_id",
      [since],
    );
    return rows
      .map((r) => ({ appId: r.app_id, attempts: Number(r.attempts), succeeded: Number(r.succeeded) }))
      .filter((r) => r.attempts >= minAttempts && (r.succeeded / r.attempts) * 100 < belowPercent)
      .map((r) => successRateAlert(r.appId, { ...r, windowMs, belowPercent }));
  }

  private async deadJobs(): Promise<AlertSpec[]> {
    const [row] = await this.query<{ n: number | string }>("select count(*) as n from jobs where status = 'dead'", []);
    const dead = Number(row?.n ?? 0);
    return dead >= this.config.alerts.deadJobs ? [deadJobsAlert(dead, this.config.alerts.deadJobs)] : [];
  }

  /** Endpoints SmartPay disabled after an exhausted schedule (not those an app paused itself). */
  private async disabledEndpoints(): Promise<AlertSpec[]> {
    const rows = await this.query<{ id: string; app_id: string; url: string; disabled_reason: string | null }>(
      "select id, app_id, url, disabled_reason from webhook_endpoints where status = 'disabled' and deleted_at is null and disabled_reason like 'disabled after %'",
      [],
    );
    return rows.map((r) => endpointDisabledAlert({ appId: r.app_id, id: r.id, url: r.url, reason: r.disabled_reason }));
  }

  /** Hard bounces, spam complaints and sends refused as inactive, per app, within the window. */
  private async bounces(): Promise<AlertSpec[]> {
    const { threshold, windowMs } = this.config.alerts.emailBounces;
    const since = new Date(this.clock.now().getTime() - windowMs);
    const rows = await this.query<{ app_id: string; n: number | string }>(
      "select app_id, count(*) as n from email_messages where app_id is not null and ((bounced_at >= ? and bounce_type = 'HardBounce') or complained_at >= ? or (status = 'suppressed' and updated_at >= ?)) group by app_id",
      [since, since, since],
    );
    return rows.filter((r) => Number(r.n) >= threshold).map((r) => emailBouncesAlert(r.app_id, { bounces: Number(r.n), windowMs, threshold }));
  }

  private query<T extends object>(sql: string, params: SqlValue[]): Promise<T[]> {
    return this.sql.all<T>(sql, params);
  }
}
