import { Global, Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { JobMetrics } from './job-metrics';
import { JobPurge } from './job-purge';
import { JobQueue } from './job-queue';
import { JobStore } from './job-store';
import { JobWorker } from './job-worker';
import { RecurringJobs } from './recurring';

/**
 * The durable job queue (outbox): producers enqueue in their own transactions (JobQueue), register
 * handlers in onModuleInit, and schedule recurring jobs (RecurringJobs); the worker runs them.
 */
@Global()
@Module({
  imports: [MetricsModule],
  providers: [JobQueue, JobStore, JobWorker, JobMetrics, RecurringJobs, JobPurge],
  exports: [JobQueue, JobStore, JobWorker, RecurringJobs],
})
export class JobsModule {}
