import { asRecord } from './json-input';

/** Fault modes of api.md "Sandbox": what the next gateway calls suffer. */
export const FAULT_MODES = ['down', 'timeout', 'http_500', 'latency', 'reset'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultSpec {
  mode: FaultMode;
  /** Delay before the answer for `timeout` and `latency`. */
  latencyMs: number;
  /** How many further calls the fault applies to; undefined = until cleared. */
  remaining?: number;
}

/** `timeout` waits long enough to outlast any sane client timeout (api.md: default 30 s). */
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_LATENCY_MS = 1_000;
const MAX_LATENCY_MS = 10 * 60_000;

export function faultToJson(fault: FaultSpec | null): unknown {
  if (!fault) return { mode: null };
  const delayed = fault.mode === 'timeout' || fault.mode === 'latency';
  return { mode: fault.mode, latency_ms: delayed ? fault.latencyMs : null, count: fault.remaining ?? null };
}

/** Parses `{ mode, latency_ms?, count? }`; answers a message for the caller when it cannot be honoured. */
export function parseFault(input: unknown): FaultSpec | { error: string } {
  const body = asRecord(input);
  if (!body) return { error: 'body must be a JSON object { "mode", "latency_ms"?, "count"? }' };
  const unknownKeys = Object.keys(body).filter((k) => !['mode', 'latency_ms', 'count'].includes(k));
  if (unknownKeys.length) return { error: `unknown field(s): ${unknownKeys.join(', ')}` };
  const mode = body.mode;
  if (typeof mode !== 'string' || !(FAULT_MODES as readonly string[]).includes(mode)) {
    return { error: `mode must be one of ${FAULT_MODES.join(', ')}` };
  }
  const latency = body.latency_ms;
  if (latency !== undefined && (typeof latency !== 'number' || !Number.isInteger(latency) || latency < 0 || latency > MAX_LATENCY_MS)) {
    return { error: `latency_ms must be an integer from 0 to ${MAX_LATENCY_MS}` };
  }
  const count = body.count;
  if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 1)) {
    return { error: 'count must be a positive integer' };
  }
  if (mode === 'down' && count !== undefined) {
    // A closed port refuses connections in the kernel; the process never sees them, so it cannot count them.
    return { error: 'count is not supported with mode "down": refused connections never reach the simulator, so they cannot be counted; clear the fault with DELETE instead' };
  }
  const faultMode = mode as FaultMode;
  const defaultLatency = faultMode === 'timeout' ? DEFAULT_TIMEOUT_MS : DEFAULT_LATENCY_MS;
  return { mode: faultMode, latencyMs: typeof latency === 'number' ? latency : defaultLatency, remaining: count };
}
