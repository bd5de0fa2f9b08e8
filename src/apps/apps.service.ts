import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { randomBase62, sha256Hex } from '../common/secrets';
import { ApiKeyCache } from './api-key-cache';
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
  /** Recent successful key lookups (API_KEY_CACHE_TTL); one per service, so one per process. */
  private readonly keyCache: ApiKeyCache;

  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.keyCache = new ApiKeyCache(config.apiKeyCacheTtlMs, clock);
  }

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

  /**
   * Revokes a key; false when no such key is active. This process stops accepting it at once; other
   * processes within API_KEY_CACHE_TTL.
   */
  async revokeKey(keyId: string): Promise<boolean> {
    const changed = await this.em.nativeUpdate(ApiKey, { id: keyId, revokedAt: null }, { revokedAt: this.clock.now() });
    // After the update, and even when it changed nothing (revoked elsewhere, still cached here).
    this.keyCache.forget(keyId);
    return changed === 1;
  }

  async countApps(): Promise<number> {
    return this.em.count(App, {});
  }

  /** The app a presented key belongs to, or null for an unknown or revoked key. */
  async authenticate(presented: string): Promise<AuthenticatedApp | null> {
    if (!KEY_SHAPE.test(presented)) return null;
    const keyHash = sha256Hex(presented);
    const cached = this.keyCache.get(keyHash);
    if (cached) return cached;
    const read = this.keyCache.begin();
    const key = await this.em.findOne(ApiKey, { keyHash }, { fields: ['id', 'appId', 'revokedAt'] });
    // Unknown and revoked keys are never cached: each of them costs a lookup, but cannot fill the cache.
    if (!key || key.revokedAt) return null;
    const found = { appId: key.appId, keyId: key.id };
    this.keyCache.remember(keyHash, found, read);
    return found;
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
