import type { Clock } from '../common/clock';

export interface CachedKey {
  appId: string;
  keyId: string;
}

interface Entry extends CachedKey {
  /** When the key was read from the database (ms since the epoch, from the Clock). */
  readAt: number;
}

/** Upper bound on cached keys: far more keys than one instance serves, a few MB at most. */
export const API_KEY_CACHE_MAX_ENTRIES = 10_000;

/**
 * Keys that authenticated recently, so a busy client does not cost one SELECT per request.
 *
 * Indexed by the key's sha256 (what the database stores), never by the key itself. Only keys that
 * were found and active are put here: unknown and revoked keys always go to the database, so a flood
 * of made-up keys cannot grow the cache. An entry is trusted for `ttlMs` after it was read; that is
 * how long a key revoked by another process (`keys:revoke`, another instance) keeps working here.
 * A revoke made through this process's AppsService drops its entry at once. `ttlMs` 0 turns the
 * cache off.
 *
 * Bounded by insertion order: a Map iterates in insertion order and a re-read key is re-inserted, so
 * the first entry is always the one read longest ago; when the cache is full, that one goes.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, Entry>();
  /**
   * Bumped by every `forget`. A lookup that began before a revoke must not cache what it read (the
   * row may have been read just before the revoke committed): `remember` refuses a stale generation.
   */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
    private readonly maxEntries = API_KEY_CACHE_MAX_ENTRIES,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The key under `keyHash`, when it was read less than ttl ago. */
  get(keyHash: string): CachedKey | undefined {
    const entry = this.entries.get(keyHash);
    if (!entry) return undefined;
    const age = this.now() - entry.readAt;
    // A clock that went backwards (a test moving it, an NTP step) also ends the entry: never trust it longer.
    if (age < 0 || age >= this.ttlMs) {
      this.entries.delete(keyHash);
      return undefined;
    }
    return { appId: entry.appId, keyId: entry.keyId };
  }

  /** A token to take before reading the database, for `remember`. */
  begin(): { generation: number; readAt: number } {
    return { generation: this.generation, readAt: this.now() };
  }

  /** Caches an active key read from the database since `read` was taken. */
  remember(keyHash: string, key: CachedKey, read: { generation: number; readAt: number }): void {
    if (!this.enabled || read.generation !== this.generation) return;
    this.entries.delete(keyHash);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    // The TTL counts from before the read: the row may have changed any time after that.
    this.entries.set(keyHash, { appId: key.appId, keyId: key.keyId, readAt: read.readAt });
  }

  /**
   * Drops the key `keyId` (revoked). A scan rather than a second index: revokes are rare, the cache is
   * bounded, and it needs no query for the key's hash.
   */
  forget(keyId: string): void {
    this.generation++;
    for (const [hash, entry] of this.entries) {
      if (entry.keyId === keyId) this.entries.delete(hash);
    }
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
