import type { EntityManager } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { ApiKeyCache } from '../../src/apps/api-key-cache';
import { AppsService } from '../../src/apps/apps.service';
import { Clock } from '../../src/common/clock';
import { randomBase62, sha256Hex } from '../../src/common/secrets';
import { loadConfig } from '../../src/config/app-config';

/** A clock the test moves by hand. */
class ManualClock extends Clock {
  private ms = Date.UTC(2025, 0, 1);
  override now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

interface KeyRow {
  id: string;
  appId: string;
  keyHash: string;
  revokedAt: Date | null;
}

/**
 * The two EntityManager calls AppsService makes for keys, over an in-memory table, counting the
 * lookups authenticate sends to "the database".
 */
class FakeKeyTable {
  readonly rows: KeyRow[] = [];
  lookups = 0;
  /** Runs while a lookup is in flight, after the row was read (to interleave a revoke). */
  duringLookup: (() => Promise<void>) | undefined;

  readonly em = {
    findOne: async (_entity: unknown, where: { keyHash: string }) => {
      this.lookups++;
      const row = this.rows.find((r) => r.keyHash === where.keyHash);
      const copy = row ? { ...row } : null;
      await this.duringLookup?.();
      return copy;
    },
    nativeUpdate: (_entity: unknown, where: { id: string; revokedAt: null }, data: { revokedAt: Date }) => {
      const row = this.rows.find((r) => r.id === where.id && r.revokedAt === null);
      if (row) row.revokedAt = data.revokedAt;
      return Promise.resolve(row ? 1 : 0);
    },
  } as unknown as EntityManager;

  add(appId: string): { keyId: string; apiKey: string } {
    const apiKey = `sk_test_${randomBase62(40)}`;
    const keyId = `key_${randomBase62(26)}`;
    this.rows.push({ id: keyId, appId, keyHash: sha256Hex(apiKey), revokedAt: null });
    return { keyId, apiKey };
  }

