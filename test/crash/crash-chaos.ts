/**
 * The chaos loop: spreads CRASH_KILLS SIGKILLs over the load (kill k comes once k/(kills+1) of the
 * orders are done, and the load paces itself so it never runs far ahead of the kills: every kill
 * lands while payments are in flight), and between kills injects
 * gateway faults at the sandbox. Three kinds of kill:
 * - `mid_call`: a `latency` fault (shorter than the 1 s gateway timeout) holds the sandbox's answer
 *   after it has processed the charge; the kill comes while a charge request has been waiting on it,
 *   i.e. between the gateway call and the database commit — money taken, nothing recorded.
 * - `after_commit`: the moment a charge answer says `succeeded`, i.e. right after the payment committed
 *   with its `order.paid` event, before the dispatcher has turned it into a webhook delivery and an
 *   e-mail: both must still go out, once, after the restart.
 * - `random`: at a random moment (a charge's first commit, a webhook, a reconciliation job…).
 * - `at_restart`: shortly after the previous restart, while the worker picks up expired leases.
 */
import { sleep } from '../support/child-process';
import type { InFlight } from './crash-client';
import type { Gateway, Simulator, SmartPayServer, StandaloneSandbox } from './crash-stack';

export type KillKind = 'mid_call' | 'after_commit' | 'random' | 'at_restart';

export interface ChaosLog {
  kills: Record<KillKind, number>;
  /** mid_call kills that found a charge request waiting at the gateway (the others fell back to random). */
  midCallHits: number;
  /** after_commit kills that came right after a succeeded charge answer (the others waited 3 s in vain). */
  afterCommitHits: number;
  /** Kills while orders were still being paid. */
  killsDuringLoad: number;
  faults: string[];
  restartMs: number[];
  /** When each kill came: seconds since the chaos began @ orders finished, and its kind. */
  timeline: string[];
}

export interface ChaosDeps {
  smartpay: SmartPayServer;
  sandbox: StandaloneSandbox;
  inFlight: InFlight;
  random: () => number;
  /** Orders finished so far, and in total. */
  progress: () => number;
  total: number;
  loadDone: () => boolean;
}

const MID_CALL_LATENCY_MS = 800;

export function newChaosLog(): ChaosLog {
  return { kills: { mid_call: 0, after_commit: 0, random: 0, at_restart: 0 }, midCallHits: 0, afterCommitHits: 0, killsDuringLoad: 0, faults: [], restartMs: [], timeline: [] };
}

/** Kills made so far (the load paces itself on this, so it can never run ahead of the chaos). */
export const killsSoFar = (log: ChaosLog): number => log.timeline.length;

export async function runChaos(deps: ChaosDeps, kills: number, log: ChaosLog): Promise<ChaosLog> {
  const { smartpay, sandbox, inFlight, random } = deps;
  const began = Date.now();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const done = () => killsSoFar(log);

  const killAndRestart = async (kind: KillKind): Promise<void> => {
    if (!deps.loadDone()) log.killsDuringLoad++;
    log.timeline.push(`${((Date.now() - began) / 1000).toFixed(1)}s@${deps.progress()}:${kind}`);
    await smartpay.kill();
    log.kills[kind]++;
    await sandbox.clearFaults();
    // Down for a moment (clients meet refused connections and keep their keys), then back.
    await sleep(random() * 700);
    const started = Date.now();
    await smartpay.start();
    log.restartMs.push(Date.now() - started);
  };

  while (done() < kills) {
    // Sometimes a gateway misbehaves for a few calls without any kill: SmartPay must leave those
    // charges pending (timeout, reset) or retry them (Mercado Pago, same idempotency key), and
    // reconciliation must find the sandbox's truth.
    if (random() < 0.5) {
      // Postmark too: a 500 is retried, a reset (processed, no answer) is found by its metadata.
      const target = pick<Simulator>(['culqi', 'mercadopago', 'postmark']);
      const mode = pick(['timeout', 'reset', 'http_500'] as const);
      const count = 1 + Math.floor(random() * 3);
      await sandbox.fault(target, mode, { latencyMs: mode === 'timeout' ? 1_500 : undefined, count });
      log.faults.push(`${target}:${mode}x${count}`);
    }

    const target = ((done() + 1) * deps.total) / (kills + 1);
    while (deps.progress() < target && !deps.loadDone()) await sleep(20);

    const kind = random();
    if (kind < 0.45) {
      const gateway = pick<Gateway>(['culqi', 'mercadopago']);
      await sandbox.fault(gateway, 'latency', { latencyMs: MID_CALL_LATENCY_MS });
      // A charge request older than ~250 ms has passed SmartPay's first commit and is waiting for
      // the (already processed) gateway answer; after 4 s without one, kill anyway.
      const until = Date.now() + 4_000;
      while (!inFlight.oldest(gateway, 250) && Date.now() < until) await sleep(10);
      if (inFlight.oldest(gateway, 250)) log.midCallHits++;
      await killAndRestart('mid_call');
    } else if (kind < 0.8) {
      if (await inFlight.nextPaid(3_000)) log.afterCommitHits++;
      await killAndRestart('after_commit');
    } else {
      await sleep(random() * 400);
      await killAndRestart('random');
    }
    if (done() < kills && random() < 0.25) {
      await sleep(random() * 600);
      await killAndRestart('at_restart');
    }
  }
  return log;
}
