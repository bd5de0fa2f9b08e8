import { Injectable } from '@nestjs/common';
import { randomBase62 } from '../common/secrets';
import { AppConfig } from '../config/app-config';

/**
 * The HTTP Basic credentials Postmark must send to POST /webhooks/postmark (its webhooks are not signed:
 * postmark.md A2). POSTMARK_WEBHOOK_USER/PASSWORD when configured; in sandbox mode without them, random
 * ones for this process, which the sandbox wiring hands to the simulator. Otherwise none: every delivery
 * is refused, because an unauthenticated bounce could make SmartPay stop e-mailing a customer.
 */
@Injectable()
export class PostmarkWebhookCredentials {
  private readonly credentials: { user: string; password: string } | null;

  constructor(config: AppConfig) {
    const { webhookUser, webhookPassword } = config.postmark;
    if (webhookUser && webhookPassword) this.credentials = { user: webhookUser, password: webhookPassword };
    else if (config.sandbox.enabled) this.credentials = { user: `postmark-${randomBase62(8)}`, password: randomBase62(32) };
    else this.credentials = null;
  }

  get(): { user: string; password: string } | null {
    return this.credentials;
  }
}
