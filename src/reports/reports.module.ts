import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { PeriodSummaryService } from './period-summary.service';
import { ReportQueries } from './report-queries';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';
import { ReportRollups } from './rollups/report-rollups';
import { SummaryEmailsJob } from './summary-emails.job';
import { TransactionsCsv } from './transactions-csv';

/** Reports: the reports API (`/v1/reports/…`: summary, time series, CSV) and the daily and weekly summary e-mails. */
@Module({
  imports: [NotificationsModule],
  controllers: [ReportsController],
  providers: [ReportRollups, PeriodSummaryService, SummaryEmailsJob, ReportQueries, ReportsService, TransactionsCsv],
  exports: [ReportRollups, PeriodSummaryService, ReportsService],
})
export class ReportsModule {}
