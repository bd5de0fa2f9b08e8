import { EntityManager, type EntityProperty, JsonType } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { dateFromDriver, isSqlite, type SqlSession, type SqlStatement, type SqlValue } from './sql-session';

type Kind = 'date' | 'json' | 'number' | 'plain';

interface Column {
  property: string;
  column: string;
  kind: Kind;
  /** Written when the entity leaves the property undefined (the ORM would let the column default apply). */
  fallback: SqlValue;
}

interface Shape {
  table: string;
  columns: Column[];
  /** `<table> (<columns>) values ` — after the INSERT verb, followed by one `(?, …)` group per row. */
  insertTail: string;
  rowPlaceholders: string;
}

type EntityClass<T> = new () => T;

/**
 * Rows of MikroORM entities for plain SQL (SqlRunner): the INSERT statement and the row → entity
 * mapping are derived from the entity's own metadata, so they follow every migration the ORM does.
 * Values convert as MikroORM stores them: JSON as text, timestamps per dialect (sql-session.ts),
 * BIGINT money as numbers; rows read back from either database become the same entity object.
 */
@Injectable()
export class EntityRows {
  private readonly shapes = new Map<EntityClass<object>, Shape>();
  private readonly sqlite: boolean;

  constructor(private readonly em: EntityManager) {
    this.sqlite = isSqlite(em.getPlatform());
  }

  async insert<T extends object>(session: SqlSession, entity: EntityClass<T>, value: T): Promise<void> {
    await this.insertMany(session, entity, [value]);
  }

  /** Several rows in one INSERT statement (one round trip). */
  async insertMany<T extends object>(session: SqlSession, entity: EntityClass<T>, values: readonly T[]): Promise<void> {
    await this.write(session, entity, values, 'insert into');
  }

  /**
   * INSERTs that skip rows whose primary or unique key already exists, without an error (SQLite
   * `insert or ignore`, MySQL/MariaDB `insert ignore`): for effects keyed by a unique constraint that
   * several processes may race to write, inside transactions a failed statement must not abort.
   * Resolves to the number of rows actually inserted.
   */
  async insertIgnore<T extends object>(session: SqlSession, entity: EntityClass<T>, values: readonly T[]): Promise<number> {
    return this.write(session, entity, values, this.sqlite ? 'insert or ignore into' : 'insert ignore into');
  }

  private async write<T extends object>(session: SqlSession, entity: EntityClass<T>, values: readonly T[], verb: string): Promise<number> {
    if (values.length === 0) return 0;
    const { sql, params } = this.insertStatement(entity, values, verb);
    return session.run(sql, params ?? []);
  }

  /** The INSERT of `values` as a statement, for SqlSession.batch or a held write (write-behind.ts). */
  insertStatement<T extends object>(entity: EntityClass<T>, values: readonly T[], verb = 'insert into'): SqlStatement {
    const shape = this.shape(entity);
    const params: SqlValue[] = [];
    for (const value of values) {
      const record = value as Record<string, unknown>;
      for (const c of shape.columns) params.push(record[c.property] === undefined ? c.fallback : toSql(record[c.property], c.kind));
    }
    return { sql: `${verb} ${shape.insertTail}${values.map(() => shape.rowPlaceholders).join(', ')}`, params };
  }

  /**
   * The entity's data from a row as either driver returns it, as a plain object: `new Entity()` would
   * go through MikroORM's per-instance property tracking (a WrappedEntity and a property redefinition
   * per field), which rows that are never flushed do not need.
   */
  map<T extends object>(entity: EntityClass<T>, row: Record<string, unknown>): T {
    const shape = this.shape(entity);
    const out: Record<string, unknown> = {};
    // Walks the entity's columns rather than the row's entries: no [name, value] pair per column and no
    // lookup by name (the consumption maps an account and its lots per request). Columns the row lacks
    // (a narrower select) stay absent, as before.
    for (const column of shape.columns) {
      const raw = row[column.column];
      if (raw !== undefined) out[column.property] = fromSql(raw, column.kind);
    }
    return out as T;
  }

  /** `select * from <table> where <column> = ? and …` as entities. */
  async select<T extends object>(session: SqlSession, entity: EntityClass<T>, where: string, params: readonly SqlValue[]): Promise<T[]> {
    const { sql } = this.selectStatement(entity, where, params);
    return this.mapAll(entity, await session.all(sql, params));
  }

  /**
   * `update <table> set … where <where>` naming only the columns whose property differs between `value` and
   * `original` (the row as it was read; `===`, so a new Date counts as a change); null when none differs.
   * Derived from the entity's metadata like the INSERT, so a column added by a migration is saved too.
   */
  updateChangedStatement<T extends object>(entity: EntityClass<T>, value: T, original: Readonly<T>, where: string, whereParams: readonly SqlValue[]): SqlStatement | null {
    const now = value as Record<string, unknown>;
    const before = original as Record<string, unknown>;
    const changed = this.shape(entity).columns.filter((c) => now[c.property] !== before[c.property]);
    if (changed.length === 0) return null;
    return {
      sql: `update ${this.shape(entity).table} set ${changed.map((c) => `${c.column} = ?`).join(', ')} where ${where}`,
      params: [...changed.map((c) => toSql(now[c.property], c.kind)), ...whereParams],
    };
  }

  /** `select` as a statement, for SqlSession.batch; map its rows with `mapAll`. */
  selectStatement<T extends object>(entity: EntityClass<T>, where: string, params: readonly SqlValue[]): SqlStatement {
    return { sql: `select * from ${this.shape(entity).table} where ${where}`, params, reads: true };
  }

  mapAll<T extends object>(entity: EntityClass<T>, rows: readonly Record<string, unknown>[]): T[] {
    return rows.map((row) => this.map(entity, row));
  }

  private shape(entity: EntityClass<object>): Shape {
    let shape = this.shapes.get(entity);
    if (shape) return shape;
    const meta = this.em.getMetadata().get(entity.name);
    const columns = Object.values(meta.properties)
      .filter((p) => p.persist !== false && p.fieldNames?.length === 1)
      .map((p) => ({ property: p.name, column: p.fieldNames[0]!, kind: kindOf(p), fallback: p.default ?? null }));
    shape = {
      table: meta.tableName,
      columns,
      insertTail: `${meta.tableName} (${columns.map((c) => c.column).join(', ')}) values `,
      rowPlaceholders: `(${columns.map(() => '?').join(', ')})`,
    };
    this.shapes.set(entity, shape);
    return shape;
  }
}

function kindOf(p: EntityProperty): Kind {
  if (p.customType instanceof JsonType) return 'json';
  if (p.runtimeType === 'Date') return 'date';
  if (p.runtimeType === 'number') return 'number';
  return 'plain';
}

function toSql(value: unknown, kind: Kind): SqlValue {
  if (value === undefined || value === null) return null;
  if (kind === 'json') return JSON.stringify(value);
  return value as SqlValue;
}

function fromSql(raw: unknown, kind: Kind): unknown {
  if (raw === null || raw === undefined) return null;
  switch (kind) {
    case 'json':
      // MariaDB's JSON is LONGTEXT (text arrives); MySQL 8's driver parses it already.
      return typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
    case 'date':
      // SQLite keeps epoch milliseconds; the MySQL drivers return Date (timezone 'Z').
      return dateFromDriver(raw);
    case 'number':
      return typeof raw === 'number' ? raw : Number(raw);
    case 'plain':
      return raw;
  }
}
