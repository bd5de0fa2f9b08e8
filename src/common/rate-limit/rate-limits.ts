import { Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../../config/app-config';
import type { RateLimitSetting } from '../../config/config.schema';
import { ApiError } from '../errors/api-error';

/** `api`: per API key on /v1; `auth_failure`: failed authentications per client IP; `login`: failed dashboard sign-ins per client IP. */
export type RateLimitBucket = 'api' | 'auth_failure' | 'login';

/** Where a key stands in its window after a request was let through. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Seconds until the window ends and the count starts again. */
  resetSeconds: number;
}

const DETAIL: Record<RateLimitBucket, string> = {
  api: 'Too many requests with this API key',
  auth_failure: 'Too many failed authentications from this address',
  login: 'Too many failed sign-ins from this address',
};

/**
 * Fixed-window request counters, one per bucket, kept in this process's memory (rate-limiter-flexible's
 * RateLimiterMemory): a consume is a Map lookup and an increment, nothing leaves the process. Per instance on
 * purpose — N instances behind a load balancer let a key through up to N times the configured limit.
 */
@Injectable()
export class RateLimits {
  private readonly limiters: Record<RateLimitBucket, RateLimiterMemory | null>;

  constructor(config: AppConfig) {
    const make = (setting: RateLimitSetting | null, keyPrefix: string) =>
      setting ? new RateLimiterMemory({ keyPrefix, points: setting.points, duration: setting.durationMs / 1000 }) : null;
    this.limiters = {
      api: make(config.rateLimits.api, 'api'),
      auth_failure: make(config.rateLimits.authFailures, 'auth'),
      login: make(config.rateLimits.login, 'login'),
    };
  }

  enabled(bucket: RateLimitBucket): boolean {
    return this.limiters[bucket] !== null;
  }

  /**
   * Refuses (429 `rate_limited`, as `consume` does past the limit) when `key` has used up its window, without
   * counting anything: for buckets that count failures only, checked before the attempt.
   */
  async check(bucket: RateLimitBucket, key: string): Promise<void> {
    const limiter = this.limiters[bucket];
    if (!limiter) return;
    const res = await limiter.get(key);
    if (!res || res.consumedPoints < limiter.points) return;
    const state = stateOf(limiter, res);
    throw new ApiError('rate_limited', `${DETAIL[bucket]}; retry after ${state.resetSeconds} s`, {
      headers: { 'Retry-After': String(state.resetSeconds), ...rateLimitHeaders(state) },
    });
  }

  /**
   * Counts one request of `key` (an API key id, a client IP…) in `bucket`. Over the limit it throws the
   * 429 `rate_limited` ApiError with `Retry-After` (seconds) and the RateLimit-* headers; otherwise it
   * returns the window's state (null when the bucket is off).
   */
  async consume(bucket: RateLimitBucket, key: string): Promise<RateLimitState | null> {
    const limiter = this.limiters[bucket];
    if (!limiter) return null;
    try {
      return stateOf(limiter, await limiter.consume(key));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const state = stateOf(limiter, rejection);
      throw new ApiError('rate_limited', `${DETAIL[bucket]}; retry after ${state.resetSeconds} s`, {
        headers: { 'Retry-After': String(state.resetSeconds), ...rateLimitHeaders(state) },
      });
    }
  }
}

function stateOf(limiter: RateLimiterMemory, res: RateLimiterRes): RateLimitState {
  return { limit: limiter.points, remaining: res.remainingPoints, resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
}

/** The IETF httpapi draft's RateLimit-Limit / -Remaining / -Reset (seconds until the window ends). */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return { 'RateLimit-Limit': String(state.limit), 'RateLimit-Remaining': String(state.remaining), 'RateLimit-Reset': String(state.resetSeconds) };
}
