import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { randomBase62, sha256Hex } from '../common/secrets';
import { ApiKey } from './api-key.entity';
import { App } from './app.entity';

export interface IssuedKey {
  keyId: string;
  /** The secret itself: returned once, never stored. */
  apiKey: string;
}

export interface AuthenticatedApp {
  appId: string;
  keyId: string;
}

const KEY_SHAPE = /^sk_(test|live)_[A-Za-z0-9]{32,}$/;

/** Tenants and their API keys. */
@Injectable()
export class AppsService {
  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async createApp(name: string, presetKey?: string): Promise<{ appId: string } & IssuedKey> {
    const app = this.em.create(App, { id: newId('app'), name, createdAt: this.clock.now() });
    const { entity: key, apiKey } = this.buildKey(app.id, presetKey);
    await this.em.persistAndFlush([app, key]);
    return { appId: app.id, keyId: key.id, apiKey };
  }

  async createKey(appId: string): Promise<IssuedKey | null> {
    const app = await this.em.findOne(App, { id: appId });
    if (!app) return null;
    const { entity, apiKey } = this.buildKey(appId);
    await this.em.persistAndFlush(entity);
    return { keyId: entity.id, apiKey };
  }

  /** Revokes a key; false when no such key is active. */
  async revokeKey(keyId: string): Promise<boolean> {
    const changed = await this.em.nativeUpdate(ApiKey, { id: keyId, revokedAt: null }, { revokedAt: this.clock.now() });
    return changed === 1;
  }

  async countApps(): Promise<number> {
    return this.em.count(App, {});
  }

  /** The app a presented key belongs to, or null for an unknown or revoked key. */
  async authenticate(presented: string): Promise<AuthenticatedApp | null> {
    if (!KEY_SHAPE.test(presented)) return null;
    const key = await this.em.findOne(ApiKey, { keyHash: sha256Hex(presented) }, { fields: ['id', 'appId', 'revokedAt'] });
    if (!key || key.revokedAt) return null;
    return { appId: key.appId, keyId: key.id };
  }

  private buildKey(appId: string, preset?: string): { entity: ApiKey; apiKey: string } {
    const apiKey = preset ?? `sk_${this.config.keyMode}_${randomBase62(40)}`;
    const entity = this.em.create(ApiKey, {
      id: newId('key'),
      appId,
      keyHash: sha256Hex(apiKey),
      keyPrefix: apiKey.slice(0, 12),
      mode: apiKey.startsWith('sk_live_') ? 'live' : 'test',
      createdAt: this.clock.now(),
      revokedAt: null,
    });
    return { entity, apiKey };
  }
}
