import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';

/** The process's root logger (createRootLogger), for what must reach it outside a request. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * The root logger writes in blocks (logger.ts): when the application closes, what it still holds is written
 * before `close()` resolves, so a process that goes on living (a test run, an embedding) finds every line of the
 * app in the file. A process that exits gets the same from pino's exit handler.
 */
@Injectable()
export class LogFlushOnShutdown implements OnApplicationShutdown {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => {
      // A stream that never drains must not hold the shutdown (main.ts gives it 10 s in all).
      const timer = setTimeout(resolve, 2_000);
      this.logger.flush(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
