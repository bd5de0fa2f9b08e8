/**
 * Issue 12 — the dashboard's API (docs/admin.md), through real HTTP on SQLite and MariaDB/MySQL: sign-in and
 * its cookie, lockout that holds across instances, CSRF on every write, roles, the /v1 bridge answering what
 * the public API answers, the audit log, an order's activity, sign-out and session expiry. The browser suite
 * (test/browser) drives the same API through the real dashboard in Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, payWithCulqi } from '../support/charge-fixtures';
import { adminClient, createAdmin, signedInAdmin, type AdminClient } from '../support/admin-client';
import { startSandboxApp } from '../support/sandbox-app';
import type { SandboxInfo } from '../support/sandbox-client';
import { bearer, startTestApp, type TestApp } from '../support/test-app';
import { sleep, until } from '../support/wait';
import type { Client } from '../support/charge-fixtures';

const LOCKOUT = 3;

describe('admin API', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  let second: TestApp;
  let admin: AdminClient;
  let viewer: AdminClient;
  let paidOrder: string;

  beforeAll(async () => {
    // This suite fails many sign-ins from one address on purpose; the per-address limit has its own test below.
    const env = { SMARTPAY_ADMIN_LOCKOUT: String(LOCKOUT), SMARTPAY_ADMIN_LOCKOUT_DURATION: '10m', SMARTPAY_RATE_LIMIT_LOGIN: '1000/60s' };
    ({ t, c, info } = await startSandboxApp(env));
    second = await startTestApp(env, { sameDatabaseAs: t });
    admin = await signedInAdmin(t, 'admin');
    viewer = await signedInAdmin(t, 'viewer');
    paidOrder = await createOrder(c, { amount: 11_800 });
    await payWithCulqi(c, info, paidOrder);
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  const bridge = (path: string) => `/admin/api/apps/${t.appId}/v1${path}`;

  describe('sign-in', () => {
    it('sets an HttpOnly, SameSite=Strict cookie scoped to /admin and returns the CSRF token; the session reads back', async () => {
      const { email, password } = await createAdmin(t, 'viewer');
      const client = adminClient(t, email);
      const res = await client.signIn(password);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ object: 'admin_session', admin: { email, role: 'viewer' } });
      expect(res.body.csrf_token).toMatch(/^[A-Za-z0-9]{43}$/);
      const cookie = res.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^smartpay_admin=[A-Za-z0-9]{43};/);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
      expect(cookie).toMatch(/Path=\/admin/);
      expect(cookie).not.toMatch(/Secure/); // plain http in tests; behind TLS the cookie is Secure
      const again = await client.get('/admin/api/session');
      expect(again.status).toBe(200);
      expect(again.body.csrf_token).toBe(res.body.csrf_token);
    });

    it('answers an unknown e-mail and a wrong password alike (401 invalid_credentials), and needs a session for everything else', async () => {
      const { email } = await createAdmin(t, 'admin');
      const wrong = await adminClient(t, email).signIn('not-the-password');
      const unknown = await adminClient(t, 'nobody@smartpay.test').signIn('not-the-password');
      for (const res of [wrong, unknown]) {
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('invalid_credentials');
      }
      expect(wrong.body.detail).toBe(unknown.body.detail);
      const anonymous = adminClient(t, email);
      for (const path of ['/admin/api/session', '/admin/api/apps', bridge('/orders'), '/admin/api/audit-log']) {
        const res = await anonymous.get(path);
        expect(res.status, path).toBe(401);
        expect(res.body.code).toBe('authentication_required');
      }
      const forged = await adminClient(t, email).request('GET', '/admin/api/apps', undefined, { Cookie: 'smartpay_admin=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
      expect(forged.status).toBe(401);
    });

    it(`locks the account after ${LOCKOUT} wrong passwords — on every instance, even for the right password — with Retry-After`, async () => {
      const { email, password } = await createAdmin(t, 'admin');
      const statuses: number[] = [];
      // Concurrent guesses on two instances: every one counts.
      const guesses = await Promise.all(
        Array.from({ length: LOCKOUT }, (_, i) => adminClient(i % 2 ? second : t, email).signIn(`wrong-${i}`)),
      );
      statuses.push(...guesses.map((g) => g.status));
      expect(statuses.filter((s) => s === 423).length).toBeGreaterThanOrEqual(1);
      expect(statuses.every((s) => s === 401 || s === 423)).toBe(true);

      for (const instance of [t, second]) {
        const right = await adminClient(instance, email).signIn(password);
        expect(right.status).toBe(423);
        expect(right.body.code).toBe('account_locked');
        const retryAfter = Number(right.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThan(9 * 60);
        expect(retryAfter).toBeLessThanOrEqual(10 * 60);
      }
      const log = await admin.get('/admin/api/audit-log?limit=50');
      const mine = log.body.data.filter((e: { admin_email: string }) => e.admin_email === email).map((e: { action: string }) => e.action);
      expect(mine).toContain('session.locked');
      expect(mine).toContain('session.login_locked');
    });

    it('limits failed sign-ins per address (429 with Retry-After, before any password is checked); successes do not count', async () => {
      const limited = await startTestApp({ SMARTPAY_RATE_LIMIT_LOGIN: '3/60s', SMARTPAY_ADMIN_LOCKOUT: '100' }, { sameDatabaseAs: t });
      try {
        const { email, password } = await createAdmin(limited, 'viewer');
        for (let i = 0; i < 5; i++) expect((await adminClient(limited, email).signIn(password)).status).toBe(200);
        for (let i = 0; i < 3; i++) expect((await adminClient(limited, `nobody-${i}@smartpay.test`).signIn('wrong')).status).toBe(401);
        const refused = await adminClient(limited, email).signIn(password);
        expect(refused.status).toBe(429);
        expect(refused.body.code).toBe('rate_limited');
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
        // Per instance, as documented: another instance's counter is its own.
        expect((await adminClient(t, email).signIn(password)).status).toBe(200);
      } finally {
        await limited.close();
      }
    });

    it('a success resets the count of failures', async () => {
      const { email, password } = await createAdmin(t, 'admin');
      const client = adminClient(t, email);
      for (let i = 0; i < LOCKOUT - 1; i++) expect((await client.signIn('wrong')).status).toBe(401);
      expect((await client.signIn(password)).status).toBe(200);
      for (let i = 0; i < LOCKOUT - 1; i++) expect((await client.signIn('wrong')).status).toBe(401);
      expect((await client.signIn(password)).status).toBe(200);
    });
  });

  describe('CSRF and roles', () => {
    it('refuses a write without the session’s X-CSRF-Token, or with another one (403 csrf_failed), and does nothing', async () => {
      const order = await createOrder(c, { amount: 5_000 });
      await payWithCulqi(c, info, order);
      for (const token of [undefined, 'x'.repeat(43), viewer.csrf!]) {
        const res = await admin.request('POST', bridge('/refunds'), { order_id: order }, token === undefined ? { 'X-CSRF-Token': '' } : { 'X-CSRF-Token': token });
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('csrf_failed');
      }
      const refunds = await t.http.get('/v1/refunds').query({ order_id: order }).set(bearer(t.apiKey));
      expect(refunds.body.data).toEqual([]);
      const signOut = await admin.request('DELETE', '/admin/api/session', undefined, { 'X-CSRF-Token': 'nope' });
      expect(signOut.status).toBe(403);
    });

    it('a viewer reads through the bridge but cannot refund, redeliver or retry (403 forbidden)', async () => {
      expect((await viewer.get(bridge(`/orders/${paidOrder}`))).status).toBe(200);
      const attempts = [
        await viewer.post(bridge('/refunds'), { order_id: paidOrder }),
        await viewer.post(bridge('/events/evt_00000000000000000000000000/redeliver')),
        await viewer.post('/admin/api/jobs/job_00000000000000000000000000/retry'),
      ];
      for (const res of attempts) {
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
      expect((await t.http.get(`/v1/orders/${paidOrder}`).set(bearer(t.apiKey))).body.amount_refunded).toBe(0);
    });

    it('paths in another letter case reach the same handlers, so they get the same checks (never a bypass, never a 5xx)', async () => {
      const anonymous = adminClient(t, 'nobody@smartpay.test');
      for (const [method, path] of [
        ['GET', '/ADMIN/API/AUDIT-LOG'],
        ['GET', '/Admin/Api/Apps'],
        ['GET', `/ADMIN/API/APPS/${t.appId}/V1/ORDERS`],
        ['DELETE', '/ADMIN/API/SESSION'],
        ['GET', '/admin/API/session'],
      ] as const) {
        const res = await anonymous.request(method, path);
        expect(res.status, `${method} ${path}`).toBe(401);
      }
      expect((await viewer.post('/ADMIN/API/JOBS/job_00000000000000000000000000/RETRY')).status).toBe(403);
      const noToken = await admin.request('POST', `/Admin/Api/Apps/${t.appId}/V1/Refunds`, { order_id: paidOrder }, { 'X-CSRF-Token': '' });
      expect(noToken.body.code).toBe('csrf_failed');
      const viaUpper = await viewer.get(`/ADMIN/API/APPS/${t.appId}/V1/ORDERS/${paidOrder}`);
      expect(viaUpper.status).toBe(200);
      expect(viaUpper.body.id).toBe(paidOrder);
    });

    it('an admin may only make the listed writes through the bridge', async () => {
      const res = await admin.post(bridge('/orders'), { amount: 1000, currency: 'PEN' });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
      const unknownApp = await admin.get('/admin/api/apps/app_00000000000000000000000000/v1/orders');
      expect(unknownApp.status).toBe(404);
    });
  });

  describe('the /v1 bridge', () => {
    it('answers what the public API answers for the app’s key', async () => {
      for (const path of ['/orders?limit=5', `/orders/${paidOrder}`, `/orders/${paidOrder}/charges`, '/reports/summary?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z']) {
        // Background jobs (invoices, e-mails) still touch the orders paid above: read both until they agree.
        const [viaKey, viaAdmin] = await until(
          async () => [await t.http.get(`/v1${path}`).set(bearer(t.apiKey)), await viewer.get(bridge(path))] as const,
          ([k, a]) => a.status === 200 && JSON.stringify(a.body) === JSON.stringify(k.body),
          5_000,
          `${path} answered alike`,
        ).catch(async () => [await t.http.get(`/v1${path}`).set(bearer(t.apiKey)), await viewer.get(bridge(path))] as const);
        expect(viaAdmin.status, path).toBe(200);
        expect(viaAdmin.body, path).toEqual(viaKey.body);
      }
      const csv = await viewer.get(bridge('/reports/transactions.csv?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z'));
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
      expect(csv.body).toContain(paidOrder);
    });

    it('refunds as an admin, and the audit log records who did it with the outcome', async () => {
      const res = await admin.post(bridge('/refunds'), { order_id: paidOrder, amount: 1_000, reason: 'requested_by_customer' }, { 'Idempotency-Key': `admin-${Date.now()}` });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const log = await until(
        () => admin.get('/admin/api/audit-log?limit=20'),
        (r) => r.body.data.some((e: { action: string; status: number | null }) => e.action === 'refund.create' && e.status === 201),
        5_000,
        'the audit entry completed',
      );
      const entry = log.body.data.find((e: { action: string }) => e.action === 'refund.create');
      expect(entry).toMatchObject({ admin_email: admin.email, method: 'POST', app_id: t.appId, target_id: paidOrder, status: 201, path: `/admin/api/apps/${t.appId}/v1/refunds` });
      const order = await t.http.get(`/v1/orders/${paidOrder}`).set(bearer(t.apiKey));
      expect(order.body.amount_refunded).toBe(1_000);
    });

    it('lists orders by gateway and amount range', async () => {
      const small = await createOrder(c, { amount: 1_234 });
      const page = await viewer.get(bridge('/orders?gateway=culqi&amount_min=1234&amount_max=1234'));
      expect(page.status).toBe(200);
      expect(page.body.data.map((o: { id: string }) => o.id)).not.toContain(small); // not paid: no gateway yet
      await payWithCulqi(c, info, small);
      const paid = await viewer.get(bridge('/orders?gateway=culqi&amount_min=1234&amount_max=1234&currency=PEN'));
      expect(paid.body.data.map((o: { id: string }) => o.id)).toEqual([small]);
      expect((await viewer.get(bridge('/orders?gateway=mercadopago&amount_min=1234&amount_max=1234'))).body.data).toEqual([]);
      expect((await viewer.get(bridge('/orders?amount_min=-1'))).status).toBe(400);
    });
  });

  describe('dashboard endpoints', () => {
    it('an order’s activity: its events with delivery attempts, and its e-mails', async () => {
      const res = await until(
        () => viewer.get(`/admin/api/apps/${t.appId}/orders/${paidOrder}/activity`),
        (r) => r.status === 200 && r.body.events.some((e: { type: string }) => e.type === 'order.paid') && r.body.emails.length > 0,
        15_000,
        'the order.paid event and the receipt',
      );
      expect(res.body.object).toBe('order_activity');
      expect(res.body.emails[0]).toMatchObject({ kind: expect.any(String), status: expect.any(String) });
      const missing = await viewer.get(`/admin/api/apps/${t.appId}/orders/ord_00000000000000000000000000/activity`);
      expect(missing.status).toBe(404);
      const otherTenant = await t.newTenant('other');
      expect((await viewer.get(`/admin/api/apps/${otherTenant.appId}/orders/${paidOrder}/activity`)).status).toBe(404);
    });

    it('apps, gateways with their circuits, jobs', async () => {
      const apps = await viewer.get('/admin/api/apps');
      expect(apps.body.data.map((a: { id: string }) => a.id)).toContain(t.appId);
      const gateways = await viewer.get('/admin/api/gateways');
      expect(gateways.body.data).toEqual([
        { gateway: 'culqi', configured: true, circuit: 'closed' },
        { gateway: 'mercadopago', configured: true, circuit: 'closed' },
      ]);
      const jobs = await viewer.get('/admin/api/jobs?status=queued');
      expect(jobs.body.counts).toEqual({ queued: expect.any(Number), running: expect.any(Number), dead: expect.any(Number) });
      const notDead = await admin.post('/admin/api/jobs/job_00000000000000000000000000/retry');
      expect(notDead.status).toBe(404);
    });
  });

  describe('sessions end', () => {
    it('sign-out deletes the session on the server: the old cookie no longer works', async () => {
      const client = await signedInAdmin(t, 'viewer');
      const cookie = client.cookie;
      const res = await client.request('DELETE', '/admin/api/session');
      expect(res.status).toBe(204);
      expect(res.headers.get('set-cookie')).toMatch(/smartpay_admin=;/);
      const replay = await adminClient(t, client.email).request('GET', '/admin/api/session', undefined, { Cookie: cookie! });
      expect(replay.status).toBe(401);
    });

    it('a session in use lives on; idle longer than SMARTPAY_ADMIN_SESSION_TTL, it is over', async () => {
      const short = await startTestApp({ SMARTPAY_ADMIN_SESSION_TTL: '2s' }, { sameDatabaseAs: t });
      try {
        const client = await signedInAdmin(short, 'viewer');
        for (let i = 0; i < 5; i++) {
          await sleep(700); // 3.5 s in all, well past the first expiry
          expect((await client.get('/admin/api/session')).status).toBe(200);
        }
        await sleep(2_300);
        expect((await client.get('/admin/api/session')).status).toBe(401);
      } finally {
        await short.close();
      }
    });
  });
});
