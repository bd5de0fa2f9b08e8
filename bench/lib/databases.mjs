// Databases of a benchmark run: fresh SQLite files and fresh MariaDB schemas (dropped afterwards), read-only
// access for the checks, and MariaDB's global statement counters.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The MariaDB server URL (no database), e.g. mysql://root@127.0.0.1:3306/. */
export function mysqlServerUrl() {
  const url = process.env.BENCH_MYSQL_URL ?? process.env.SMARTPAY_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';
  const host = new URL(url).hostname;
  if (!LOOPBACK.has(host)) throw new Error(`BENCH_MYSQL_URL must point at this machine (loopback), got ${host}`);
  return url.endsWith('/') ? url : `${url}/`;
}

export function mysqlUrlFor(database) {
  const u = new URL(mysqlServerUrl());
  u.pathname = `/${database}`;
  return u.toString();
}

async function connect(url) {
  const mysql = require('mysql2/promise');
  return mysql.createConnection({ uri: url, connectTimeout: 3000, timezone: 'Z' });
}

/** null when reachable, else why not. */
export async function mysqlUnavailableReason() {
  try {
    const conn = await connect(mysqlServerUrl());
    await conn.query('select 1');
    await conn.end();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export async function createMysqlDatabase(name) {
  const conn = await connect(mysqlServerUrl());
  try {
    await conn.query(`drop database if exists \`${name}\``);
    await conn.query(`create database \`${name}\` character set utf8mb4 collate utf8mb4_bin`);
  } finally {
    await conn.end();
  }
  return mysqlUrlFor(name);
}

export async function dropMysqlDatabase(name) {
  const conn = await connect(mysqlServerUrl());
  try {
    await conn.query(`drop database if exists \`${name}\``);
  } finally {
    await conn.end();
  }
}

/**
 * Server-wide statement counters (SHOW GLOBAL STATUS). Global: statements of every other client of
 * this MariaDB server in the same interval are included.
 */
export async function mysqlComCounters() {
  const conn = await connect(mysqlServerUrl());
  try {
    const [rows] = await conn.query("show global status where Variable_name in ('Questions','Com_select','Com_insert','Com_update','Com_delete','Com_begin','Com_commit','Com_rollback','Com_insert_select','Com_replace')");
    return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
  } finally {
    await conn.end();
  }
}

/** A small query interface over either database: `all(sql, params)`. */
export async function openReader(databaseUrl) {
  if (databaseUrl.startsWith('sqlite:')) {
    const Database = require('better-sqlite3');
    const db = new Database(databaseUrl.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    return {
      async all(sql, params = []) {
        return db.prepare(sql).all(...params);
      },
      async close() {
        db.close();
      },
    };
  }
  const conn = await connect(databaseUrl);
  return {
    async all(sql, params = []) {
      const [rows] = await conn.query(sql, params);
      return rows;
    },
    async close() {
      await conn.end();
    },
  };
}

/** Row counts of SmartPay tables that grow per payment. */
export async function smartpayCounts(databaseUrl) {
  const reader = await openReader(databaseUrl);
  try {
    const out = {};
    for (const table of ['orders', 'charges', 'gateway_calls', 'jobs']) {
      try {
        const [row] = await reader.all(`select count(*) as n from ${table}`);
        out[table] = Number(row.n);
      } catch {
        out[table] = null;
      }
    }
    return out;
  } finally {
    await reader.close();
  }
}
