// Child processes of a benchmark run: started with their output in files, watched for unexpected exits,
// and always stopped — on success, on error, and on SIGINT/SIGTERM of the orchestrator.
import { spawn, fork } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const children = new Set();
let handlersInstalled = false;

/** Kills every child still alive (synchronously: usable from 'exit' handlers). */
export function killAllSync(signal = 'SIGKILL') {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    }
  }
}

function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => killAllSync('SIGKILL'));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal} received, stopping child processes\n`);
      killAllSync('SIGTERM');
      setTimeout(() => process.exit(130), 1500).unref();
      // A second signal (or the timer) ends the run; children get SIGKILL from the exit handler.
    });
  }
}

/**
 * A named child process. `unexpectedExit` is set when it dies while the run still needs it, so a phase
 * can fail loudly instead of timing out.
 */
export class Child {
  constructor(name, proc, logPaths) {
    this.name = name;
    this.proc = proc;
    this.logPaths = logPaths;
    this.stopping = false;
    this.unexpectedExit = null;
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        children.delete(proc);
        if (!this.stopping) this.unexpectedExit = { code, signal };
        resolve({ code, signal });
      });
    });
  }

  get pid() {
    return this.proc.pid;
  }

  get alive() {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** The tail of its stderr (for error messages). */
  stderrTail(lines = 15) {
    try {
      return readFileSync(this.logPaths.stderr, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  assertAlive() {
    if (!this.alive) {
      throw new Error(`${this.name} exited unexpectedly (${JSON.stringify(this.unexpectedExit)}); stderr:\n${this.stderrTail()}`);
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 8000) {
    this.stopping = true;
    if (!this.alive) return;
    this.proc.kill('SIGTERM');
    const done = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!done) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** Starts `node <args>` with stdout/stderr in files under `logDir`. `ipc` uses fork (a message channel). */
export function startNode(name, args, { env = {}, cwd, logDir, ipc = false, nodeArgs = [] }) {
  installHandlers();
  const stdout = `${logDir}/${name}.stdout`;
  const stderr = `${logDir}/${name}.stderr`;
  const out = openSync(stdout, 'w');
  const err = openSync(stderr, 'w');
  const fullEnv = { ...process.env, ...env };
  const proc = ipc
    ? fork(args[0], args.slice(1), { cwd, env: fullEnv, stdio: ['ignore', out, err, 'ipc'], execArgv: nodeArgs })
    : spawn(process.execPath, [...nodeArgs, ...args], { cwd, env: fullEnv, stdio: ['ignore', out, err] });
  closeSync(out);
  closeSync(err);
  children.add(proc);
  return new Child(name, proc, { stdout, stderr });
}

/** Waits until `read()` returns a value (not undefined), the child dies, or the timeout passes. */
export async function waitFor(child, what, read, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    child.assertAlive();
    if (Date.now() > deadline) throw new Error(`${child.name}: ${what} not ready after ${timeoutMs} ms; stderr:\n${child.stderrTail()}`);
    await sleep(100);
  }
}

/** The first complete JSON document printed on the child's stdout. */
export function jsonFromStdout(child) {
  return async () => {
    let text;
    try {
      text = readFileSync(child.logPaths.stdout, 'utf8');
    } catch {
      return undefined;
    }
    const start = text.indexOf('{');
    if (start < 0) return undefined;
    // The document ends at the first closing brace that balances the opening one.
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}' && --depth === 0) {
        try {
          return JSON.parse(text.slice(start, i + 1));
        } catch {
          return undefined;
        }
      }
    }
    return undefined;
  };
}

/** Resolves when GET `url` answers 200. */
export function httpReady(url) {
  return async () => {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.status === 200 ? true : undefined;
    } catch {
      return undefined;
    }
  };
}

/** Runs `node <args>` to completion (migrations); throws with its output on a non-zero exit. */
export async function runNode(args, { env = {}, cwd, timeoutMs = 120_000 }) {
  installHandlers();
  const proc = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let output = '';
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const code = await new Promise((resolve) => proc.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  children.delete(proc);
  if (code !== 0) throw new Error(`node ${args.join(' ')} failed (${code}):\n${output.slice(-2000)}`);
  return output;
}
