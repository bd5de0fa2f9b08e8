import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import type { Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MySqlDriver } from '@mikro-orm/mysql';
import type { DatabaseConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { SmartPayMariaDbDriver } from './mariadb-driver';
import { requestEntityManager } from './request-context';
import { MYSQL_MIGRATIONS } from './migrations/mysql';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';

interface SqliteHandle {
  pragma(sql: string): unknown;
}

/** MikroORM options for the configured database. Migrations are listed per dialect (one folder each). */
export function ormOptions(db: DatabaseConfig, overrides: Partial<Options> = {}): Options {
  const common: Partial<Options> = {
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: true },
    forceUtcTimezone: true,
    allowGlobalContext: false,
    // The HTTP request's EntityManager is forked on first use (request-context.ts).
    context: requestEntityManager,
    debug: false,
    // Entities are read through explicit queries; nothing here depends on lazy loading.
    ignoreUndefinedInQuery: true,
  };
  if (db.kind === 'sqlite') {
    return {
      ...common,
      driver: BetterSqliteDriver,
      dbName: db.path,
      pool: {
        min: 1,
        max: 1,
        // WAL lets readers run beside the single writer; busy_timeout makes a second process
        // (the CLI beside a running server) wait for the write lock instead of failing at once.
        afterCreate: (conn: SqliteHandle, done: (err: Error | null, conn: SqliteHandle) => void) => {
          conn.pragma('journal_mode = WAL');
          conn.pragma('busy_timeout = 5000');
          conn.pragma('synchronous = FULL');
          // Group commit runs each transaction inside a SAVEPOINT, and SQLite keeps the page images a
          // savepoint may roll back in a sub-journal that spills to a temporary *file* past 64 KiB: a
          // payment's last statements then paid ~100 µs of file I/O each (measured: the order.paid
          // event insert 141 → 33 µs). In memory it is a few pages per transaction.
          conn.pragma('temp_store = MEMORY');
          done(null, conn);
        },
      },
      migrations: { migrationsList: SQLITE_MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false, silent: true },
      ...overrides,
    };
  }
  if (!db.flavor) throw new Error('resolveDatabase() must run before ormOptions() for mysql:// URLs');
  const mariadb = db.flavor === 'mariadb';
  return {
    ...common,
    driver: mariadb ? SmartPayMariaDbDriver : MySqlDriver,
    clientUrl: db.url,
    // Binary collation: ids, references and keys compare exactly, as they do on SQLite
    // (the default *_ci collations would treat "INV-1" and "inv-1", or "café" and "cafe", as equal).
    charset: 'utf8mb4',
    collate: 'utf8mb4_bin',
    pool: { min: 0, max: 10 },
    // multipleStatements: SqlRunner sends a transaction's BEGIN with its first statement, and the hot paths
    // send their independent statements together (SqlSession.batch): one round trip instead of several.
    // Values always go through placeholders, so the option widens nothing an injection could use.
    driverOptions: mariadb
      ? { connection: { timezone: 'Z', bigIntAsNumber: true, insertIdAsNumber: true, decimalAsNumber: false, multipleStatements: true } }
      : { connection: { timezone: 'Z', supportBigNumbers: true, bigNumberStrings: false, multipleStatements: true } },
    // MySQL/MariaDB commit implicitly around DDL, so a migration transaction would only pretend.
    migrations: { migrationsList: MYSQL_MIGRATIONS, transactional: false, allOrNothing: false, snapshot: false, silent: true },
    ...overrides,
  };
}
