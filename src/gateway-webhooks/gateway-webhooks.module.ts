import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { ChargesModule } from '../charges/charges.module';
import { plainObject } from '../common/json-values';
import { JobQueue } from '../jobs/job-queue';
import { RefundsModule } from '../refunds/refunds.module';
import { GatewayWebhookInbox, PROCESS_WEBHOOK_JOB } from './gateway-webhook-inbox.service';
import { GatewayWebhookProcessor } from './gateway-webhook.processor';
import { GatewayWebhooksController } from './gateway-webhooks.controller';
import { WebhookCredentials } from './webhook-credentials';
import { WebhookUrls } from './webhook-urls';

/**
 * The gateway webhook inbox (POST /webhooks/culqi, /webhooks/mercadopago) and its processing job.
 * Global only for WebhookUrls, which the charges capability needs to tell Mercado Pago where to
 * notify (importing this module there would be circular).
 */
@Global()
@Module({
  imports: [ChargesModule, RefundsModule],
  controllers: [GatewayWebhooksController],
  providers: [GatewayWebhookInbox, GatewayWebhookProcessor, WebhookCredentials, WebhookUrls],
  exports: [WebhookUrls],
})
export class GatewayWebhooksModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobQueue,
    private readonly processor: GatewayWebhookProcessor,
  ) {}

  onModuleInit(): void {
    this.jobs.register(PROCESS_WEBHOOK_JOB, async (payload) => {
      const hint = typeof payload.chargeHint === 'string' ? payload.chargeHint : null;
      const refund = plainObject(payload.refundHint);
      const text = (value: unknown) => (typeof value === 'string' ? value : null);
      const refundHint = refund ? { refundId: text(refund.refundId), gatewayChargeId: text(refund.gatewayChargeId) } : null;
      await this.processor.process(String(payload.deliveryId), hint, refundHint);
    });
  }
}
