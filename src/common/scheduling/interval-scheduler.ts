import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';

interface Task {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/**
 * Runs periodic maintenance in this process (order expiry, idempotency-key purge). Each task is
 * idempotent and guarded by conditional updates, so several instances running it is harmless.
 * A task never overlaps itself; errors are logged and the next tick tries again.
 */
@Injectable()
export class IntervalScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly tasks: Task[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private started = false;

  constructor(private readonly logger: PinoLogger) {
    this.logger.setContext('Scheduler');
  }

  register(name: string, everyMs: number, run: () => Promise<unknown>): void {
    this.tasks.push({ name, everyMs, run });
    if (this.started) this.start(this.tasks[this.tasks.length - 1]!);
  }

  onApplicationBootstrap(): void {
    this.started = true;
    this.tasks.forEach((t) => this.start(t));
  }

  async onApplicationShutdown(): Promise<void> {
    this.timers.forEach(clearInterval);
    await Promise.allSettled([...this.running]);
  }

  private start(task: Task): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      const run = task
        .run()
        .catch((err: unknown) => this.logger.error({ err, task: task.name }, 'scheduled task failed'))
        .finally(() => {
          busy = false;
          this.running.delete(run);
        });
      this.running.add(run);
    }, task.everyMs);
    timer.unref();
    this.timers.push(timer);
  }
}
