import { Module, type OnModuleInit } from '@nestjs/common';
import { LatestChargeLookup } from '../orders/latest-charge.lookup';
import { CustomersModule } from '../customers/customers.module';
import { OrdersModule } from '../orders/orders.module';
import { PaymentMethodsModule } from '../payment-methods/payment-methods.module';
import { ChargesController } from './charges.controller';
import { ChargeSyncService } from './charge-sync.service';
import { ChargesService } from './charges.service';

@Module({
  imports: [OrdersModule, CustomersModule, PaymentMethodsModule],
  controllers: [ChargesController],
  providers: [ChargesService, ChargeSyncService],
  exports: [ChargesService, ChargeSyncService],
})
export class ChargesModule implements OnModuleInit {
  constructor(
    private readonly lookup: LatestChargeLookup,
    private readonly charges: ChargesService,
  ) {}

  onModuleInit(): void {
    this.lookup.provide((ids) => this.charges.presentByIds(ids));
  }
}
