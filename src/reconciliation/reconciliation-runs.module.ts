import { Module } from '@nestjs/common';
import { ChargesModule } from '../charges/charges.module';
import { PendingChargesReconciler } from './pending-charges.reconciler';
import { ReconciliationRunsController } from './reconciliation-runs.controller';

/** Recurring reconciliation of pending charges and on-demand runs. */
@Module({ imports: [ChargesModule], controllers: [ReconciliationRunsController], providers: [PendingChargesReconciler] })
export class ReconciliationRunsModule {}
