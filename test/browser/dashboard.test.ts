/**
 * Issue 12 — the dashboard in real Chromium against the real app (SQLite, sandboxes) filled by the same
 * seeding as `npm run seed:demo`: sign in, KPIs equal to the reports API for the period the page asked for,
 * an order with its attempts, a refund from the order page, the CSV export, sign-out; a viewer cannot
 * refund; repeated wrong passwords lock the account; a write without the CSRF token is refused; axe-core
 * finds no serious violation; no page breaks its Content-Security-Policy. Screenshots of the overview, an
 * order and the credits page (desktop and phone) are written to docs/images on every run.
 */
import { parse } from 'csv-parse/sync';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../src/common/secrets';
import { AlertsService } from '../../src/alerts/alerts.service';
import { successRateAlert } from '../../src/alerts/alert-rules';
import { seedDemo, type SeededDemo } from '../../src/demo/seed-demo';
import { HAS_CHROMIUM, launchChromium, seriousA11yViolations, watchCspViolations } from '../support/browser';
import { startTestApp, bearer, type TestApp } from '../support/test-app';
import { expectLedgerConsistent } from '../support/credits';
import { pushMessages, pushSubscription, sandboxInfo } from '../support/sandbox-client';
import { until } from '../support/wait';
import { recordSecret } from '../support/test-env';

if (!HAS_CHROMIUM) console.warn('dashboard browser tests: skipped, /usr/bin/chromium does not exist (install Debian’s chromium)');

const DOCS_IMAGES = resolve(__dirname, '..', '..', 'docs', 'images');
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
const LOCKOUT = 3;

