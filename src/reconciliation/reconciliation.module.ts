import { Module } from '@nestjs/common';
import { ReconciliationReportController } from './reconciliation-report.controller';
import { ReconciliationReportService } from './reconciliation-report.service';

/** Reconciliation with the gateways: the period report (and whatever else reconciles, added here). */
@Module({
  imports: [],
  controllers: [
    ReconciliationReportController,
  ],
  providers: [
    ReconciliationReportService,
  ],
  exports: [
    ReconciliationReportService,
  ],
})
export class ReconciliationModule {}