  /** A revoke by another process: straight to the table, the service's cache is not told. */
  revokeElsewhere(keyId: string): void {
    this.rows.find((r) => r.id === keyId)!.revokedAt = new Date();
  }
}

function setup(ttl?: string) {
  const table = new FakeKeyTable();
  const clock = new ManualClock();
  const config = loadConfig(ttl === undefined ? {} : { API_KEY_CACHE_TTL: ttl });
  const apps = new AppsService(table.em, config, clock);
  return { table, clock, apps };
}

describe('API key cache (AppsService.authenticate)', () => {
  it('answers a repeated key from memory, without reading the database again', async () => {
    const { table, apps } = setup();
    const { keyId, apiKey } = table.add('app_1');
    expect(await apps.authenticate(apiKey)).toEqual({ appId: 'app_1', keyId });
    expect(table.lookups).toBe(1);
    for (let i = 0; i < 5; i++) expect(await apps.authenticate(apiKey)).toEqual({ appId: 'app_1', keyId });
    expect(table.lookups).toBe(1);
  });

  it('reads an entry again once the TTL has passed, and then sees a revoke made elsewhere', async () => {
    const { table, clock, apps } = setup('5s');
    const { keyId, apiKey } = table.add('app_1');
    await apps.authenticate(apiKey);
    table.revokeElsewhere(keyId);
    clock.advance(4999);
    // The documented trade-off: within the TTL, a revoke by another process is not seen here.
    expect(await apps.authenticate(apiKey)).toEqual({ appId: 'app_1', keyId });
    expect(table.lookups).toBe(1);
    clock.advance(1);
    expect(await apps.authenticate(apiKey)).toBeNull();
    expect(table.lookups).toBe(2);
  });

  it('refuses a key revoked through this process at once', async () => {
    const { table, apps } = setup('1h');
    const revoked = table.add('app_1');
    const other = table.add('app_1');
    await apps.authenticate(revoked.apiKey);
    await apps.authenticate(other.apiKey);
    expect(await apps.revokeKey(revoked.keyId)).toBe(true);
    expect(await apps.authenticate(revoked.apiKey)).toBeNull();
    // Only that key left the cache.
    const lookups = table.lookups;
    expect(await apps.authenticate(other.apiKey)).toEqual({ appId: 'app_1', keyId: other.keyId });
    expect(table.lookups).toBe(lookups);
  });

  it('drops a cached key on revoke even when another process revoked it first', async () => {
    const { table, apps } = setup('1h');
    const { keyId, apiKey } = table.add('app_1');
    await apps.authenticate(apiKey);
    table.revokeElsewhere(keyId);
    expect(await apps.revokeKey(keyId)).toBe(false);
    expect(await apps.authenticate(apiKey)).toBeNull();
  });

  it('does not cache a row read just before a revoke in this process', async () => {
    const { table, apps } = setup('1h');
    const { keyId, apiKey } = table.add('app_1');
    // The lookup reads the active row, then the revoke commits and clears the cache, then the lookup ends.
    table.duringLookup = async () => {
      table.duringLookup = undefined;
      await apps.revokeKey(keyId);
    };
    expect(await apps.authenticate(apiKey)).toEqual({ appId: 'app_1', keyId });
    expect(await apps.authenticate(apiKey)).toBeNull();
  });

  it('lets the requests that miss together share one read (a busy client whose entry just expired)', async () => {
    const { table, clock, apps } = setup('5s');
    const { keyId, apiKey } = table.add('app_1');
    await apps.authenticate(apiKey);
    clock.advance(5000);
    const answers = await Promise.all(Array.from({ length: 50 }, () => apps.authenticate(apiKey)));
    expect(answers).toEqual(Array.from({ length: 50 }, () => ({ appId: 'app_1', keyId })));
    expect(table.lookups).toBe(2);
    // The shared read is over: the next miss reads again.
    clock.advance(5000);
    await apps.authenticate(apiKey);
    expect(table.lookups).toBe(3);
  });

  it('shares a failed read with the requests that joined it, and reads afresh after it', async () => {
    const { table, apps } = setup();
    const { keyId, apiKey } = table.add('app_1');
    table.duringLookup = () => {
      table.duringLookup = undefined;
      return Promise.reject(new Error('connection lost'));
    };
    const joined = await Promise.allSettled([apps.authenticate(apiKey), apps.authenticate(apiKey)]);
    expect(joined.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(table.lookups).toBe(1);
    expect(await apps.authenticate(apiKey)).toEqual({ appId: 'app_1', keyId });
    expect(table.lookups).toBe(2);
  });

  it('does not let a request that comes after a revoke in this process join a read from before it', async () => {
    const { table, apps } = setup('1h');
    const { keyId, apiKey } = table.add('app_1');
    let afterRevoke: Promise<unknown> | undefined;
    // The first read has the active row in hand when the revoke commits; a request arrives after the revoke.
    table.duringLookup = async () => {
      table.duringLookup = undefined;
      await apps.revokeKey(keyId);
      afterRevoke = apps.authenticate(apiKey);
    };
    expect(await apps.authenticate(apiKey)).toEqual({ appId: 'app_1', keyId });
    expect(await afterRevoke).toBeNull();
    expect(table.lookups).toBe(2);
  });

  it('never caches an unknown or revoked key: each try reads the database', async () => {
    const { table, apps } = setup();
    const unknown = `sk_test_${randomBase62(40)}`;
    const revoked = table.add('app_1');
    table.revokeElsewhere(revoked.keyId);
    for (let i = 0; i < 3; i++) {
      expect(await apps.authenticate(unknown)).toBeNull();
      expect(await apps.authenticate(revoked.apiKey)).toBeNull();
    }
    expect(table.lookups).toBe(6);
    // A key of the wrong shape never reaches the database at all.
    expect(await apps.authenticate('sk_test_short')).toBeNull();
    expect(table.lookups).toBe(6);
  });

  it('with API_KEY_CACHE_TTL=0 reads the database on every request', async () => {
    const { table, apps } = setup('0');
    const { keyId, apiKey } = table.add('app_1');
    for (let i = 0; i < 3; i++) expect(await apps.authenticate(apiKey)).toEqual({ appId: 'app_1', keyId });
    expect(table.lookups).toBe(3);
    table.revokeElsewhere(keyId);
    expect(await apps.authenticate(apiKey)).toBeNull();
  });
});

describe('ApiKeyCache', () => {
  const read = (cache: ApiKeyCache) => cache.begin();

  it('holds at most its bound, dropping the entry read longest ago', () => {
    const clock = new ManualClock();
    const cache = new ApiKeyCache(60_000, clock, 3);
    for (const n of [1, 2, 3]) {
      cache.remember(`h${n}`, { appId: 'app', keyId: `k${n}` }, read(cache));
      clock.advance(10);
    }
    cache.remember('h4', { appId: 'app', keyId: 'k4' }, read(cache));
    expect(cache.size).toBe(3);
    expect(cache.get('h1')).toBeUndefined();
    expect(cache.get('h2')).toEqual({ appId: 'app', keyId: 'k2' });
    expect(cache.get('h4')).toEqual({ appId: 'app', keyId: 'k4' });
  });

  it('counts an entry from the moment its read began, and ends it if the clock goes backwards', () => {
    const clock = new ManualClock();
    const cache = new ApiKeyCache(1000, clock);
    const token = read(cache);
    clock.advance(400); // a slow query
    cache.remember('h', { appId: 'app', keyId: 'k' }, token);
    clock.advance(599);
    expect(cache.get('h')).toBeDefined();
    clock.advance(1);
    expect(cache.get('h')).toBeUndefined();

    cache.remember('h', { appId: 'app', keyId: 'k' }, read(cache));
    clock.advance(-1);
    expect(cache.get('h')).toBeUndefined();
  });
});
