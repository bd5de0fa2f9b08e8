import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AppConfig } from '../config/app-config';

/** Where e-mail goes and with which server token. */
export interface MailEndpoint {
  apiUrl: string;
  serverToken: string;
}

/** Injection token: the sandbox module provides the Postmark simulator's endpoint in sandbox mode. */
export const MAIL_ENDPOINT = Symbol('MAIL_ENDPOINT');

/**
 * POSTMARK_SERVER_TOKEN + POSTMARK_API_URL when a token is configured; in sandbox mode without one, the
 * Postmark simulator (in-process or standalone); otherwise e-mail is off. Resolved on first use: the
 * sandbox provides its endpoint asynchronously, from a module production code never imports.
 */
@Injectable()
export class MailEndpointResolver {
  private resolved: MailEndpoint | null | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Whether SmartPay sends e-mail at all (decides whether e-mails are queued). */
  get enabled(): boolean {
    return this.config.postmark.serverToken !== undefined || this.config.sandbox.enabled;
  }

  get(): MailEndpoint | null {
    if (this.resolved !== undefined) return this.resolved;
    const { serverToken, apiUrl } = this.config.postmark;
    if (serverToken) this.resolved = { apiUrl, serverToken };
    else if (this.config.sandbox.enabled) this.resolved = this.moduleRef.get<MailEndpoint | null>(MAIL_ENDPOINT, { strict: false });
    else this.resolved = null;
    return this.resolved;
  }
}
