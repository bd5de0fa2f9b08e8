import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { ConfigError, type DatabaseConfig } from './app-config';

/**
 * Fails fast, naming DATABASE_URL, when the configured database cannot be used: an SQLite path
 * that cannot be created or written (the pool would otherwise retry opening it forever), or a
 * MySQL/MariaDB server that refuses the connection. Messages never contain the URL (it may hold a password).
 */
export async function checkDatabase(db: DatabaseConfig): Promise<void> {
  if (db.kind === 'sqlite') {
    checkSqlitePath(db.path);
    return;
  }
  let conn: Awaited<ReturnType<typeof createConnection>> | undefined;
  try {
    conn = await createConnection({ uri: db.url, connectTimeout: 10_000 });
    await conn.query('select 1');
  } catch (err) {
    throw new ConfigError([`DATABASE_URL: cannot connect to the database (${firstLine(err)})`]);
  } finally {
    await conn?.end().catch(() => undefined);
  }
}

function checkSqlitePath(path: string): void {
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new ConfigError([`DATABASE_URL: cannot create the SQLite directory ${dir} (${firstLine(err)})`]);
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
    accessSync(path, constants.R_OK | constants.W_OK);
  } catch (err) {
    // A file that does not exist yet is fine: SQLite creates it.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError([`DATABASE_URL: cannot open the SQLite file ${path} (${firstLine(err)})`]);
    }
  }
  if (isDirectory) throw new ConfigError([`DATABASE_URL: ${path} is a directory, not an SQLite file`]);
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'unknown error';
}
