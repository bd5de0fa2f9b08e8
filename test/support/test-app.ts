import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import supertest from 'supertest';
import { createApp } from '../../src/app.factory';
import { AppsService } from '../../src/apps/apps.service';
import { loadConfig } from '../../src/config/app-config';
import { randomBase62 } from '../../src/common/secrets';
import { createTestDatabase, type TestDatabase } from './test-database';
import { LOG_DIR, recordSecret, TEST_DB } from './test-env';

export interface TestApp {
  app: NestExpressApplication;
  /** Base URL of the listening server (real HTTP on a loopback port). */
  url: string;
  /** The bootstrap app's key. */
  apiKey: string;
  appId: string;
  http: ReturnType<typeof supertest>;
  database: TestDatabase;
  /** Creates another tenant and returns its key. */
  newTenant(name?: string): Promise<{ appId: string; apiKey: string }>;
  close(): Promise<void>;
}

export interface StartOptions {
  /**
   * Another instance on the database of `app` (several SmartPay instances sharing one database):
   * same bootstrap key; closing this one leaves the database to its owner.
   */
  sameDatabaseAs?: TestApp;
}

/**
 * Starts the real SmartPay HTTP app on a fresh database of the suite's kind (TEST_DB), listening on
 * a random loopback port, with logs captured to test-output/logs for the leak check.
 */
export async function startTestApp(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestApp> {
  const shared = options.sameDatabaseAs;
  const database = shared?.database ?? (await createTestDatabase());
  const apiKey = shared?.apiKey ?? `sk_test_${randomBase62(40)}`;
  recordSecret(apiKey);
  const adminPassword = randomBase62(24);
  recordSecret(adminPassword);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    SMARTPAY_BOOTSTRAP_API_KEY: apiKey,
    SMARTPAY_ADMIN_PASSWORD: adminPassword,
    LOG_LEVEL: 'info',
    LOG_FILE: join(LOG_DIR, `${TEST_DB}-${process.pid}.log`),
    // Every paid order is invoiced in sandbox mode; the SUNAT simulator's XSD check of each document (0.3 s of
    // CPU) belongs to the invoice suites, which turn it on — elsewhere it would only slow the suites down.
    SANDBOX_SUNAT_SCHEMA_VALIDATION: 'off',
    ...env,
  });
  const { app } = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const orm = app.get(MikroORM);
  const apps = app.get(AppsService);
  const appId = await RequestContext.create(orm.em, async () => (await apps.authenticate(apiKey))!.appId);
  return {
    app,
    url,
    apiKey,
    appId,
    http: supertest(url),
    database,
    newTenant: async (name = 'Tenant') =>
      RequestContext.create(orm.em, async () => {
        const created = await apps.createApp(name);
        recordSecret(created.apiKey);
        return { appId: created.appId, apiKey: created.apiKey };
      }),
    close: async () => {
      await app.close();
      if (!shared) await database.drop();
    },
  };
}

export const bearer = (key: string): Record<string, string> => ({ Authorization: `Bearer ${key}` });
