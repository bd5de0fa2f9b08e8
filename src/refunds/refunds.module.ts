import { Module } from '@nestjs/common';
import { CreditRefunds } from '../credits/credit-refunds';
import { CreditsModule } from '../credits/credits.module';
import { OrdersModule } from '../orders/orders.module';
import { RefundEvents } from './refund-events';
import { RefundSettlement } from './refund-settlement';
import { RefundSyncService } from './refund-sync.service';
import { RefundsController } from './refunds.controller';
import { RefundsService } from './refunds.service';

/** Refunds, their settlement, and the sync that resolves pending ones (for reconciliation and gateway webhooks). */
@Module({
  imports: [OrdersModule, CreditsModule],
  controllers: [RefundsController],
  // CreditRefunds (credits/) is provided here until CreditsModule exports it; it only needs CreditLedger.
  providers: [RefundsService, RefundSettlement, RefundSyncService, RefundEvents, CreditRefunds],
  exports: [RefundSyncService],
})
export class RefundsModule {}
