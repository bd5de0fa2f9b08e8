import type { Server } from 'node:http';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig } from '../config/app-config';

/**
 * Where gateways reach this service's webhook inbox. SMARTPAY_PUBLIC_URL when configured; in sandbox
 * mode without it, the loopback address the server listens on (known only after listen, hence lazy;
 * the simulators accept loopback URLs). Live without a public URL: undefined, so no per-payment URL is
 * sent and the one configured in the gateway's panel applies.
 */
@Injectable()
export class WebhookUrls {
  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** `source_news=webhooks`: only signed Webhooks, no legacy IPN (which cannot be verified; mercadopago.md §6). */
  mercadoPago(): string | undefined {
    const base = this.baseUrl();
    return base ? `${base}/webhooks/mercadopago?source_news=webhooks` : undefined;
  }

  /** Where this service is reached (SMARTPAY_PUBLIC_URL, or the loopback listener in sandbox mode). */
  baseUrl(): string | undefined {
    if (this.config.publicUrl) return this.config.publicUrl.replace(/\/+$/, '');
    if (!this.config.sandbox.enabled) return undefined;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    const address = server?.address();
    if (!address || typeof address === 'string') return undefined;
    // A wildcard listener is reached on loopback from this machine.
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
    return `http://${address.family === 'IPv6' && host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }
}
