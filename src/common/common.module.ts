import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';
import { ConsoleOutput } from './console-output';
import { SecretBox } from './crypto/secret-box';
import { RouteTable } from './http/route-table';
import { IdempotencyGate } from './idempotency/idempotency-gate';
import { IdempotencyService } from './idempotency/idempotency.service';
import { IdempotencyPurgeJob } from './idempotency/idempotency-purge.job';
import { RateLimits } from './rate-limit/rate-limits';
import { IntervalScheduler } from './scheduling/interval-scheduler';

/** Cross-cutting services every capability may inject. */
@Global()
@Module({
  providers: [Clock, ConsoleOutput, RouteTable, IdempotencyService, IdempotencyGate, IdempotencyPurgeJob, IntervalScheduler, SecretBox, RateLimits],
  exports: [Clock, ConsoleOutput, RouteTable, IdempotencyService, IdempotencyGate, IntervalScheduler, SecretBox, RateLimits],
})
export class CommonModule {}
