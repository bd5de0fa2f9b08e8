import type { GatewayId } from '../../config/app-config';
import { GatewayCircuit, type CircuitBreakerSettings, type CircuitView } from './gateway-circuit';

/**
 * The circuit breakers of this instance, one per gateway (state is per process: each SmartPay
 * instance learns a gateway's health from its own calls). `gateways` are the configured ones, which
 * /health/ready and the metrics report; a breaker for any other id is made on first use.
 */
export class GatewayCircuitBreakers {
  private readonly circuits = new Map<GatewayId, GatewayCircuit>();
  private readonly listeners: ((gateway: GatewayId, state: 'open' | 'closed') => void)[] = [];

  constructor(
    readonly settings: CircuitBreakerSettings,
    private readonly gateways: readonly GatewayId[],
  ) {
    for (const id of gateways) this.circuits.set(id, this.newCircuit(id));
  }

  /** Told when any gateway's circuit opens or closes (the alerts capability raises and resolves alerts). */
  onStateChange(listener: (gateway: GatewayId, state: 'open' | 'closed') => void): void {
    this.listeners.push(listener);
  }

  private newCircuit(gateway: GatewayId): GatewayCircuit {
    const circuit = new GatewayCircuit(this.settings);
    circuit.onStateChange((state) => {
      for (const listener of this.listeners) listener(gateway, state);
    });
    return circuit;
  }

  for(gateway: GatewayId): GatewayCircuit {
    let circuit = this.circuits.get(gateway);
    if (!circuit) {
      circuit = this.newCircuit(gateway);
      this.circuits.set(gateway, circuit);
    }
    return circuit;
  }

  state(gateway: GatewayId): CircuitView {
    return this.circuits.get(gateway)?.state ?? 'closed';
  }

  /** Whether routing should skip the gateway now: a call would be refused (open, or its probe is in flight). */
  refusesCalls(gateway: GatewayId): boolean {
    return this.circuits.get(gateway)?.refusesCalls ?? false;
  }

  /** `{ culqi: { circuit: "closed" }, … }` for the configured gateways. */
  snapshot(): Partial<Record<GatewayId, { circuit: CircuitView }>> {
    return Object.fromEntries(this.gateways.map((id) => [id, { circuit: this.state(id) }]));
  }

  configured(): readonly GatewayId[] {
    return this.gateways;
  }
}
