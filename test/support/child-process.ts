import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { LOG_DIR, TEST_DB } from './test-env';
import { sleep } from './wait';

/**
 * A clean environment for a spawned SmartPay process: only what a shell user has (no NODE_ENV=test
 * from vitest, no DATABASE_URL or SMARTPAY_* of the test run), plus `extra`.
 */
export function shellEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR', 'SHELL']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (stdin closed, so never a terminal). */
export async function run(command: string, args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<RunResult> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A long-running process (the server), in its own process group so `stop` reaches its children too. */
export class Running {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly startedAt = Date.now();
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (this.stdout += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (this.stderr += c));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  static start(command: string, args: string[], options: { cwd: string; env: Record<string, string> }): Running {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const running = new Running(child);
    ALL.add(running);
    return running;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** Polls `url` until it answers `status` (or the process dies, or time runs out). */
  async waitForStatus(url: string, status: number, timeoutMs: number): Promise<Response> {
    const deadline = this.startedAt + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (this.hasExited) throw new Error(`process exited (${JSON.stringify(this.exitInfo)}) before ${url} answered ${status}\n${this.output()}`);
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        if (res.status === status) return res;
        last = `${res.status} ${await res.text()}`;
      } catch (err) {
        last = (err as Error).message;
      }
      await sleep(100);
    }
    throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms of the start (last: ${last})\n${this.output()}`);
  }

  /** Waits until stdout matches `pattern`. */
  async waitForStdout(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.stdout);
      if (match) return match;
      if (Date.now() > deadline || this.hasExited) throw new Error(`stdout never matched ${pattern}\n${this.output()}`);
      await sleep(50);
    }
  }

  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves with how the main process ended. */
  async stop(graceMs = 5_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    signalGroup(this.child.pid!, 'SIGTERM');
    const result = await Promise.race([this.exited, sleep(graceMs).then(() => undefined)]);
    // Children of a wrapper (npm → sh → node) may outlive it: make sure the whole group is gone.
    signalGroup(this.child.pid!, 'SIGKILL');
    this.saveLogs();
    ALL.delete(this);
    return result ?? (await this.exited);
  }

  output(): string {
    return `--- stdout ---\n${this.stdout.slice(-4000)}\n--- stderr ---\n${this.stderr.slice(-4000)}`;
  }

  /** The JSON log lines it wrote go to the run's log folder, where the leak check reads them. */
  private saveLogs(): void {
    const lines = `${this.stdout}\n${this.stderr}`.split('\n').filter((l) => l.startsWith('{'));
    if (lines.length > 0) appendFileSync(join(LOG_DIR, `${TEST_DB}-spawned-${process.pid}.log`), `${lines.join('\n')}\n`);
  }
}

const ALL = new Set<Running>();

/** Stops whatever a test left running (call from afterAll/afterEach). */
export async function stopAll(): Promise<void> {
  await Promise.all([...ALL].map((r) => r.stop(3_000)));
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** Re-exported for the suites that drive child processes (one definition, in wait.ts). */
export { sleep };
