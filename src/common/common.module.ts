import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';
import { ConsoleOutput } from './console-output';
import { SecretBox } from './crypto/secret-box';
import { RouteTable } from './http/route-table';
import { IdempotencyService } from './idempotency/idempotency.service';
import { IdempotencyPurgeJob } from './idempotency/idempotency-purge.job';
import { IntervalScheduler } from './scheduling/interval-scheduler';

/** Cross-cutting services every capability may inject. */
@Global()
@Module({
  providers: [Clock, ConsoleOutput, RouteTable, IdempotencyService, IdempotencyPurgeJob, IntervalScheduler, SecretBox],
  exports: [Clock, ConsoleOutput, RouteTable, IdempotencyService, IntervalScheduler, SecretBox],
})
export class CommonModule {}
