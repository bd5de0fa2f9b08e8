import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { OutboundTargets } from '../../common/http/outbound-targets';
import { AppConfig } from '../../config/app-config';

/** Injection token: the sandbox's push-service certificate (PEM), which SmartPay trusts in sandbox mode. */
export const PUSH_SERVICE_CA = Symbol('PUSH_SERVICE_CA');

/**
 * The HTTPS agent push messages go out through: keep-alive, and the outbound target policy on every
 * connection (push endpoints come from browsers, so outside sandbox mode they must resolve to public
 * addresses, like webhook URLs). In sandbox mode it also trusts the sandbox push service's certificate.
 * Built on first use, since the sandbox provides its certificate asynchronously.
 */
@Injectable()
export class PushAgentProvider {
  readonly targets: OutboundTargets;
  private agent: Agent | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {
    this.targets = new OutboundTargets({ allowAny: config.webhooks.allowAnyTarget, allowedNetworks: config.webhooks.allowedNetworks });
  }

  get(): Agent {
    if (this.agent) return this.agent;
    let ca: string | null = null;
    if (this.config.sandbox.enabled) {
      try {
        ca = this.moduleRef.get<string | null>(PUSH_SERVICE_CA, { strict: false });
      } catch {
        ca = null;
      }
    }
    // With `ca` set the default trust store is replaced, so the sandbox agent adds it to Node's own roots.
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: 16,
      lookup: this.targets.lookup as never,
      ...(ca ? { ca: [...rootCertificates, ca] } : {}),
    });
    return this.agent;
  }

  destroy(): void {
    this.agent?.destroy();
  }
}
