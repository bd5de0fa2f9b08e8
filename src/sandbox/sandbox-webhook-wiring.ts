import type { Server } from 'node:http';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { WebhookUrls } from '../gateway-webhooks/webhook-urls';
import { PostmarkWebhookCredentials } from '../notifications/postmark-webhook-credentials';
import type { Sandbox } from './sandbox';
import { SANDBOX } from './sandbox-tokens';

interface Target {
  url: string;
  user?: string;
  password?: string;
}

/**
 * Points the simulators' webhooks at this SmartPay once it listens, so Culqi events and Postmark's
 * Delivery/Bounce records flow under `npm start` as Mercado Pago's notifications do (those carry their
 * URL in each payment). Culqi's target gets CULQI_WEBHOOK_USER/PASSWORD when set (a real account sets
 * them in CulqiPanel); Postmark's gets the credentials /webhooks/postmark checks. With a standalone
 * sandbox (SMARTPAY_SANDBOX_URL) the same is done through its control endpoints: the last SmartPay to
 * start receives them.
 */
@Injectable()
export class SandboxWebhookWiring implements OnApplicationBootstrap {
  private readonly log = new Logger('Sandbox');

  constructor(
    @Inject(SANDBOX) private readonly sandbox: Sandbox | null,
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly urls: WebhookUrls,
    private readonly postmarkCredentials: PostmarkWebhookCredentials,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    server?.once('listening', () => {
      this.wire().catch((err: unknown) => this.log.warn(`could not point the sandbox's webhooks at SmartPay: ${err instanceof Error ? err.message : String(err)}`));
    });
  }

  private async wire(): Promise<void> {
    const base = this.urls.baseUrl();
    if (!base) return;
    const { webhookUser, webhookPassword } = this.config.culqi;
    const culqi: Target = { url: `${base}/webhooks/culqi`, ...(webhookUser ? { user: webhookUser, password: webhookPassword ?? '' } : {}) };
    const creds = this.postmarkCredentials.get();
    const postmark: Target = { url: `${base}/webhooks/postmark`, ...(creds ? { user: creds.user, password: creds.password } : {}) };
    if (this.sandbox) {
      this.sandbox.culqi.setWebhookTarget(culqi);
      this.sandbox.postmark.setWebhookTarget(postmark);
      return;
    }
    const control = this.config.sandbox.externalUrl;
    if (!control) return;
    for (const [name, target] of [['culqi', culqi], ['postmark', postmark]] as const) {
      const res = await fetch(`${control.replace(/\/+$/, '')}/${name}/_webhook`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(target),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`${name}/_webhook answered ${res.status}`);
    }
  }
}
