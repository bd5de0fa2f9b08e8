import { describe, expect, it } from 'vitest';
import { describeJobError, LAST_ERROR_LIMIT, retryDelayMs } from '../../src/jobs/job-retry';
import { recurringKey } from '../../src/jobs/recurring';

describe('job retry delay (exponential backoff, full jitter)', () => {
  it('the ceiling doubles per attempt from the base up to the cap', () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, 1000, 20_000, top))).toEqual([999, 1999, 3999, 7999, 15_999, 19_999]);
    expect(retryDelayMs(60, 1000, 3_600_000, top)).toBe(3_599_996); // capped at 1 h (no overflow at attempt 60)
  });

  it('is uniform between 0 and the ceiling', () => {
    expect(retryDelayMs(3, 1000, 60_000, () => 0)).toBe(0);
    expect(retryDelayMs(3, 1000, 60_000, () => 0.5)).toBe(2000);
    const samples = Array.from({ length: 2000 }, () => retryDelayMs(4, 100, 60_000));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(800);
    const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
    expect(mean).toBeGreaterThan(340);
    expect(mean).toBeLessThan(460);
  });
});

describe('last_error of a failed job', () => {
  it('keeps the name and message, scrubbed of keys, tokens, card numbers and e-mails', () => {
    const text = describeJobError(
      new TypeError('sk_live_abcdefghijklmnopqrstuvwxyz123456 Bearer eyJhbGciOi.x.y tkn_test_abc123 4111 1111 1111 1111 ana.perez@example.com APP_USR-1234567890-abcdef'),
    );
    expect(text).toMatch(/^TypeError: /);
    for (const secret of ['sk_live_abc', 'eyJhbGciOi', 'tkn_test_abc123', '4111 1111', 'ana.perez@', 'APP_USR-1234567890']) expect(text).not.toContain(secret);
    expect(text).toContain('a***@example.com');
  });

  it('omits the SQL of a failed statement and never exceeds the column', () => {
    expect(describeJobError(new Error("insert into `customers` (`email`) values ('x@y.pe') - Duplicate entry"))).toBe('Error: [sql omitted] Duplicate entry');
    expect(describeJobError(new Error('x'.repeat(5000)))).toHaveLength(LAST_ERROR_LIMIT);
    expect(describeJobError('plain string')).toBe('plain string');
  });
});

describe('recurring job keys', () => {
  it('are the same for every instant of one period and change at its boundary', () => {
    expect(recurringKey('jobs.purge', 60_000, new Date(120_000))).toBe('recurring:jobs.purge:2');
    expect(recurringKey('jobs.purge', 60_000, new Date(179_999))).toBe('recurring:jobs.purge:2');
    expect(recurringKey('jobs.purge', 60_000, new Date(180_000))).toBe('recurring:jobs.purge:3');
  });
});
