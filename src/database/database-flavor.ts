import { createConnection } from 'mysql2/promise';
import type { DatabaseConfig } from '../config/app-config';

/**
 * Asks a mysql:// server whether it is MariaDB or MySQL, so MikroORM gets the matching driver
 * (their schema introspection differs: MariaDB's JSON is LONGTEXT with a CHECK, for one).
 */
export async function resolveDatabase(db: DatabaseConfig): Promise<DatabaseConfig> {
  if (db.kind !== 'mysql' || db.flavor) return db;
  const conn = await createConnection({ uri: db.url, connectTimeout: 10_000 });
  try {
    const [rows] = await conn.query('select version() as v');
    const version = (rows as { v: string }[])[0]?.v ?? '';
    return { ...db, flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql' };
  } finally {
    await conn.end();
  }
}
