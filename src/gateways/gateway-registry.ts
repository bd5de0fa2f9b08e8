import { Injectable } from '@nestjs/common';
import type { GatewayId } from '../config/app-config';
import type { PaymentGateway } from './payment-gateway.port';

/** The configured gateway adapters, by id. Filled once at startup by the gateways module. */
@Injectable()
export class GatewayRegistry {
  private readonly gateways = new Map<GatewayId, PaymentGateway>();

  register(gateway: PaymentGateway): void {
    this.gateways.set(gateway.id, gateway);
  }

  get(id: GatewayId): PaymentGateway {
    const gateway = this.gateways.get(id);
    if (!gateway) throw new Error(`gateway ${id} is not configured`);
    return gateway;
  }

  has(id: GatewayId): boolean {
    return this.gateways.has(id);
  }

  ids(): GatewayId[] {
    return [...this.gateways.keys()];
  }
}
