import { Module } from '@nestjs/common';
import { CreditsModule } from '../credits/credits.module';
import { CustomersModule } from '../customers/customers.module';
import { GatewaysModule } from '../gateways/gateways.module';
import { OrderExpiryJob } from './order-expiry.job';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

@Module({
  imports: [CustomersModule, CreditsModule, GatewaysModule],
  controllers: [OrdersController],
  providers: [OrdersService, OrderExpiryJob],
  exports: [OrdersService],
})
export class OrdersModule {}
