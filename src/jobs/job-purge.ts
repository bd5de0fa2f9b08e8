import { Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { JobQueue } from './job-queue';
import { JobStore } from './job-store';
import { RecurringJobs } from './recurring';

export const PURGE_JOB = 'jobs.purge';
const EVERY_MS = 3_600_000;

/** Deletes succeeded jobs older than JOBS_RETENTION, hourly, as a recurring job. Dead letters stay. */
@Injectable()
export class JobPurge implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly queue: JobQueue,
    private readonly recurring: RecurringJobs,
    private readonly store: JobStore,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Jobs');
  }

  onModuleInit(): void {
    this.queue.register(PURGE_JOB, () => this.purge().then(() => undefined));
  }

  onApplicationBootstrap(): void {
    this.recurring.every(PURGE_JOB, EVERY_MS);
  }

  async purge(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.config.jobs.retentionMs);
    const deleted = await this.store.purgeSucceeded(before);
    if (deleted > 0) this.logger.info({ deleted, before: before.toISOString() }, 'old succeeded jobs purged');
    return deleted;
  }
}
