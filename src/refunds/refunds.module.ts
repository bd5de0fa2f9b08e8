import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { RefundsController } from './refunds.controller';
import { RefundsService } from './refunds.service';

@Module({ imports: [OrdersModule], controllers: [RefundsController], providers: [RefundsService] })
export class RefundsModule {}
