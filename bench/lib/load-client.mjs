// The orchestrator's handle on the load-generator process (bench/load.mjs over an IPC channel).
import { join } from 'node:path';
import { startNode } from './procs.mjs';
import { BENCH_DIR } from './stack.mjs';

export class LoadGenerator {
  constructor(ctx) {
    this.child = startNode('load', [join(BENCH_DIR, 'load.mjs')], { cwd: ctx.workDir, logDir: ctx.workDir, ipc: true });
    this.pending = new Map();
    this.nextId = 1;
    this.child.proc.on('message', (msg) => {
      const waiter = this.pending.get(msg.id);
      if (!waiter) return;
      this.pending.delete(msg.id);
      if (msg.error) waiter.reject(new Error(`load generator: ${msg.error}`));
      else waiter.resolve(msg.result);
    });
    this.child.exited.then(() => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`load generator exited; stderr:\n${this.child.stderrTail()}`));
      this.pending.clear();
    });
  }

  get pid() {
    return this.child.pid;
  }

  /** Runs one open-loop phase; see load.mjs runPhase for the fields. */
  phase(spec) {
    this.child.assertAlive();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.proc.send({ cmd: 'phase', id, ...spec });
    });
  }

  async stop() {
    this.child.stopping = true;
    if (this.child.alive) this.child.proc.send({ cmd: 'exit' });
    await Promise.race([this.child.exited, new Promise((r) => setTimeout(r, 3000))]);
    await this.child.stop(2000);
  }
}
