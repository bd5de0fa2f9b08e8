import { Module } from '@nestjs/common';
import { CreditsModule } from '../credits/credits.module';
import { CustomersModule } from '../customers/customers.module';
import { OrderExpiryJob } from './order-expiry.job';
import { OrdersController } from './orders.controller';
import { OrderPaymentState, OrderRefundState } from './order-payment-state';
import { OrdersService } from './orders.service';
import { LatestChargeLookup } from './latest-charge.lookup';
import { OrderEvents } from './order-events';

@Module({
  imports: [CustomersModule, CreditsModule],
  controllers: [OrdersController],
  providers: [OrdersService, OrderExpiryJob, OrderPaymentState, OrderRefundState, LatestChargeLookup, OrderEvents],
  exports: [OrdersService, OrderPaymentState, OrderRefundState, LatestChargeLookup, OrderEvents],
})
export class OrdersModule {}
