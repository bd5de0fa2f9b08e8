/**
 * The payment path's single-row updates use the primary key on MySQL/MariaDB. MariaDB 10.11 ran
 * `update orders … where id = ? and … status = 'pending' …` as a range scan of the (status, expires_at) index when
 * that index looked small, taking next-key locks on every pending order's entry: two payments deadlocked in the
 * benchmark and one answered 500. The statements now carry `/*! FORCE INDEX (PRIMARY) *\/` (executed by
 * MySQL/MariaDB, a comment to SQLite). This suite keeps it that way: no update by id of orders or charges without
 * the hint anywhere in src/, and on MariaDB/MySQL the hinted statements are planned on PRIMARY.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlRunner } from '../../src/database/sql-runner';
import { startTestApp, type TestApp } from '../support/test-app';
import { TEST_DB } from '../support/test-env';

const HINT = '/*! FORCE INDEX (PRIMARY) */';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every SQL string literal (quoted or template) that updates orders or charges by id. */
function updatesById(): { file: string; sql: string }[] {
  const found: { file: string; sql: string }[] = [];
  for (const file of sources(join(__dirname, '..', '..', 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const quote of ['"', "'", '`']) {
      const literal = new RegExp(`${quote}(update (?:orders|charges)\\b[^${quote}]*?where id = \\?[^${quote}]*)${quote}`, 'g');
      for (const m of text.matchAll(literal)) found.push({ file, sql: m[1]! });
    }
  }
  return found;
}

describe('single-row updates on the payment path', () => {
  it('name the primary key wherever orders or charges are updated by id', () => {
    const statements = updatesById();
    // The order state machine alone has ten; fewer would mean the scan stopped matching.
    expect(statements.length).toBeGreaterThanOrEqual(15);
    expect(statements.filter((s) => !s.sql.includes(HINT)).map((s) => `${s.file}: ${s.sql}`)).toEqual([]);
  });
});

describe.runIf(TEST_DB === 'mysql')('their plans on MariaDB/MySQL', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('use PRIMARY (without the hint MariaDB 10.11 picks a status index even on empty tables)', async () => {
    const sql = t.app.get(SqlRunner);
    const statements = [...new Set(updatesById().map((s) => s.sql.replace(/(\$\{[^}]*\})+/g, 'updated_at = ?')))];
    for (const statement of statements) {
      const params = Array.from(statement.matchAll(/\?/g), () => '2026-12-04 10:00:00');
      const [plan] = await sql.all<{ key: string | null; table: string }>(`explain ${statement}`, params);
      expect({ statement, key: plan?.key }).toEqual({ statement, key: 'PRIMARY' });
    }
  });
});
