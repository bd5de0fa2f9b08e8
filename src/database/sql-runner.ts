import { EntityManager, type Platform } from '@mikro-orm/core';
import type { AbstractSqlConnection } from '@mikro-orm/knex';
import { Injectable } from '@nestjs/common';
import { promiseHandleOf } from './mariadb-driver';
import { BatchSession, batchInTurn, driverValues, isSqlite, type CommittingSession, type SqlResult, type SqlSession, type SqlStatement, type SqlValue } from './sql-session';
import { SqliteGroupCommit } from './sqlite-group-commit';

/** The slice of knex's client the runner needs: MikroORM's own connection pool. */
interface PoolClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void>;
}

interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): unknown[];
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
}

/** mariadb's callback API and mysql2's share this shape (on MariaDB, SqlRunner prefers the promise handle). */
interface MysqlConnection {
  query(sql: string, values: unknown[], callback: (err: Error | null, result: unknown) => void): void;
}

/**
 * Runs plain SQL on connections borrowed from MikroORM's pool, bypassing the ORM's unit of work
 * and query builder: the payment hot path (create order, claim + insert charge, commit outcome)
 * costs a third less CPU this way (bench/README.md). Borrowing from the same pool keeps the
 * ORM's guarantees: on SQLite the pool holds the one connection, so a runner transaction and an
 * ORM transaction can never interleave; on MySQL/MariaDB the pool's size bounds both together.
 *
 * Errors are converted by MikroORM's exception converter, so callers catch the same
 * `UniqueConstraintViolationException` whichever way a statement ran.
 */
@Injectable()
export class SqlRunner implements SqlSession {
  private readonly platform: Platform;
  private readonly sqlite: boolean;
  /** Prepared statements per SQLite connection: preparing is a tenth of a simple statement's cost. */
  private readonly statements = new WeakMap<object, Map<string, SqliteStatement>>();

  /** SQLite only: concurrent transactions share one COMMIT (see sqlite-group-commit.ts). */
  private readonly group: SqliteGroupCommit | null;

  constructor(private readonly em: EntityManager) {
    this.platform = em.getPlatform();
    this.sqlite = isSqlite(this.platform);
    this.group = this.sqlite
      ? new SqliteGroupCommit(async () => {
          const pool = this.pool();
          const connection = await pool.acquireConnection();
          return { session: this.sessionOn(connection), exec: (sql) => this.raw(connection, sql), release: () => pool.releaseConnection(connection) };
        })
      : null;
  }

  /** Statements that differ per database (`for update` has no meaning on SQLite's single writer). */
  get isSqlite(): boolean {
    return this.sqlite;
  }

  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. `work` must
   * only run statements on `tx` (no other I/O, no other runner calls): on SQLite it runs inside a batch
   * that other transactions wait on.
   *
   * `readCommitted` (MySQL/MariaDB): for transactions that lock rows with `FOR UPDATE SKIP LOCKED` while
   * producers keep inserting: under the default REPEATABLE READ the scan would also take gap locks that
   * block those INSERTs. SQLite has one writer and no isolation levels; the option does nothing there.
   */
  async transaction<T>(work: (tx: SqlSession) => Promise<T>, options: { readCommitted?: boolean } = {}): Promise<T> {
    if (this.group) return this.group.submit(work);
    const pool = this.pool();
    const connection = await pool.acquireConnection();
    // BEGIN (and the isolation level) are not sent on their own: they travel in front of the transaction's
    // first statement, in the same round trip (MysqlSession). A transaction that ran nothing sends nothing.
    const session = new MysqlSession(connection as MysqlConnection, this, options.readCommitted ? ['set transaction isolation level read committed', 'begin'] : ['begin']);
    try {
      let result: T;
      try {
        result = await work(session);
      } catch (err) {
        if (session.started) await this.raw(connection, 'rollback').catch(() => undefined);
        throw err;
      }
      if (session.started && !session.committed) await this.raw(connection, 'commit');
      return result;
    } finally {
      await pool.releaseConnection(connection);
    }
  }

