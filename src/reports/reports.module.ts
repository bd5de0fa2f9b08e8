import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { PeriodSummaryService } from './period-summary.service';
import { SummaryEmailsJob } from './summary-emails.job';

/** Reports: period summaries (the daily and weekly e-mails now; the reports API and dashboard build on them). */
@Module({
  imports: [NotificationsModule],
  providers: [PeriodSummaryService, SummaryEmailsJob],
  exports: [PeriodSummaryService],
})
export class ReportsModule {}
