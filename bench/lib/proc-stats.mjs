// CPU time and memory of another process, read from /proc (Linux). The servers under test are separate
// processes, so process.cpuUsage() cannot see them.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // 100 is the value on every common Linux build
}

/** User + system CPU time of `pid` in milliseconds, or null when it is gone. */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / ticksPerSecond;
  } catch {
    return null;
  }
}

/** Waits until the process stopped working (CPU below 10 % over 400 ms), at most `maxMs`. */
export async function settle(pid, maxMs = 15_000) {
  if (!pid) return;
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const a = cpuMs(pid);
    await sleep(400);
    const b = cpuMs(pid);
    if (a === null || b === null || b - a < 40) return;
  }
}

/** { rssMb, hwmMb } from /proc/<pid>/status (VmRSS now, VmHWM = peak resident set), or null. */
export function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Samples RSS of some processes every `intervalMs`; keeps the peak and a time series. */
export class MemorySampler {
  constructor(intervalMs = 500) {
    this.intervalMs = intervalMs;
    this.pids = new Map();
    this.series = [];
    this.timer = null;
  }

  watch(name, pid) {
    this.pids.set(name, { pid, peakRssMb: 0, hwmMb: 0 });
    if (!this.timer) {
      this.timer = setInterval(() => this.sample(), this.intervalMs);
      this.timer.unref();
    }
  }

  unwatch(name) {
    this.sample();
    const entry = this.pids.get(name);
    this.pids.delete(name);
    return entry ? { peakRssMb: round(entry.peakRssMb), hwmMb: round(entry.hwmMb) } : null;
  }

  sample() {
    const point = { t: Date.now() };
    for (const [name, entry] of this.pids) {
      const m = memory(entry.pid);
      if (!m) continue;
      entry.peakRssMb = Math.max(entry.peakRssMb, m.rssMb);
      entry.hwmMb = Math.max(entry.hwmMb, m.hwmMb);
      point[name] = round(m.rssMb);
    }
    this.series.push(point);
    if (this.series.length > 20_000) this.series.splice(0, 10_000);
  }

  peak(name) {
    const entry = this.pids.get(name);
    return entry ? { peakRssMb: round(entry.peakRssMb), hwmMb: round(entry.hwmMb) } : null;
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

function round(x) {
  return Math.round(x * 10) / 10;
}