describe.skipIf(!HAS_CHROMIUM)('the dashboard in Chromium', () => {
  let t: TestApp;
  let demo: SeededDemo;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const users = {
    admin: { email: 'admin@smartpay.demo', password: randomBase62(20), role: 'admin' as const },
    viewer: { email: 'viewer@smartpay.demo', password: randomBase62(20), role: 'viewer' as const },
    locked: { email: 'locked@smartpay.demo', password: randomBase62(20), role: 'admin' as const },
  };

  beforeAll(async () => {
    for (const u of Object.values(users)) recordSecret(u.password);
    t = await startTestApp({ SMARTPAY_ADMIN_LOCKOUT: String(LOCKOUT) });
    demo = await seedDemo(t.app, t.url, { days: 30, perDay: 60, admins: Object.values(users) });
    recordSecret(demo.apiKey);
    browser = await launchChromium();
    mkdirSync(DOCS_IMAGES, { recursive: true });
  }, 120_000);
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A fresh browser profile in English with the demo app chosen, at the sign-in page. */
  async function open(viewport = DESKTOP, prepare?: (context: BrowserContext) => Promise<void>): Promise<{ page: Page; csp: string[] }> {
    const context = await browser.newContext({ viewport, baseURL: t.url, acceptDownloads: true, locale: 'en-US', timezoneId: 'America/Lima' });
    contexts.push(context);
    await prepare?.(context);
    await context.addInitScript(
      ([appId]) => {
        // Runs in the page (no DOM types in this project's compilation).
        const storage = (globalThis as unknown as { localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void } }).localStorage;
        if (!storage.getItem('smartpay.admin.lang')) storage.setItem('smartpay.admin.lang', 'en');
        storage.setItem('smartpay.admin.app', appId!);
      },
      [demo.appId],
    );
    const page = await context.newPage();
    const csp = watchCspViolations(page);
    await page.goto('/admin/');
    return { page, csp };
  }

  async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
    await page.getByLabel(/^E-mail/).fill(who.email);
    await page.getByLabel(/^Password/).fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function signedIn(who: { email: string; password: string }, viewport = DESKTOP, prepare?: (context: BrowserContext) => Promise<void>) {
    const opened = await open(viewport, prepare);
    await signIn(opened.page, who);
    await opened.page.getByTestId('kpis').waitFor();
    return opened;
  }

  const api = async (path: string) => {
    const res = await t.http.get(path).set(bearer(demo.apiKey));
    expect(res.status, path).toBe(200);
    return res.body;
  };

  it('signs in and shows KPIs equal to the reports API for the same period, against the previous one', async () => {
    const { page, csp } = await open();
    const summaryAsked = page.waitForResponse((r) => r.url().includes('/v1/reports/summary') && r.status() === 200);
    await signIn(page, users.admin);
    const asked = new URL((await summaryAsked).url());
    await page.getByTestId('kpi-success-rate').waitFor();
    const expected = await api(`/v1/reports/summary${asked.search}`);
    const currency = asked.searchParams.get('currency') ?? 'PEN';
    const value = async (name: string) => Number(await page.getByTestId(`kpi-${name}`).getAttribute('data-value'));
    expect(await value('success-rate')).toBe(expected.charges.success_rate);
    expect(await value('attempts')).toBe(expected.charges.attempts);
    expect(await value('amount')).toBe(expected.processed.find((p: { currency: string }) => p.currency === currency)?.amount ?? 0);
    expect(await value('avg-ms')).toBe(expected.processing_time_ms.average);
    expect(await value('p95-ms')).toBe(expected.processing_time_ms.p95);
    expect(expected.charges.attempts).toBeGreaterThan(50); // the seeded history is in the period
    // What a person reads: the attempts formatted, the amount in soles.
    expect(await page.getByTestId('kpi-attempts').innerText()).toBe(expected.charges.attempts.toLocaleString('en-US'));
    expect(await page.getByTestId('kpi-amount').innerText()).toMatch(/^S\/ [\d,]+\.\d{2}$/);
    expect(await page.getByTestId('admin-email').innerText()).toBe(users.admin.email);
    await page.mouse.move(0, 0); // no chart tooltip in the picture
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(DOCS_IMAGES, 'dashboard-overview.png'), fullPage: true });
    expect(csp).toEqual([]);
  });

  it('opens an order with its attempts, refunds it, and the API agrees', async () => {
    const { page, csp } = await signedIn(users.admin);
    const orderId = demo.paidOrders[0]!;
    await page.goto(`/admin/#/orders/${orderId}`);
    await page.getByTestId('order-amount').waitFor();
    expect(Number(await page.getByTestId('order-amount').getAttribute('data-value'))).toBe(11_800);
    const charges = await api(`/v1/orders/${orderId}/charges`);
    for (const charge of charges.data as { id: string }[]) await expect.poll(() => page.getByText(charge.id).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(DOCS_IMAGES, 'dashboard-order.png'), fullPage: true });

    await page.getByTestId('refund-button').click();
    await page.getByTestId('refund-amount').fill('25.00');
    await page.getByTestId('refund-submit').click();
    await expect.poll(async () => (await api(`/v1/orders/${orderId}`)).amount_refunded, { timeout: 10_000 }).toBe(2_500);
    await page.getByTestId('refund-row').first().waitFor();
    const log = await t.http.get('/admin/api/audit-log'); // no session: the audit log is not public
    expect(log.status).toBe(401);
    expect(csp).toEqual([]);
  });

  it('exports the period’s transactions as CSV, one row per charge', async () => {
    const { page } = await signedIn(users.admin);
    await page.goto('/admin/#/reports');
    const link = page.getByTestId('export-csv');
    await link.waitFor();
    const href = new URL((await link.getAttribute('href'))!, t.url);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const text = readFileSync(await download.path(), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff); // BOM: spreadsheets read the accents right
    const rows = parse<Record<string, string>>(text.slice(1), { columns: true });
    const summary = await api(`/v1/reports/summary?${href.searchParams.toString()}`);
    expect(rows.length).toBe(summary.charges.attempts);
    expect(rows.length).toBeGreaterThan(50);
  });

  it('signs out: the session is gone on the server', async () => {
    const { page } = await signedIn(users.admin);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'smartpay_admin')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
    await page.getByTestId('logout').click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const replay = await fetch(`${t.url}/admin/api/session`, { headers: { Cookie: `smartpay_admin=${session.value}` } });
    expect(replay.status).toBe(401);
  });

  it('a viewer sees the order but no refund or redeliver button', async () => {
    const { page } = await signedIn(users.viewer);
    await page.goto(`/admin/#/orders/${demo.paidOrders[1]}`);
    await page.getByTestId('order-amount').waitFor();
    await page.getByTestId('event-row').first().waitFor();
    expect(await page.getByTestId('refund-button').count()).toBe(0);
    expect(await page.getByTestId('redeliver-button').count()).toBe(0);
    expect(await page.getByTestId('admin-role').innerText()).toMatch(/read only/i);
  });

  it(`locks the account after ${LOCKOUT} wrong passwords, and says so`, async () => {
    const { page } = await open();
    for (let i = 0; i < LOCKOUT; i++) {
      await signIn(page, { email: users.locked.email, password: `wrong-${i}` });
      await expect.poll(() => page.getByTestId('login-error').getAttribute('data-code')).toBe(i < LOCKOUT - 1 ? 'invalid_credentials' : 'account_locked');
      if (i < LOCKOUT - 1) await page.getByTestId('login-error').waitFor(); // each answer shown before the next try
    }
    await signIn(page, users.locked);
    await expect.poll(() => page.getByTestId('login-error').getAttribute('data-code')).toBe('account_locked');
    expect(await page.getByTestId('login-error').innerText()).toMatch(/15 min/);
  });

  it('a write without the CSRF token is refused, even from the signed-in page itself', async () => {
    const { page } = await signedIn(users.admin);
    const answer = await page.evaluate(async ([appId, orderId]) => {
      const res = await fetch(`/admin/api/apps/${appId}/v1/refunds`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ order_id: orderId }),
      });
      return { status: res.status, body: (await res.json()) as { code: string } };
    }, [demo.appId, demo.paidOrders[2]!]);
    expect(answer).toEqual({ status: 403, body: expect.objectContaining({ code: 'csrf_failed' }) });
  });

  it('credits page: totals equal the summary, the chart the time series, over a month of ledger that adds up', async () => {
    // The demo's backdated ledger and the live one satisfy the ledger invariant like any other.
    for (const customer of demo.customers.slice(0, 4)) await expectLedgerConsistent(t, customer);
    const { page, csp } = await signedIn(users.admin);
    const summaryAsked = page.waitForResponse((r) => r.url().includes('/v1/reports/summary') && r.status() === 200);
    const seriesAsked = page.waitForResponse((r) => r.url().includes('/v1/reports/timeseries') && r.status() === 200);
    await page.goto('/admin/#/credits');
    const [summaryUrl, seriesUrl] = [new URL((await summaryAsked).url()), new URL((await seriesAsked).url())];
    const summary = await api(`/v1/reports/summary${summaryUrl.search}`);
    const series = await api(`/v1/reports/timeseries${seriesUrl.search}`);
    await page.getByTestId('credits-consumed').waitFor();
    for (const key of ['purchased', 'bonus', 'granted', 'consumed', 'expired', 'reversed']) {
      expect(Number(await page.getByTestId(`credits-${key}`).getAttribute('data-value')), key).toBe(summary.credits[key]);
    }
    // What the chart plots, read from its table for screen readers: one row per bucket.
    const table = page.locator('table', { has: page.locator('caption', { hasText: 'Credits added, consumed and expired' }) });
    await table.waitFor({ state: 'attached' });
    const shown = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Array.from((r as unknown as { children: ArrayLike<{ textContent: string | null }> }).children).map((c) => c.textContent ?? '')));
    type Movements = Record<'purchased' | 'bonus' | 'granted' | 'consumed' | 'expired' | 'reversed', number>;
    const buckets = series.buckets as { credits: Movements }[];
    const n = (v: number) => v.toLocaleString('en-US');
    expect(shown.map((r) => r.slice(1))).toEqual(buckets.map(({ credits: c }) => [n(c.purchased + c.bonus + c.granted), n(c.consumed), n(c.expired), n(c.reversed)]));
    // The history is in the default week: consumption every day, the promotion's expiry (five days ago).
    expect(buckets.length).toBe(7);
    expect(buckets.every((b) => b.credits.consumed > 0)).toBe(true);
    expect(buckets.some((b) => b.credits.expired > 0)).toBe(true);
    expect(buckets.reduce((s, b) => s + b.credits.consumed, 0)).toBe(summary.credits.consumed);
    expect(csp).toEqual([]);
  });

  it('enables browser notifications: the page subscribes through its service worker, and an alert arrives by Web Push and is shown', async () => {
    // Everything is real but the browser vendor's push service, which a machine without internet cannot reach
    // (headless Chromium's own pushManager.subscribe fails there): the sandbox's push service stands in for it.
    // The page's PushManager hands out a subscription the sandbox issued for the app's VAPID key, as a browser
    // hands out the one its vendor issued; SmartPay encrypts and VAPID-signs the push, the sandbox decrypts it,
    // and the payload is given to the dashboard's real service worker as a push event.
    const info = await sandboxInfo(t);
    const { public_key: vapidKey } = (await api('/v1/alerts/push-key')) as { public_key: string };
    const issued = await pushSubscription(info, vapidKey);
    const { page, csp } = await signedIn(users.admin, DESKTOP, async (context) => {
      await context.grantPermissions(['notifications'], { origin: t.url });
      await context.addInitScript((subscription) => {
        // Runs in the page, before the dashboard's scripts.
        const g = globalThis as unknown as Record<string, unknown> & { PushManager: { prototype: Record<string, unknown> } };
        let current: unknown = null;
        g.PushManager.prototype.getSubscription = () => Promise.resolve(current);
        g.PushManager.prototype.subscribe = (options: { userVisibleOnly: boolean; applicationServerKey: ArrayBuffer | Uint8Array }) => {
          const bytes = Array.from(new Uint8Array(options.applicationServerKey instanceof ArrayBuffer ? options.applicationServerKey : options.applicationServerKey.buffer));
          g.__subscribeAsked = { userVisibleOnly: options.userVisibleOnly, key: btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') };
          current = { endpoint: subscription.endpoint, expirationTime: null, toJSON: () => ({ endpoint: subscription.endpoint, expirationTime: null, keys: subscription.keys }) };
          return Promise.resolve(current);
        };
      }, issued);
    });
    await page.goto('/admin/#/alerts');
    await page.getByTestId('enable-push').click();
    await page.getByText('Notifications enabled in this browser').waitFor();
    // The page asked for a user-visible subscription with the app's VAPID key, registered /admin/sw.js, and SmartPay keeps the subscription.
    expect(await page.evaluate(() => (globalThis as unknown as { __subscribeAsked: unknown }).__subscribeAsked)).toEqual({ userVisibleOnly: true, key: vapidKey });
    const subscriptions = (await api('/v1/alerts/push-subscriptions')).data as { endpoint: string }[];
    expect(subscriptions.map((x) => x.endpoint)).toContain(issued.endpoint);
    const context = page.context();
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    expect(new URL(worker.url()).pathname).toBe('/admin/sw.js');

    const spec = { ...successRateAlert(demo.appId, { attempts: 40, succeeded: 12, windowMs: 900_000, belowPercent: 80 }), key: `success_rate:push-test:${randomBase62(6)}` };
    const alert = await t.app.get(AlertsService).raise(spec);
    expect(alert).not.toBeNull();
    const [push] = await until(() => pushMessages(info, issued.endpoint), (m) => m.some((x) => x.payload.alert_id === alert!.id), 15_000, 'the alert pushed to this browser');
    expect(push!.payload).toMatchObject({ type: 'alert', alert_id: alert!.id, severity: 'critical', title: alert!.title });

    // The service worker turns the push into a notification (critical: it stays until the person acts).
    const shown = await worker.evaluate(async (payload) => {
      const scope = globalThis as unknown as {
        dispatchEvent(e: unknown): void;
        PushEvent: new (type: string, init: { data: string }) => unknown;
        registration: { getNotifications(): Promise<{ title: string; body: string; tag: string; requireInteraction: boolean; data: unknown }[]> };
      };
      scope.dispatchEvent(new scope.PushEvent('push', { data: JSON.stringify(payload) }));
      // Up to 15 s: on a loaded CI machine showing the notification once took longer than 5 s.
      for (let i = 0; i < 150; i++) {
        const list = await scope.registration.getNotifications();
        if (list.length > 0) return list.map((n) => ({ title: n.title, body: n.body, tag: n.tag, requireInteraction: n.requireInteraction, data: n.data }));
        await new Promise((r) => setTimeout(r, 100));
      }
      return [];
    }, push!.payload);
    expect(shown).toEqual([{ title: alert!.title, body: expect.any(String), tag: alert!.id, requireInteraction: true, data: { url: '/admin/#/alerts' } }]);
    expect(csp).toEqual([]);
  });

  it('has no serious accessibility violation on the main pages', async () => {
    const { page, csp } = await signedIn(users.admin);
    const pages = ['#/', '#/gateways', '#/orders', `#/orders/${demo.paidOrders[0]}`, `#/customers/${demo.creditCustomer}`, '#/credits', '#/alerts', '#/jobs', '#/reports', '#/audit-log'];
    const found: Record<string, unknown> = {};
    for (const hash of pages) {
      await page.goto(`/admin/${hash}`);
      await page.getByRole('main').waitFor();
      await page.waitForLoadState('networkidle');
      const violations = await seriousA11yViolations(page);
      if (violations.length) found[hash] = violations;
    }
    expect(found).toEqual({});
    expect(csp).toEqual([]);
  });

  it('works on a phone: screenshots of the overview, an order and the credits page', async () => {
    const { page } = await signedIn(users.admin, PHONE);
    await page.screenshot({ path: join(DOCS_IMAGES, 'dashboard-overview-phone.png'), fullPage: true });
    const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(PHONE.width); // nothing wider than the screen: tables scroll inside their box
    await page.goto(`/admin/#/orders/${demo.paidOrders[0]}`);
    await page.getByTestId('order-amount').waitFor();
    await page.screenshot({ path: join(DOCS_IMAGES, 'dashboard-order-phone.png'), fullPage: true });
    await page.goto('/admin/#/credits');
    await page.getByTestId('credits-consumed').waitFor();
    await page.waitForLoadState('networkidle');
    await page.mouse.move(0, 0); // the pointer left over from signing in would highlight one chart series
    await page.screenshot({ path: join(DOCS_IMAGES, 'dashboard-credits-phone.png'), fullPage: true });

    const desktop = await signedIn(users.admin);
    await desktop.page.goto('/admin/#/credits');
    await desktop.page.getByTestId('credits-consumed').waitFor();
    await desktop.page.waitForLoadState('networkidle');
    await desktop.page.mouse.move(0, 0);
    await desktop.page.screenshot({ path: join(DOCS_IMAGES, 'dashboard-credits.png'), fullPage: true });
  });
});
