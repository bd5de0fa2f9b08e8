import { Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { JobQueue } from '../jobs/job-queue';
import { NotificationsModule } from '../notifications/notifications.module';
import { AlertEvaluator } from './alert-evaluator';
import { AlertNotifier, PUSH_ALERT_JOB } from './alert-notifier';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';
import { PushAgentProvider } from './push/push-agent.provider';
import { PushAlertJob } from './push/push-alert.job';
import { PushSubscriptionsController } from './push/push-subscriptions.controller';
import { PushSubscriptionsService } from './push/push-subscriptions.service';
import { VapidProvider } from './push/vapid.provider';

/**
 * Merchant alerts: rules from configuration evaluated on a schedule (and gateway circuits as they
 * open and close), one alert per episode, e-mailed to the app's contacts (or the operators) and pushed
 * to subscribed browsers; the alerts API and Web Push subscriptions.
 */
@Module({
  imports: [NotificationsModule],
  controllers: [PushSubscriptionsController, AlertsController],
  providers: [AlertsService, AlertNotifier, AlertEvaluator, PushAgentProvider, PushAlertJob, PushSubscriptionsService, VapidProvider],
  exports: [AlertsService],
})
export class AlertsModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly jobs: JobQueue,
    private readonly push: PushAlertJob,
    private readonly agents: PushAgentProvider,
  ) {}

  onModuleInit(): void {
    this.jobs.register(PUSH_ALERT_JOB, (payload) => this.push.run(String(payload.alertId), String(payload.subscriptionId)));
  }

  onApplicationShutdown(): void {
    this.agents.destroy();
  }
}
