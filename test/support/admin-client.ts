/**
 * The dashboard's API as a browser uses it: a session cookie kept between requests, the CSRF token from
 * the session body sent on writes. Real HTTP (fetch) against the listening test app.
 */
import { RequestContext, MikroORM } from '@mikro-orm/core';
import { randomBase62 } from '../../src/common/secrets';
import { AdminsService } from '../../src/apps/admins.service';
import type { AdminRole } from '../../src/apps/admin-user.entity';
import type { TestApp } from './test-app';
import { recordSecret } from './test-env';

export interface AdminAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies of many shapes, read by the tests like supertest's
  body: any;
}

export interface AdminClient {
  email: string;
  cookie: string | null;
  csrf: string | null;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<AdminAnswer>;
  get(path: string): Promise<AdminAnswer>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<AdminAnswer>;
  signIn(password: string): Promise<AdminAnswer>;
}

/** Creates an admin user directly (as `npm run smartpay -- admins:create` does) and returns its password. */
export async function createAdmin(t: TestApp, role: AdminRole, email = `${role}-${randomBase62(6).toLowerCase()}@smartpay.test`): Promise<{ email: string; password: string }> {
  const password = randomBase62(20);
  recordSecret(password);
  const orm = t.app.get(MikroORM);
  const created = await RequestContext.create(orm.em, () => t.app.get(AdminsService).create(email, password, role));
  if (created === 'exists') throw new Error(`admin ${email} exists`);
  return { email, password };
}

export function adminClient(t: TestApp, email: string): AdminClient {
  const client: AdminClient = {
    email,
    cookie: null,
    csrf: null,
    async request(method, path, body, headers = {}) {
      const res = await fetch(`${t.url}${path}`, {
        method,
        redirect: 'manual',
        headers: {
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...(client.cookie ? { Cookie: client.cookie } : {}),
          ...(method !== 'GET' && client.csrf ? { 'X-CSRF-Token': client.csrf } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const setCookie = res.headers.get('set-cookie');
      if (setCookie) {
        const [pair] = setCookie.split(';');
        client.cookie = pair!.endsWith('=') ? null : pair!;
      }
      const type = res.headers.get('content-type') ?? '';
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
    },
    get: (path) => client.request('GET', path),
    post: (path, body = {}, headers) => client.request('POST', path, body, headers),
    async signIn(password) {
      const res = await client.request('POST', '/admin/api/session', { email, password });
      if (res.status === 200) client.csrf = res.body.csrf_token;
      return res;
    },
  };
  return client;
}

/** Signs in a new admin user of `role`. */
export async function signedInAdmin(t: TestApp, role: AdminRole): Promise<AdminClient> {
  const { email, password } = await createAdmin(t, role);
  const client = adminClient(t, email);
  const res = await client.signIn(password);
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  return client;
}
