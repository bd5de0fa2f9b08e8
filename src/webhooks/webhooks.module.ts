import { Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EventDispatcher } from '../events/event-dispatcher';
import { JobQueue } from '../jobs/job-queue';
import { MetricsModule } from '../metrics/metrics.module';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { type DeliverPayload, WebhookDeliveryJob } from './webhook-delivery.job';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { DELIVER_JOB, WebhookFanout } from './webhook-fanout';
import { WebhookHttpSender } from './webhook-http.sender';

/**
 * Webhooks to client apps (api.md, "Webhooks to client apps"): endpoints and their secrets, the
 * consumer that turns domain events into deliveries, the delivery job (Standard Webhooks signatures,
 * retry schedule, endpoint disabled when it is exhausted), and the event log API with redelivery.
 */
@Module({
  imports: [MetricsModule],
  controllers: [WebhookEndpointsController, EventsController],
  providers: [WebhookEndpointsService, WebhookFanout, WebhookDeliveryJob, WebhookHttpSender, EventsService],
  exports: [WebhookEndpointsService],
})
export class WebhooksModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly dispatcher: EventDispatcher,
    private readonly fanout: WebhookFanout,
    private readonly jobs: JobQueue,
    private readonly delivery: WebhookDeliveryJob,
    private readonly http: WebhookHttpSender,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(this.fanout);
    this.jobs.register(DELIVER_JOB, (payload, ctx) => this.delivery.run(payload as unknown as DeliverPayload, ctx));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.http.close();
  }
}
