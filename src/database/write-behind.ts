import { BatchSession, canCommitWith, type SqlResult, type SqlSession, type SqlStatement, type SqlValue } from './sql-session';

interface HeldWrite {
  statement: SqlStatement;
  /** The rows it must change (null: any number); anything else fails the transaction. */
  expect: number | null;
  what: string;
}

/**
 * A transaction's session that holds writes back until the next statement needs the database anyway,
 * then sends them in front of it in the same round trip (SqlSession.batch). For a run of writes whose
 * outcome is known in advance — a consumption's lot updates, its ledger entry and its account row — that
 * is one round trip instead of one each. A held write that changes another number of rows than it must
 * throws, which rolls the transaction back like a failed `run` check would; the throw comes later, at the
 * send, so only writes whose failure needs no handling but the rollback are held. `flush` sends what is
 * left (before the transaction's work ends, so nothing held is ever dropped).
 */
export class WriteBehindSession extends BatchSession {
  private held: HeldWrite[] = [];

  constructor(private readonly inner: SqlSession) {
    super();
  }

  /**
   * Holds a write back; it goes out with the next statement or `flush`. `expect`: the rows it must change,
   * checked when its result comes back; null when its failure is a statement error (a constraint, a
   * duplicate key), which also lets it ride the COMMIT (`commit`).
   */
  hold(sql: string, params: readonly SqlValue[], expect: number | null, what: string): void {
    this.holdStatement({ sql, params }, expect, what);
  }

  /** Holds an already built write (EntityRows.insertStatement). */
  holdStatement(statement: SqlStatement, expect: number | null, what: string): void {
    this.held.push({ statement, expect, what });
  }

  async batch(statements: readonly SqlStatement[]): Promise<SqlResult[]> {
    const held = this.held;
    if (held.length === 0) return this.inner.batch(statements);
    this.held = [];
    const results = await this.inner.batch([...held.map((h) => h.statement), ...statements]);
    held.forEach((h, i) => {
      if (h.expect !== null && results[i] !== h.expect) throw new Error(`${h.what}: changed ${JSON.stringify(results[i])} rows, not ${h.expect}`);
    });
    return results.slice(held.length);
  }

  async flush(): Promise<void> {
    if (this.held.length > 0) await this.batch([]);
  }

  /**
   * Sends what is held with the transaction's COMMIT, in one round trip, when the session underneath can
   * (CommittingSession: MySQL/MariaDB) and no held write waits for its changed-row count — that count would
   * arrive after the COMMIT, too late to roll back. Otherwise the same as `flush`, and the caller's
   * transaction commits as usual. Only for the last thing a transaction does.
   */
  async commit(): Promise<void> {
    const held = this.held;
    if (held.length === 0 || !canCommitWith(this.inner) || held.some((h) => h.expect !== null)) return this.flush();
    this.held = [];
    await this.inner.commitWith(held.map((h) => h.statement));
  }
}
