import { Module, type OnModuleInit } from '@nestjs/common';
import { LatestChargeLookup } from '../orders/latest-charge.lookup';
import { CustomersModule } from '../customers/customers.module';
import { OrdersModule } from '../orders/orders.module';
import { PaymentMethodsModule } from '../payment-methods/payment-methods.module';
import { ChargesController } from './charges.controller';
import { ChargeSyncService } from './charge-sync.service';
import { ChargeEvents } from './charge-events';
import { ChargeOutcomeMetrics } from './charge-outcome.metrics';
import { MetricsModule } from '../metrics/metrics.module';
import { EntityRows } from '../database/entity-rows';
import { Charge } from './charge.entity';
import { presentCharge } from './charge.presenter';
import { ChargesService } from './charges.service';

@Module({
  imports: [OrdersModule, CustomersModule, PaymentMethodsModule, MetricsModule],
  controllers: [ChargesController],
  providers: [ChargesService, ChargeSyncService, ChargeEvents, ChargeOutcomeMetrics],
  exports: [ChargesService, ChargeSyncService],
})
export class ChargesModule implements OnModuleInit {
  constructor(
    private readonly lookup: LatestChargeLookup,
    private readonly charges: ChargesService,
    private readonly rows: EntityRows,
  ) {}

  onModuleInit(): void {
    this.lookup.provide(
      (ids) => this.charges.presentByIds(ids),
      async (session, id) => {
        const [charge] = await this.rows.select(session, Charge, 'id = ?', [id]);
        return charge ? presentCharge(charge) : null;
      },
    );
  }
}
