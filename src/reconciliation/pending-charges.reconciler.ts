import { EntityManager } from '@mikro-orm/core';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Charge } from '../charges/charge.entity';
import { ChargeSyncService } from '../charges/charge-sync.service';
import { Clock } from '../common/clock';
import { IntervalScheduler } from '../common/scheduling/interval-scheduler';
import { AppConfig } from '../config/app-config';
import { JobQueue } from '../jobs/job-queue';
import { Refund } from '../refunds/refund.entity';
import { RefundSyncService } from '../refunds/refund-sync.service';
import { ReconciliationRun } from './reconciliation-run.entity';

export const RECONCILE_CHARGE_JOB = 'reconciliation.charge';
export const RECONCILE_REFUND_JOB = 'reconciliation.refund';
export const RECONCILE_RUN_JOB = 'reconciliation.run';
const BATCH = 200;

/**
 * Resolves charges left `pending` (timeouts, crashes, asynchronous methods) or `requires_action`
 * (abandoned challenges), and refunds left `pending`, from the gateway's truth, on the RECONCILE_SCHEDULE
 * (1m, 5m, 1h, then daily). Every instance ticks; each due charge or refund becomes one durable job per
 * lookup attempt (the dedupe key holds the attempt number), so several instances never look the same one
 * up twice for the same step.
 */
@Injectable()
export class PendingChargesReconciler implements OnModuleInit {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly scheduler: IntervalScheduler,
    private readonly jobs: JobQueue,
    private readonly sync: ChargeSyncService,
    private readonly refundSync: RefundSyncService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(RECONCILE_CHARGE_JOB, async (payload) => {
      await this.sync.sync(String(payload.chargeId));
    });
    this.jobs.register(RECONCILE_REFUND_JOB, async (payload) => {
      await this.refundSync.sync(String(payload.refundId));
    });
    this.jobs.register(RECONCILE_RUN_JOB, async (payload) => {
      await this.run(String(payload.runId));
    });
    this.scheduler.register('reconciliation-tick', this.config.reconcileTickMs, () => this.enqueueDue());
  }

  /** Enqueues a lookup job for every charge and refund whose next lookup is due; returns how many were new. */
  async enqueueDue(): Promise<number> {
    const em = this.em.fork();
    const now = this.clock.now();
    const due = await em.find(
      Charge,
      { status: { $in: ['pending', 'requires_action'] }, nextReconcileAt: { $lte: now } },
      { fields: ['id', 'appId', 'reconcileAttempts'], orderBy: { nextReconcileAt: 'asc' }, limit: BATCH },
    );
    let added = 0;
    for (const charge of due) {
      const fresh = await this.jobs.enqueue(em, RECONCILE_CHARGE_JOB, { chargeId: charge.id }, {
        dedupeKey: `reconcile:${charge.id}:${charge.reconcileAttempts}`,
        appId: charge.appId,
        maxAttempts: 5,
      });
      if (fresh) added++;
    }
    const dueRefunds = await em.find(
      Refund,
      { status: 'pending', nextReconcileAt: { $lte: now } },
      { fields: ['id', 'appId', 'reconcileAttempts'], orderBy: { nextReconcileAt: 'asc' }, limit: BATCH },
    );
    for (const refund of dueRefunds) {
      const fresh = await this.jobs.enqueue(em, RECONCILE_REFUND_JOB, { refundId: refund.id }, {
        dedupeKey: `reconcile:${refund.id}:${refund.reconcileAttempts}`,
        appId: refund.appId,
        maxAttempts: 5,
      });
      if (fresh) added++;
    }
    return added;
  }

  /**
   * A run: every pending or requires_action charge and every pending refund of the app (or of all apps),
   * looked up now. Refunds count into the same `checked` / `updated` totals (the run has no columns of
   * its own for them).
   */
  async run(runId: string): Promise<void> {
    const em = this.em.fork();
    const claimed = await em.nativeUpdate(ReconciliationRun, { id: runId, status: 'queued' }, { status: 'running' });
    if (claimed !== 1) return;
    const run = await em.findOneOrFail(ReconciliationRun, { id: runId });
    try {
      const charges = await em.find(
        Charge,
        { status: { $in: ['pending', 'requires_action'] }, ...(run.appId ? { appId: run.appId } : {}) },
        { fields: ['id'], orderBy: { id: 'asc' } },
      );
      let updated = 0;
      const discrepancies: string[] = [];
      for (const charge of charges) {
        const result = await this.sync.sync(charge.id);
        if (result.outcome === 'updated') updated++;
        if (result.outcome === 'discrepancy') discrepancies.push(result.detail);
      }
      const refunds = await em.find(Refund, { status: 'pending', ...(run.appId ? { appId: run.appId } : {}) }, { fields: ['id'], orderBy: { id: 'asc' } });
      for (const refund of refunds) {
        if ((await this.refundSync.sync(refund.id)).outcome === 'updated') updated++;
      }
      await em.nativeUpdate(
        ReconciliationRun,
        { id: runId },
        { status: 'completed', checked: charges.length + refunds.length, updated, discrepancies, finishedAt: this.clock.now() },
      );
    } catch (err) {
      await em.nativeUpdate(ReconciliationRun, { id: runId }, { status: 'failed', error: String((err as Error).message).slice(0, 500), finishedAt: this.clock.now() });
      throw err;
    }
  }
}
