import { join } from 'node:path';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.factory';
import { App } from '../../src/apps/app.entity';
import { AppsService } from '../../src/apps/apps.service';
import { randomBase62 } from '../../src/common/secrets';
import { loadConfig } from '../../src/config/app-config';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { LOG_DIR, recordSecret, TEST_DB } from '../support/test-env';

/** First-start setup when several instances start together on one empty database. */
describe('bootstrap app', () => {
  let db: TestDatabase | undefined;
  const opened: NestExpressApplication[] = [];
  afterAll(async () => {
    for (const app of opened) await app.close();
    await db?.drop();
  });

  it('an instance that loses the race to create the preset-key app still starts', async () => {
    db = await createTestDatabase();
    const key = `sk_test_${randomBase62(40)}`;
    const password = randomBase62(24);
    recordSecret(key);
    recordSecret(password);
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      SMARTPAY_BOOTSTRAP_API_KEY: key,
      SMARTPAY_ADMIN_PASSWORD: password,
      LOG_FILE: join(LOG_DIR, `${TEST_DB}-bootstrap-${process.pid}.log`),
    });
    const first = (await createApp(config)).app;
    opened.push(first);
    const orm = first.get(MikroORM);
    // The state the loser sees: no app counted yet, but the winner's key row already committed.
    await RequestContext.create(orm.em, () => orm.em.nativeDelete(App, {}));

    const second = (await createApp(config)).app;
    opened.push(second);
    const auth = await RequestContext.create(orm.em, () => first.get(AppsService).authenticate(key));
    expect(auth?.keyId).toMatch(/^key_/);
  });
});
