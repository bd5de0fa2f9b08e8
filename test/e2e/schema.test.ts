import { MikroORM } from '@mikro-orm/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../../src/database/migrations/sqlite';
import { ormOptions } from '../../src/database/orm-options';
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
    expect((TEST_DB === 'sqlite' ? await withoutSqliteChecks(t, diff) : diff).trim()).toBe('');
  });
});

/**
 * MikroORM cannot read CHECK constraints back from SQLite (its SQLite schema helper reports none), so on
 * SQLite every entity check shows as "add constraint". Each such line is verified against the table's own
 * definition in sqlite_master instead (name and expression), and only then left out of the diff.
 */
async function withoutSqliteChecks(t: TestApp, diff: string): Promise<string> {
  const em = t.app.get(MikroORM).em.fork();
  const kept: string[] = [];
  for (const line of diff.split('\n')) {
    const check = /^alter table `(\w+)` add constraint (\w+) check\((.*)\);$/.exec(line.trim());
    if (!check) {
      kept.push(line);
      continue;
    }
    const [, table, name, expression] = check;
    const [row] = await em.getConnection().execute<{ sql: string }[]>('select sql from sqlite_master where type = ? and name = ?', ['table', table]);
    expect(row?.sql, `${table} in sqlite_master`).toContain(`constraint ${name} check (${expression})`);
  }
  return kept.join('\n');
}

describe.runIf(TEST_DB === 'sqlite')('the SQLite rebuild of credit_lots (LotRemainingCheck)', () => {
  it('keeps every row and index, and from then on refuses an overdrawn lot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smartpay-lots-'));
    const orm = await MikroORM.init(ormOptions({ kind: 'sqlite', path: join(dir, 'lots.db') }));
    try {
      const before = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.findIndex((m) => m.name.endsWith('_LotRemainingCheck')) - 1]!.name;
      await orm.getMigrator().up({ to: before });
      const db = orm.em.getConnection();
      const lot = ['cl_a', 'app_1', 'cus_1', 'bonus', 50, 20, 1_800_000_000_000, null, 'ord_1', 1_700_000_000_000];
      await db.execute('insert into credit_lots (id, app_id, customer_id, kind, credits, remaining, expires_at, expired_at, order_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', lot);
      await orm.getMigrator().up();
      const rows = (await db.execute('select id, app_id, customer_id, kind, credits, remaining, expires_at, expired_at, order_id, created_at from credit_lots')) as Record<string, unknown>[];
      expect(rows.map((r) => Object.values(r))).toEqual([lot]);
      const indexes = (await db.execute("select name from sqlite_master where type = 'index' and tbl_name = 'credit_lots' order by name")) as { name: string }[];
      expect(indexes.map((i) => i.name)).toEqual(['credit_lots_customer_id_expires_at_index', 'credit_lots_expires_at_remaining_index', 'credit_lots_order_id_index', 'sqlite_autoindex_credit_lots_1']);
      await expect(db.execute('update credit_lots set remaining = remaining - 21 where id = ?', ['cl_a'])).rejects.toThrow(/CHECK constraint failed/);
      await expect(db.execute('update credit_lots set remaining = 51 where id = ?', ['cl_a'])).rejects.toThrow(/CHECK constraint failed/);
      expect(await db.execute('update credit_lots set remaining = remaining - 20 where id = ?', ['cl_a'], 'run')).toMatchObject({ affectedRows: 1 });
    } finally {
      await orm.close(true);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