  /** One write in its own transaction (on SQLite it joins the next group commit). */
  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    if (this.group) return this.group.submit((s) => s.run(sql, params));
    return this.withConnection((s) => s.run(sql, params));
  }

  async all<T extends object = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.withConnection((s) => s.all<T>(sql, params));
  }

  /** Statements in one round trip outside a transaction (each commits on its own on MySQL/MariaDB). */
  async batch(statements: readonly SqlStatement[]): Promise<SqlResult[]> {
    if (this.group) return this.group.submit((s) => s.batch(statements));
    return this.withConnection((s) => s.batch(statements));
  }

  private async withConnection<T>(work: (s: SqlSession) => Promise<T>): Promise<T> {
    const pool = this.pool();
    const connection = await pool.acquireConnection();
    try {
      return await work(this.sessionOn(connection));
    } finally {
      await pool.releaseConnection(connection);
    }
  }

  private sessionOn(connection: unknown): SqlSession {
    if (this.sqlite) {
      const db = connection as SqliteDatabase;
      const session: SqlSession = {
        run: (sql, params = []) => this.guard(() => this.prepared(db, sql).run(...driverValues(params, true)).changes),
        all: <T extends object>(sql: string, params: readonly SqlValue[] = []) => this.guard(() => this.prepared(db, sql).all(...driverValues(params, true)) as T[]),
        batch: (statements) => batchInTurn(session, statements),
      };
      return session;
    }
    return new MysqlSession(connection as MysqlConnection, this);
  }

  private raw(connection: unknown, sql: string): Promise<unknown> {
    if (this.sqlite) return this.guard(() => (connection as SqliteDatabase).exec(sql));
    return this.mysqlQuery(connection as MysqlConnection, sql, []);
  }

  private prepared(db: SqliteDatabase, sql: string): SqliteStatement {
    let cache = this.statements.get(db);
    if (!cache) this.statements.set(db, (cache = new Map<string, SqliteStatement>()));
    let statement = cache.get(sql);
    if (!statement) cache.set(sql, (statement = db.prepare(sql)));
    return statement;
  }

  /** @internal MysqlSession's way to the connection. */
  mysqlQuery(conn: MysqlConnection, sql: string, params: readonly SqlValue[]): Promise<unknown> {
    // The connector inlines the values itself (both connectors escape like MikroORM's formatter, and MikroORM opens
    // the connections with `timezone: 'Z'`, so timestamps are written in UTC either way; sql-runner.test.ts reads
    // rows written both ways back identical). Its formatter costs a fraction of the ORM's per statement.
    // On MariaDB the same connection's promise handle costs a third less CPU per query (mariadb-driver.ts).
    const handle = promiseHandleOf(conn);
    if (handle) {
      return handle.query(sql, driverValues(params, false)).catch((err: unknown) => {
        throw this.convert(err);
      });
    }
    return new Promise((resolve, reject) => {
      conn.query(sql, driverValues(params, false), (err, result) => (err ? reject(this.convert(err)) : resolve(result)));
    });
  }

  /** SQLite runs synchronously: its errors are converted and delivered as a rejection like MySQL's. */
  private guard<T>(work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (err) {
      return Promise.reject(this.convert(err));
    }
  }

  private convert(err: unknown): Error {
    return err instanceof Error ? this.platform.getExceptionConverter().convertException(err) : new Error(String(err));
  }

  private pool(): PoolClient {
    return (this.em.getConnection() as AbstractSqlConnection).getKnex().client as PoolClient;
  }
}

/**
 * Statements on one MySQL/MariaDB connection. `batch` sends its statements as one multi-statement query
 * (connections are opened with `multipleStatements`, orm-options.ts; every value still goes through the
 * connector's placeholders, never into the text). `pending` holds statements that must precede the next
 * one — a transaction's BEGIN — and are sent with it instead of costing a round trip of their own.
 */
class MysqlSession extends BatchSession implements CommittingSession {
  private pending: string[];
  private finished = false;

  constructor(
    private readonly conn: MysqlConnection,
    private readonly runner: SqlRunner,
    pending: string[] = [],
  ) {
    super();
    this.pending = pending;
  }

  /** Whether the pending statements went out (the transaction began). */
  get started(): boolean {
    return this.pending.length === 0;
  }

  /** Whether `commitWith` committed the transaction. */
  get committed(): boolean {
    return this.finished;
  }

  /** The statements and the COMMIT in one round trip (CommittingSession); the runner then sends no COMMIT. */
  async commitWith(statements: readonly SqlStatement[]): Promise<SqlResult[]> {
    const results = await this.batch([...statements, { sql: 'commit' }]);
    this.finished = true;
    return results.slice(0, statements.length);
  }

  async batch(statements: readonly SqlStatement[]): Promise<SqlResult[]> {
    if (this.finished) throw new Error('the transaction was already committed');
    if (statements.length === 0) return [];
    const head = this.pending;
    this.pending = [];
    const texts = [...head, ...statements.map((s) => s.sql)];
    const params = statements.flatMap((s) => s.params ?? []);
    const raw = await this.runner.mysqlQuery(this.conn, texts.join(';\n'), params);
    // One statement answers its own result; several answer one result per statement.
    const results = texts.length === 1 ? [raw] : (raw as unknown[]);
    if (results.length !== texts.length) throw new Error(`multi-statement query answered ${results.length} results for ${texts.length} statements`);
    return statements.map((s, i) => {
      const result = results[head.length + i];
      return s.reads ? (result as Record<string, unknown>[]) : (result as { affectedRows: number }).affectedRows;
    });
  }
}
