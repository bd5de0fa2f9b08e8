import { MikroORM } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app';
import { TEST_DB } from '../support/test-env';

/**
 * The committed migrations of this database's dialect must build exactly the schema the entities
 * describe: a changed entity without a new migration fails here (on SQLite and on MariaDB).
 */
describe(`committed migrations (${TEST_DB})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('leave no pending migration', async () => {
    const pending = await t.app.get(MikroORM).getMigrator().getPendingMigrations();
    expect(pending).toEqual([]);
  });

  it('build the schema the entities describe (no diff)', async () => {
    const diff = await t.app.get(MikroORM).getSchemaGenerator().getUpdateSchemaSQL({ wrap: false, safe: false });
    expect(diff.trim()).toBe('');
  });
});
