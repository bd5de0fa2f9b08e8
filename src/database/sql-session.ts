import type { EntityManager, Platform } from '@mikro-orm/core';
import { BaseSqlitePlatform } from '@mikro-orm/knex';

/** What a statement parameter may be; JSON columns are passed already stringified. */
export type SqlValue = string | number | boolean | null | Date;

/**
 * Plain SQL on one connection (usually inside a transaction). The payment hot path and the order
 * state machine speak SQL through this instead of MikroORM's query building, which was a third of
 * the CPU of a payment (bench/README.md, "Profile"). Statements use `?` placeholders and column
 * names as the migrations create them; the same text runs on SQLite and MySQL/MariaDB.
 */
export interface SqlSession {
  /** A write; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** A read; rows come as the driver returns them (see entity-rows.ts to map them). */
  all<T extends object = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
}

/** Values as each database stores them: SQLite keeps timestamps as epoch milliseconds (as MikroORM writes them). */
export function driverValues(params: readonly SqlValue[], sqlite: boolean): unknown[] {
  return params.map((v) => {
    if (v instanceof Date) return sqlite ? v.getTime() : v;
    if (typeof v === 'boolean' && sqlite) return v ? 1 : 0;
    return v;
  });
}

/** The inverse for timestamps read back: SQLite gives epoch milliseconds (a number, or digits), the MySQL drivers a Date. */
export function dateFromDriver(value: unknown): Date {
  if (value instanceof Date) return value;
  return new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : (value as string | number));
}

/**
 * A session over an EntityManager's current transaction, for code that still runs inside
 * `em.transactional` (webhooks, reconciliation, refunds) and shares the SQL-speaking helpers.
 * The transaction context must be passed explicitly: without it the statement would run on another
 * connection — on SQLite (one connection) waiting forever for this transaction's own lock.
 */
export function sessionOf(em: EntityManager): SqlSession {
  const sqlite = isSqlite(em.getPlatform());
  const connection = em.getConnection();
  return {
    async run(sql, params = []) {
      const res = (await connection.execute(sql, driverValues(params, sqlite), 'run', em.getTransactionContext())) as { affectedRows: number };
      return res.affectedRows;
    },
    async all<T extends object>(sql: string, params: readonly SqlValue[] = []) {
      return (await connection.execute(sql, driverValues(params, sqlite), 'all', em.getTransactionContext())) as T[];
    },
  };
}

export function isSqlite(platform: Platform): boolean {
  return platform instanceof BaseSqlitePlatform;
}
