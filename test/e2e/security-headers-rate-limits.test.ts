import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app';
import { recordSecret } from '../support/test-env';
import { sleep } from '../support/wait';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) console.warn(`docs page in a browser: skipped, ${CHROMIUM} does not exist (install Debian's chromium to run it)`);

const API_CSP = "default-src 'none';frame-ancestors 'none'";

/** The headers helmet adds everywhere on the API surface. */
function expectSecurityHeaders(res: Response, csp = API_CSP): void {
  expect(res.headers['content-security-policy']).toBe(csp);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(res.headers['x-powered-by']).toBeUndefined();
}

/** A directive's sources in a CSP header (`script-src 'self'` → ["'self'"]). */
function directive(csp: string, name: string): string[] | undefined {
  const found = csp.split(';').map((d) => d.trim().split(/\s+/)).find(([n]) => n === name);
  return found?.slice(1);
}

describe('security headers (defaults: no TLS in front)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('are on /v1 answers, errors included, and on /health, /metrics and /sandbox — without HSTS', async () => {
    for (const res of [
      await t.http.get('/v1/orders').set(bearer(t.apiKey)).expect(200),
      await t.http.get('/v1/orders').expect(401),
      await t.http.get('/v1/nothing-here').set(bearer(t.apiKey)).expect(404),
      await t.http.get('/health/live').expect(200),
      await t.http.get('/health/ready').expect(200),
      await t.http.get('/metrics').expect(200),
      await t.http.get('/sandbox/postmark/_messages').expect(200),
      await t.http.post('/webhooks/mercadopago').send({}).expect(401),
    ]) {
      expectSecurityHeaders(res);
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('let the docs page run: its scripts are files from /docs, which its CSP allows, and none is inline', async () => {
    const page = await t.http.get('/docs').redirects(1).expect(200);
    const csp = page.headers['content-security-policy'] as string;
    expect(directive(csp, 'default-src')).toEqual(["'none'"]);
    expect(directive(csp, 'script-src')).toEqual(["'self'"]);
    expect(directive(csp, 'frame-ancestors')).toEqual(["'none'"]);
    const html = page.text;
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    for (const [, attributes, body] of scripts) {
      // No inline script (it would need 'unsafe-inline'), and every source is on this origin.
      expect(body!.trim()).toBe('');
      const src = /\bsrc="([^"]+)"/.exec(attributes!)?.[1];
      expect(src).toBeDefined();
      const url = new URL(src!, `${t.url}/docs`);
      expect(url.origin).toBe(t.url);
      const script = await t.http.get(url.pathname).expect(200);
      expect(script.headers['content-type']).toMatch(/javascript/);
    }
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers
    for (const [, href] of html.matchAll(/<link\b[^>]*\bhref="([^"]+)"/g)) {
      expect(new URL(href!, `${t.url}/docs`).origin).toBe(t.url);
    }
    expect(directive(csp, 'style-src')).toContain("'self'");
    expect(directive(csp, 'img-src')).toEqual(["'self'", 'data:']);
    // The initialiser carries the document itself and calls this origin only ("Try it out").
    const init = await t.http.get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('"openapi": "3.1.0"');
    expect(directive(csp, 'connect-src')).toEqual(["'self'"]);
  });

  it.skipIf(!HAS_CHROMIUM)('let the docs page render in a real browser with no CSP violation', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${t.url}/docs`);
      await page.waitForSelector('.opblock-summary-path', { timeout: 20_000 });
      expect(await page.locator('.opblock-summary-path').count()).toBeGreaterThan(30);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('document 429 rate_limited with Retry-After on every /v1 operation', async () => {
    const doc = (await t.http.get('/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, unknown> }> }>>;
    };
    const v1 = Object.entries(doc.paths).filter(([path]) => path.startsWith('/v1/'));
    expect(v1.length).toBeGreaterThan(30);
    for (const [path, item] of v1) {
      for (const [method, op] of Object.entries(item)) {
        const tooMany = op.responses['429'];
        expect(tooMany, `${method} ${path}`).toBeDefined();
        expect(Object.keys(tooMany!.headers ?? {})).toContain('Retry-After');
        expect(Object.keys(tooMany!.content ?? {})).toEqual(['application/problem+json']);
      }
    }
    expect(doc.paths['/health/live']!.get!.responses['429']).toBeUndefined();
  });
});

describe('rate limits on /v1 and HSTS behind TLS', () => {
  let t: TestApp;
  let other: string;
  beforeAll(async () => {
    t = await startTestApp({
      SMARTPAY_RATE_LIMIT_API: '3/2s',
      SMARTPAY_RATE_LIMIT_AUTH_FAILURES: '2/60s',
      SMARTPAY_PUBLIC_URL: 'https://pay.example.com',
    });
    other = (await t.newTenant('Other')).apiKey;
  });
  afterAll(async () => t.close());

  it('sends Strict-Transport-Security when SMARTPAY_PUBLIC_URL is https', async () => {
    const res = await t.http.get('/health/live').expect(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    expectSecurityHeaders(res);
  });

  it('answers 429 rate_limited with Retry-After to a key over its limit, leaves other keys alone, and lets it in again after the window', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const ok = await t.http.get('/v1/orders').set(bearer(t.apiKey)).expect(200);
      expect(ok.headers['ratelimit-limit']).toBe('3');
      remaining.push(ok.headers['ratelimit-remaining'] as string);
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const limited = await t.http.post('/v1/orders').set(bearer(t.apiKey)).send({ amount: 1000, currency: 'PEN' }).expect(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.body).toMatchObject({ status: 429, code: 'rate_limited', request_id: limited.headers['x-request-id'] });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expectSecurityHeaders(limited);
    // Nothing was created by the refused request.
    const otherOk = await t.http.get('/v1/orders').set(bearer(other)).expect(200);
    expect(otherOk.headers['ratelimit-remaining']).toBe('2');

    await sleep(retryAfter * 1000 + 100);
    const again = await t.http.get('/v1/orders').set(bearer(t.apiKey)).expect(200);
    expect(again.headers['ratelimit-remaining']).toBe('2');
    expect((again.body as { data: unknown[] }).data).toEqual([]);
  });

  it('counts failed authentications per address, not against any key: past the limit they answer 429, valid keys still pass', async () => {
    const bad = `sk_test_${'x'.repeat(40)}`;
    recordSecret(bad);
    await t.http.get('/v1/orders').set(bearer(bad)).expect(401);
    await t.http.get('/v1/orders').expect(401);
    const limited = await t.http.get('/v1/orders').set(bearer(bad)).expect(429);
    expect(limited.body).toMatchObject({ code: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(50);
    await t.http.get('/v1/orders').set(bearer(other)).expect(200);
  });
});

describe('rate limits off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ SMARTPAY_RATE_LIMIT_API: 'off', SMARTPAY_RATE_LIMIT_AUTH_FAILURES: 'off' });
  });
  afterAll(async () => t.close());

  it('limits nothing and sends no RateLimit headers', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await t.http.get('/v1/orders').set(bearer(t.apiKey)).expect(200);
      expect(res.headers['ratelimit-limit']).toBeUndefined();
      expect(res.headers['ratelimit-remaining']).toBeUndefined();
    }
    for (let i = 0; i < 70; i++) await t.http.get('/v1/orders').expect(401);
  });
});
