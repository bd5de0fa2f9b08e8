/**
 * Knobs of the crash suite (environment, so CI can size it) and its seeded random source: the
 * decisions (gateway, amount, abandonment, kill kind, faults) replay from CRASH_SEED; the timings of
 * a real process kill never do.
 */
export interface CrashParams {
  /** Orders the load pays (each one: create order + at least one charge). */
  payments: number;
  /** SIGKILL + restart cycles while the load runs. */
  kills: number;
  /** Orders in flight at once. */
  concurrency: number;
  seed: number;
}

function positiveInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return value;
}

export function crashParams(): CrashParams {
  return {
    payments: positiveInt('CRASH_PAYMENTS', 200),
    kills: positiveInt('CRASH_KILLS', 20),
    concurrency: positiveInt('CRASH_CONCURRENCY', 8),
    seed: positiveInt('CRASH_SEED', 1 + Math.floor(Math.random() * 2 ** 31)),
  };
}

/** mulberry32: a small seeded generator, good enough to pick scenarios reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
