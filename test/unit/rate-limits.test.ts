import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/common/errors/api-error';
import { RateLimits } from '../../src/common/rate-limit/rate-limits';
import { ConfigError, loadConfig } from '../../src/config/app-config';

/** The problems loadConfig reports for `env`, or [] when it accepts it. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('rate limit configuration', () => {
  it('defaults to 6000 requests per key and 60 failed authentications per address a minute, 10 logins', () => {
    expect(loadConfig({}).rateLimits).toEqual({
      api: { points: 6000, durationMs: 60_000 },
      authFailures: { points: 60, durationMs: 60_000 },
      login: { points: 10, durationMs: 60_000 },
    });
  });

  it('reads <requests>/<window> and off', () => {
    const config = loadConfig({ SMARTPAY_RATE_LIMIT_API: '600/60s', SMARTPAY_RATE_LIMIT_LOGIN: '5/15m', SMARTPAY_RATE_LIMIT_AUTH_FAILURES: 'off' });
    expect(config.rateLimits).toEqual({ api: { points: 600, durationMs: 60_000 }, login: { points: 5, durationMs: 900_000 }, authFailures: null });
    expect(loadConfig({ SMARTPAY_RATE_LIMIT_API: ' 10 / 1s ' }).rateLimits.api).toEqual({ points: 10, durationMs: 1000 });
  });

  it.each([
    ['SMARTPAY_RATE_LIMIT_API', '600'],
    ['SMARTPAY_RATE_LIMIT_API', '600/'],
    ['SMARTPAY_RATE_LIMIT_API', '0/60s'],
    ['SMARTPAY_RATE_LIMIT_API', '-1/60s'],
    ['SMARTPAY_RATE_LIMIT_API', '1.5/60s'],
    ['SMARTPAY_RATE_LIMIT_API', '600/60'],
    ['SMARTPAY_RATE_LIMIT_API', '600/500ms'],
    ['SMARTPAY_RATE_LIMIT_API', '600/1500ms'],
    ['SMARTPAY_RATE_LIMIT_API', '600/2d'],
    ['SMARTPAY_RATE_LIMIT_API', 'OFF'],
    ['SMARTPAY_RATE_LIMIT_LOGIN', 'ten/60s'],
    ['SMARTPAY_RATE_LIMIT_AUTH_FAILURES', '60 per minute'],
  ])('rejects %s=%s, naming the variable', (name, value) => {
    const found = problems({ [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${name}: .*is not a limit like 600/60s`));
  });
});

describe('RateLimits', () => {
  const limits = (env: Record<string, string>) => new RateLimits(loadConfig(env));

  it('lets a key through up to the limit, then throws rate_limited with Retry-After; other keys are counted apart', async () => {
    const rl = limits({ SMARTPAY_RATE_LIMIT_LOGIN: '2/60s' });
    expect(await rl.consume('login', '10.0.0.1')).toEqual({ limit: 2, remaining: 1, resetSeconds: 60 });
    expect(await rl.consume('login', '10.0.0.1')).toMatchObject({ remaining: 0 });
    const error = await rl.consume('login', '10.0.0.1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'rate_limited', status: 429 });
    const headers = (error as ApiError).extra.headers!;
    expect(Number(headers['Retry-After'])).toBeGreaterThanOrEqual(59);
    expect(Number(headers['Retry-After'])).toBeLessThanOrEqual(60);
    expect(headers).toMatchObject({ 'RateLimit-Limit': '2', 'RateLimit-Remaining': '0' });
    expect(await rl.consume('login', '10.0.0.2')).toMatchObject({ remaining: 1 });
    // Buckets are separate counters.
    expect(await rl.consume('api', '10.0.0.1')).toMatchObject({ limit: 6000 });
  });

  it('counts nothing and returns null when a bucket is off', async () => {
    const rl = limits({ SMARTPAY_RATE_LIMIT_LOGIN: 'off' });
    expect(rl.enabled('login')).toBe(false);
    for (let i = 0; i < 50; i++) expect(await rl.consume('login', 'x')).toBeNull();
  });
});
