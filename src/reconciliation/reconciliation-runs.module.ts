import { Module } from '@nestjs/common';
import { ChargesModule } from '../charges/charges.module';
import { RefundsModule } from '../refunds/refunds.module';
import { PendingChargesReconciler } from './pending-charges.reconciler';
import { ReconciliationRunsController } from './reconciliation-runs.controller';

/** Recurring reconciliation of pending charges and refunds, and on-demand runs. */
@Module({ imports: [ChargesModule, RefundsModule], controllers: [ReconciliationRunsController], providers: [PendingChargesReconciler] })
export class ReconciliationRunsModule {}
