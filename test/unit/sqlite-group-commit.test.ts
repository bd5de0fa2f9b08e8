import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchInTurn, type SqlSession } from '../../src/database/sql-session';
import { type GroupCommitConnection, SqliteGroupCommit } from '../../src/database/sqlite-group-commit';

/** The part of better-sqlite3 used here (the package ships no types; SmartPay reaches it through MikroORM). */
interface SqliteDb {
  pragma(sql: string): unknown;
  exec(sql: string): void;
  prepare(sql: string): { run(...params: unknown[]): { changes: number }; all(...params: unknown[]): unknown[]; get(...params: unknown[]): unknown };
  close(): void;
}
const Database = createRequire(join(process.cwd(), 'package.json'))('better-sqlite3') as new (path: string) => SqliteDb;

/** Group commit on a real SQLite file with SmartPay's pragmas; every COMMIT issued is counted. */
describe('SQLite group commit', () => {
  let dir: string;
  let db: SqliteDb;
  let commits: number;
  /** The COMMIT with this number fails (as a full disk would). */
  let failCommit: number;
  let group: SqliteGroupCommit;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'smartpay-group-'));
    db = new Database(join(dir, 'g.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('create table t (id integer primary key, v text not null unique)');
    commits = 0;
    failCommit = 0;
    const session: SqlSession = {
      run: (sql, params = []) => Promise.resolve(db.prepare(sql).run(...params).changes),
      all: <T extends object>(sql: string, params: readonly unknown[] = []) => Promise.resolve(db.prepare(sql).all(...params) as T[]),
      batch: (statements) => batchInTurn(session, statements),
    };
    let busy = false;
    const connect = (): Promise<GroupCommitConnection> => {
      // One connection, as SmartPay's SQLite pool: a second holder would be a bug.
      expect(busy).toBe(false);
      busy = true;
      return Promise.resolve({
        session,
        exec: (sql: string) => {
          if (sql === 'commit') {
            commits += 1;
            if (commits === failCommit) return Promise.reject(new Error('disk I/O error'));
          }
          db.exec(sql);
          return Promise.resolve();
        },
        release: () => {
          busy = false;
          return Promise.resolve();
        },
      });
    };
    group = new SqliteGroupCommit(connect);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = () => (db.prepare('select count(*) as n from t').get() as { n: number }).n;

  it('commits 200 concurrent transactions with far fewer COMMITs, each answered with its own result', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        group.submit(async (tx) => {
          await tx.run('insert into t (v) values (?)', [`v${i}`]);
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(count()).toBe(200);
    // All 200 arrived in the same turn of the event loop: full batches of 64, one COMMIT each.
    expect(commits).toBe(Math.ceil(200 / 64));
  });

  it('a transaction that throws loses only its own writes; the batch around it commits', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        group.submit(async (tx) => {
          await tx.run('insert into t (v) values (?)', [`a${i}`]);
          await tx.run('insert into t (v) values (?)', [`b${i}`]);
          if (i % 7 === 3) throw new Error(`refused ${i}`);
          return i;
        }),
      ),
    );
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused.map((o) => (o).reason.message)).toEqual(['refused 3', 'refused 10', 'refused 17', 'refused 24']);
    expect(count()).toBe(2 * 26);
    expect(db.prepare("select count(*) as n from t where v in ('a3', 'b3', 'a24', 'b24')").get()).toEqual({ n: 0 });
  });

  it('a constraint violation inside one transaction is that caller’s error only', async () => {
    await group.submit((tx) => tx.run("insert into t (v) values ('taken')"));
    const [dup, ok] = await Promise.allSettled([
      group.submit((tx) => tx.run("insert into t (v) values ('taken')")),
      group.submit((tx) => tx.run("insert into t (v) values ('free')")),
    ]);
    expect(dup.status).toBe('rejected');
    expect(ok).toEqual({ status: 'fulfilled', value: 1 });
  });

  it('when the shared COMMIT fails, every transaction of the batch fails and none of its writes remain', async () => {
    await group.submit((tx) => tx.run("insert into t (v) values ('before')"));
    // x0…x9 arrive in one turn of the event loop, so they share the next COMMIT, which fails.
    failCommit = commits + 1;
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => group.submit((tx) => tx.run('insert into t (v) values (?)', [`x${i}`]))));
    expect(commits).toBe(failCommit);
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof Error && o.reason.message === 'disk I/O error')).toBe(true);
    expect(db.prepare('select v from t order by id').all()).toEqual([{ v: 'before' }]);
    // The connection is usable again.
    await group.submit((tx) => tx.run("insert into t (v) values ('after')"));
    expect(count()).toBe(2);
  });

  it('transactions submitted while a batch runs form the next batch', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const first = group.submit(async (tx) => {
      await gate;
      return tx.run("insert into t (v) values ('first')");
    });
    // Let the first batch start (it waits on the gate inside its transaction), then queue more.
    await new Promise((resolve) => setImmediate(resolve));
    const later = Array.from({ length: 5 }, (_, i) => group.submit((tx) => tx.run('insert into t (v) values (?)', [`later${i}`])));
    open();
    await Promise.all([first, ...later]);
    expect(commits).toBe(2);
    expect(count()).toBe(6);
  });
});
