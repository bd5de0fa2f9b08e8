import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { newId } from '../common/ids';
import { randomBase62, sha256Hex } from '../common/secrets';
import { ApiKeyCache } from './api-key-cache';
import { ApiKey } from './api-key.entity';
import { App } from './app.entity';
import { type AppSettings, withDefaults } from './app-settings';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : Partial<T[K]>) : T[K] };

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
  /**
   * Key lookups in flight, by key hash. When a busy client's cached key expires, every request that arrives
   * before the new read returns would otherwise send its own — measured: ~160 SELECTs per expiry at 400
   * requests/s, each holding a pool connection the requests behind them wait for. They share one read instead.
   */
  private readonly lookups = new Map<string, Promise<AuthenticatedApp | null>>();

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
    // A request from now on must not join a lookup that may have read the row before the revoke.
    this.lookups.clear();
    return changed === 1;
  }

  /** The app's name and notification settings (defaults filled in). */
  async settings(appId: string): Promise<{ name: string; settings: AppSettings }> {
    const app = await this.em.fork().findOneOrFail(App, { id: appId });
    return { name: app.name, settings: withDefaults(app.settings) };
  }

  /** Replaces the given settings (nested objects merge), keeping the others. */
  async updateSettings(appId: string, patch: DeepPartial<AppSettings>): Promise<{ name: string; settings: AppSettings }> {
    const em = this.em.fork();
    const app = await em.findOneOrFail(App, { id: appId });
    const current = withDefaults(app.settings);
    app.settings = {
      ...current,
      ...(patch.alert_emails !== undefined ? { alert_emails: [...patch.alert_emails] } : {}),
      ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
      ...(patch.payment_retry_url !== undefined ? { payment_retry_url: patch.payment_retry_url } : {}),
      customer_emails: { ...current.customer_emails, ...patch.customer_emails },
      summaries: { ...current.summaries, ...patch.summaries },
    };
    await em.flush();
    return { name: app.name, settings: withDefaults(app.settings) };
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
    const inFlight = this.lookups.get(keyHash);
    if (inFlight) return inFlight;
    const lookup: Promise<AuthenticatedApp | null> = this.lookUp(keyHash).finally(() => {
      if (this.lookups.get(keyHash) === lookup) this.lookups.delete(keyHash);
    });
    this.lookups.set(keyHash, lookup);
    return lookup;
  }

  private async lookUp(keyHash: string): Promise<AuthenticatedApp | null> {
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
