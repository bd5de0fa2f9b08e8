import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createMysqlDatabase, dropMysqlDatabase } from '../../src/database/mysql-admin';
import { MYSQL_SERVER_URL, TEST_DB } from './test-env';

export interface TestDatabase {
  /** Value for DATABASE_URL. */
  url: string;
  drop(): Promise<void>;
}

/** A brand-new, empty database for one suite: a temp SQLite file, or a fresh MariaDB database. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_DB === 'mysql') {
    if (!MYSQL_SERVER_URL) throw new Error('TEST_DB=mysql needs SMARTPAY_TEST_MYSQL_URL');
    const name = `smartpay_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const url = await createMysqlDatabase(MYSQL_SERVER_URL, name);
    return { url, drop: () => dropMysqlDatabase(url) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'smartpay-test-'));
  return {
    url: `sqlite:${join(dir, 'smartpay.db')}`,
    drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
}
