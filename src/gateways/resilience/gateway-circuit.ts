import { circuitBreaker, CircuitState, ConsecutiveBreaker, handleWhenResult, isBrokenCircuitError, type CircuitBreakerPolicy } from 'cockatiel';
import type { GatewayHttpResult } from '../http/gateway-http.client';
import { isUnhealthy, saysNothingAboutGateway } from './gateway-health';

/** As exposed in /health/ready: `half_open` also when the open period is over and the next call will probe. */
export type CircuitView = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerSettings {
  /** Consecutive unhealthy exchanges that open the circuit (CIRCUIT_BREAKER_THRESHOLD). */
  threshold: number;
  /** How long the circuit stays open before one probe call may go through (CIRCUIT_BREAKER_HALF_OPEN_AFTER). */
  halfOpenAfterMs: number;
}

/** Returned by `run` instead of a result when the circuit refused the call: nothing was sent. */
export const REFUSED = Symbol('circuit refused');

/**
 * One gateway's circuit breaker: cockatiel's ConsecutiveBreaker (N unhealthy exchanges in a row
 * open it; any healthy answer resets the count), a constant open period, then one probe whose
 * outcome closes or re-opens it. Unhealthy results are values, not exceptions, so the caller always
 * gets the gateway's answer back; only a refusal is signalled (REFUSED).
 */
export class GatewayCircuit {
  private readonly policy: CircuitBreakerPolicy;
  private openedAt = 0;

  /** Told when the circuit opens (`open`) and when a probe closes it again (`closed`). */
  private readonly listeners: ((state: 'open' | 'closed') => void)[] = [];

  constructor(private readonly settings: CircuitBreakerSettings) {
    this.policy = circuitBreaker(
      // A result that says nothing about the gateway reaches this filter only from a probe (see run).
      handleWhenResult((r) => isUnhealthy(r as GatewayHttpResult) || saysNothingAboutGateway(r as GatewayHttpResult)),
      { halfOpenAfter: settings.halfOpenAfterMs, breaker: new ConsecutiveBreaker(settings.threshold) },
    );
    this.policy.onBreak(() => {
      this.openedAt = Date.now();
      for (const listener of this.listeners) listener('open');
    });
    this.policy.onReset(() => {
      for (const listener of this.listeners) listener('closed');
    });
  }

  onStateChange(listener: (state: 'open' | 'closed') => void): void {
    this.listeners.push(listener);
  }

  get state(): CircuitView {
    switch (this.policy.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.HalfOpen:
        return 'half_open';
      case CircuitState.Open:
        // cockatiel moves to HalfOpen only when a call arrives; routing must see that a probe is
        // due, or a gateway skipped while open would never be tried (and never close) again.
        return Date.now() - this.openedAt >= this.settings.halfOpenAfterMs ? 'half_open' : 'open';
      default:
        return 'open';
    }
  }

  /** Whether a call now would be refused: open with no probe due yet, or a probe already in flight. */
  get refusesCalls(): boolean {
    return this.policy.state === CircuitState.HalfOpen || this.state === 'open';
  }

  async run(call: () => Promise<GatewayHttpResult>): Promise<GatewayHttpResult | typeof REFUSED> {
    // One probe at a time: calls arriving while it runs are refused instead of queueing behind a
    // probe that may take the whole gateway timeout (cockatiel would make them wait for it).
    if (this.policy.state === CircuitState.HalfOpen) return REFUSED;
    const probe = this.policy.state !== CircuitState.Closed;
    try {
      return await this.policy.execute(async () => {
        const result = await call();
        // cockatiel counts every result as a success (which resets ConsecutiveBreaker's run of failures)
        // or a failure; an error its policy does not handle is neither. A call that never left SmartPay's
        // own pool queue must not move the count either way. A probe, though, must show the gateway
        // healthy to close the circuit: one that could not even be sent keeps it open another period.
        if (!probe && saysNothingAboutGateway(result)) throw new Uncounted(result);
        return result;
      });
    } catch (err) {
      if (err instanceof Uncounted) return err.result;
      if (isBrokenCircuitError(err)) return REFUSED;
      throw err;
    }
  }
}

/** Carries a result past cockatiel's counting (see GatewayCircuit.run). */
class Uncounted extends Error {
  constructor(readonly result: GatewayHttpResult) {
    super('result not counted by the circuit breaker');
  }
}
