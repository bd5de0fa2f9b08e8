import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { SystemSettings } from '../../database/system-settings';
import { generateVapidKeys } from './vapid-keys';
import type { VapidKeys } from './web-push.sender';

const GENERATED = 'vapid_keys';

/**
 * The VAPID key pair push messages are signed with: WEBPUSH_VAPID_PUBLIC_KEY/PRIVATE_KEY when set;
 * outside production without them, a pair generated once and kept in system_settings (browsers keep
 * their subscriptions across restarts only if the key does not change); in production without them,
 * none — Web Push is off and subscribing answers 409 push_not_configured.
 */
@Injectable()
export class VapidProvider {
  private keys: Promise<VapidKeys | null> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly settings: SystemSettings,
  ) {}

  get(): Promise<VapidKeys | null> {
    this.keys ??= this.load();
    return this.keys;
  }

  private async load(): Promise<VapidKeys | null> {
    const { publicKey, privateKey } = this.config.webPush;
    const subject = this.config.webPush.subject ?? `mailto:${senderAddress(this.config.postmark.from)}`;
    if (publicKey && privateKey) return { subject, publicKey, privateKey };
    if (this.config.env === 'production') return null;
    const stored = JSON.parse(await this.settings.getOrCreate(GENERATED, () => JSON.stringify(generateVapidKeys()))) as { publicKey: string; privateKey: string };
    return { subject, ...stored };
  }
}

/** `SmartPay <no-reply@smartpay.pe>` → `no-reply@smartpay.pe`. */
function senderAddress(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}
