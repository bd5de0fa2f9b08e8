import { Injectable, type OnModuleInit } from '@nestjs/common';
import { IntervalScheduler } from '../scheduling/interval-scheduler';
import { IdempotencyService } from './idempotency.service';

const EVERY_MS = 10 * 60_000;

/** Deletes Idempotency-Key records past their 24 h retention. */
@Injectable()
export class IdempotencyPurgeJob implements OnModuleInit {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly scheduler: IntervalScheduler,
  ) {}

  onModuleInit(): void {
    this.scheduler.register('idempotency-purge', EVERY_MS, () => this.idempotency.purgeExpired());
  }
}
