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
  /**
   * Several statements in order, as one round trip where the database allows it (a MySQL/MariaDB
   * multi-statement query: one packet out, one stream of results back — a round trip is most of a
   * simple statement's CPU there); one after the other on SQLite, where a statement is a function call.
   * Each result is what `all` (`reads: true`) or `run` would give. The first statement that fails
   * rejects the whole call and the ones after it do not run.
   */
  batch(statements: readonly SqlStatement[]): Promise<SqlResult[]>;
}

/**
 * A transaction's session that can send its last statements and the COMMIT as one round trip (MySQL/MariaDB:
 * a multi-statement query stops at its first failing statement, so the COMMIT runs only if every statement
 * before it succeeded). Only for statements whose failure is an error — a constraint, a duplicate key —
 * never for ones that would have to be checked by their changed-row count: that count arrives after the
 * COMMIT. Once committed, the session takes no more statements and the runner sends no COMMIT of its own.
 */
export interface CommittingSession extends SqlSession {
  commitWith(statements: readonly SqlStatement[]): Promise<SqlResult[]>;
}

export function canCommitWith(session: SqlSession): session is CommittingSession {
  return typeof (session as Partial<CommittingSession>).commitWith === 'function';
}

export interface SqlStatement {
  sql: string;
  params?: readonly SqlValue[];
  /** A read: its rows are returned (else the number of rows it changed). */
  reads?: boolean;
}

/** Rows for a read, the changed-row count for a write. */
export type SqlResult = Record<string, unknown>[] | number;

/** The rows of a batch result that was a read. */
export function rowsOf<T extends object = Record<string, unknown>>(result: SqlResult | undefined): T[] {
  if (!Array.isArray(result)) throw new Error('batch statement was not a read');
  return result as T[];
}

/** The changed-row count of a batch result that was a write. */
export function changesOf(result: SqlResult | undefined): number {
  if (typeof result !== 'number') throw new Error('batch statement was not a write');
  return result;
}

/** A session whose single statements are one-statement batches (MySQL/MariaDB sessions, the write-behind session). */
export abstract class BatchSession implements SqlSession {
  abstract batch(statements: readonly SqlStatement[]): Promise<SqlResult[]>;

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const [changes] = await this.batch([{ sql, params }]);
    return changes as number;
  }

  async all<T extends object = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const [rows] = await this.batch([{ sql, params, reads: true }]);
    return rows as T[];
  }
}

/** `batch` for sessions whose statements are cheap one by one (SQLite, an ORM transaction). */
export async function batchInTurn(session: Pick<SqlSession, 'run' | 'all'>, statements: readonly SqlStatement[]): Promise<SqlResult[]> {
  const results: SqlResult[] = [];
  for (const s of statements) results.push(s.reads ? await session.all(s.sql, s.params ?? []) : await session.run(s.sql, s.params ?? []));
  return results;
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
  const session: SqlSession = {
    async run(sql, params = []) {
      const res = (await connection.execute(sql, driverValues(params, sqlite), 'run', em.getTransactionContext())) as { affectedRows: number };
      return res.affectedRows;
    },
    async all<T extends object>(sql: string, params: readonly SqlValue[] = []) {
      return (await connection.execute(sql, driverValues(params, sqlite), 'all', em.getTransactionContext())) as T[];
    },
    batch: (statements) => batchInTurn(session, statements),
  };
  return session;
}

export function isSqlite(platform: Platform): boolean {
  return platform instanceof BaseSqlitePlatform;
}
