import type { SqlSession } from './sql-session';

interface Pending {
  work: (tx: SqlSession) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** The connection-level operations a batch needs (SqlRunner provides them). */
export interface GroupCommitConnection {
  session: SqlSession;
  exec(sql: string): Promise<unknown>;
  release(): Promise<void>;
}

/** Most transactions one commit carries: bounds how long the first of them waits for the last. */
const MAX_BATCH = 64;

/**
 * Group commit for SQLite. With `synchronous=FULL` every COMMIT waits for an fsync — about 4 ms on the
 * benchmark's disk, during which better-sqlite3 blocks the event loop — and a payment needs three, so
 * one commit per transaction caps any design near 125 payments/s (the benchmark's yardstick). Here the
 * transactions that arrive while a commit is in progress queue up and the next batch runs them all in
 * one SQLite transaction, one after another, each inside its own SAVEPOINT, then commits once: one
 * fsync for the whole batch.
 *
 * Each transaction keeps its own outcome: one that throws is rolled back to its savepoint (the others
 * keep their writes), and no caller hears "committed" before the shared COMMIT has returned, so a
 * crash loses only transactions nobody was told about. Within a batch they run serially and see each
 * other's writes, exactly as if they had committed one by one. Under no load a batch holds one
 * transaction and this costs two extra statements (savepoint, release), no waiting.
 */
export class SqliteGroupCommit {
  private readonly queue: Pending[] = [];
  private running = false;

  constructor(private readonly connect: () => Promise<GroupCommitConnection>) {}

  submit<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.running) return;
      this.running = true;
      // Start on the next turn of the event loop, not now: every request whose data arrived in this
      // turn gets to submit first and joins the batch. better-sqlite3 blocks the loop during a commit,
      // so without this the requests queued behind a commit would each start a batch of one.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        await this.runBatch(this.queue.splice(0, MAX_BATCH));
        // Let the requests that arrived while the commit blocked the loop be read and submit first.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.running = false;
    }
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    let conn: GroupCommitConnection;
    try {
      conn = await this.connect();
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      await conn.exec('begin immediate');
      for (const p of batch) {
        await conn.exec('savepoint smartpay_tx');
        try {
          const value = await p.work(conn.session);
          await conn.exec('release smartpay_tx');
          outcomes.push({ ok: true, value });
        } catch (err) {
          await conn.exec('rollback to smartpay_tx');
          await conn.exec('release smartpay_tx');
          outcomes.push({ ok: false, value: err });
        }
      }
      await conn.exec('commit');
    } catch (err) {
      // The batch itself failed (BEGIN, a savepoint or the COMMIT): nothing of it is durable.
      await conn.exec('rollback').catch(() => undefined);
      await conn.release();
      for (const p of batch) p.reject(err);
      return;
    }
    await conn.release();
    batch.forEach((p, i) => (outcomes[i]!.ok ? p.resolve(outcomes[i]!.value) : p.reject(outcomes[i]!.value)));
  }
}
