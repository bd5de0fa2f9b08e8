import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { SystemSettings } from '../../database/system-settings';

const VERSION = 'v1';
const GENERATED_KEY = 'encryption_key';

/**
 * Encrypts secrets SmartPay must be able to read back (webhook signing secrets) with AES-256-GCM under
 * SMARTPAY_ENCRYPTION_KEY, so a copy of the database alone does not let anyone sign webhooks as SmartPay.
 * Outside production without a configured key, one is generated once and kept in system_settings —
 * which protects nothing, but keeps development and the sandbox working; production requires the key.
 * Ciphertext: `v1.<iv>.<tag>.<data>` (base64url); the GCM tag makes tampering fail loudly.
 */
@Injectable()
export class SecretBox {
  private key: Promise<Buffer> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly settings: SystemSettings,
  ) {}

  async seal(plaintext: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.keyBytes(), iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  async open(sealed: string): Promise<string> {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', await this.keyBytes(), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  private keyBytes(): Promise<Buffer> {
    this.key ??= this.config.encryptionKey
      ? Promise.resolve(this.config.encryptionKey)
      : this.settings.getOrCreate(GENERATED_KEY, () => randomBytes(32).toString('base64')).then((b64) => Buffer.from(b64, 'base64'));
    return this.key;
  }
}
