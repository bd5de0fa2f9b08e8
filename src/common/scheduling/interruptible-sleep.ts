/**
 * The pause of a polling loop that something else can cut short: `sleep(ms)` waits, `wake()` ends the
 * current wait at once (work arrived, a slot freed up, shutdown), `stop()` makes every later sleep
 * return at once. Used by the job worker and the event dispatcher.
 */
export class InterruptibleSleep {
  private wakeCurrent: (() => void) | undefined;
  private stopped = false;

  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeCurrent = done;
    });
  }

  wake(): void {
    this.wakeCurrent?.();
  }

  stop(): void {
    this.stopped = true;
    this.wake();
  }
}
