/**
 * Issue 12 — how SmartPay serves the dashboard's single-page app: index.html for /admin and every client route,
 * with a strict Content-Security-Policy (scripts only from this origin, no inline script, the one style element
 * allowed by a nonce that changes per response), security headers, no caching of the page; assets as files.
 * Needs the build (`npm test` builds before the suites); the browser suite checks the page itself in Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app';

describe('the dashboard app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves /admin and any client route with a strict CSP whose style nonce is the page’s, never inline scripts', async () => {
    for (const path of ['/admin', '/admin/', '/admin/orders/ord_123']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status, path).toBe(200);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
      const html = await res.text();
      expect(html).toContain(`content="${nonce}"`);
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const first = (await fetch(`${t.url}/admin`)).headers.get('content-security-policy');
    const second = (await fetch(`${t.url}/admin`)).headers.get('content-security-policy');
    expect(first).not.toBe(second); // a nonce per response
    expect((await fetch(`${t.url}/admin/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${t.url}/admin/api/nothing-here`)).status).toBe(401);
  });
});
