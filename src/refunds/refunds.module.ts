import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { RefundEvents } from './refund-events';
import { RefundSettlement } from './refund-settlement';
import { RefundSyncService } from './refund-sync.service';
import { RefundsController } from './refunds.controller';
import { RefundsService } from './refunds.service';

/** Refunds, their settlement, and the sync that resolves pending ones (for reconciliation and gateway webhooks). */
@Module({
  imports: [OrdersModule],
  controllers: [RefundsController],
  providers: [RefundsService, RefundSettlement, RefundSyncService, RefundEvents],
  exports: [RefundSyncService],
})
export class RefundsModule {}
