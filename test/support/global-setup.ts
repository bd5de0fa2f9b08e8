import { mkdirSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';
import { LOG_DIR, MYSQL_SERVER_URL, TEST_DB } from './test-env';

/** Runs once per vitest run: prepares test-output/, and on MariaDB runs fails fast if the server is unreachable. */
export default async function globalSetup(): Promise<void> {
  mkdirSync(LOG_DIR, { recursive: true });
  if (TEST_DB !== 'mysql') return;
  if (!MYSQL_SERVER_URL) throw new Error('TEST_DB=mysql requires SMARTPAY_TEST_MYSQL_URL (e.g. mysql://root@127.0.0.1:3306/)');
  const conn = await createConnection(MYSQL_SERVER_URL);
  const [rows] = await conn.query('select version() as v');
  await conn.end();
  console.log(`MariaDB/MySQL suites against ${(rows as { v: string }[])[0]?.v}`);
}
