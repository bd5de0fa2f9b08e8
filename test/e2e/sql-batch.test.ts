/**
 * SqlSession.batch and the write-behind session: several statements in one round trip (a multi-statement
 * query on MySQL/MariaDB, one after the other on SQLite), BEGIN sent with a transaction's first statement,
 * and held writes that still fail their transaction when they change the wrong rows. On the suite's database.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EntityRows } from '../../src/database/entity-rows';
import { SqlRunner } from '../../src/database/sql-runner';
import { WriteBehindSession } from '../../src/database/write-behind';
import { Order } from '../../src/orders/order.entity';
import { createOrder, type Client } from '../support/charge-fixtures';
import { consume, createCustomer, getBalance, grant } from '../support/credits';
import { startSandboxApp } from '../support/sandbox-app';
import type { TestApp } from '../support/test-app';
import { TEST_DB } from '../support/test-env';

describe('statements in one round trip', () => {
  let t: TestApp;
  let c: Client;
  let sql: SqlRunner;
  let rows: EntityRows;
  beforeAll(async () => {
    ({ t, c } = await startSandboxApp());
    sql = t.app.get(SqlRunner);
    rows = t.app.get(EntityRows);
  });
  afterEach(() => vi.restoreAllMocks());
  /** The statements only these tests send (the app's own work never reads an order's id back by id alone). */
  const byTest = (text: string) => text.includes('select id from orders where id = ?') || text.includes('update orders set description = ?');
  afterAll(async () => t.close());

  const description = async (id: string) => (await rows.select(sql, Order, 'id = ?', [id]))[0]!.description;

  it('a batch runs in order and answers rows for reads and changed-row counts for writes', async () => {
    const id = await createOrder(c, { amount: 801 });
    const results = await sql.transaction((tx) =>
      tx.batch([
        { sql: 'update orders set description = ? where id = ?', params: ['first; not a statement', id] },
        { sql: 'select description from orders where id = ?', params: [id], reads: true },
        { sql: 'update orders set description = ? where id = ?', params: ['never', 'ord_missing'] },
        { sql: 'update orders set description = ? where id = ?', params: ['second', id] },
        { sql: 'select description, amount from orders where id = ?', params: [id], reads: true },
      ]),
    );
    expect(results).toEqual([1, [{ description: 'first; not a statement' }], 0, 1, [{ description: 'second', amount: 801 }]]);
    // Outside a transaction too (each statement commits on its own there).
    expect(await sql.batch([{ sql: 'select amount from orders where id = ?', params: [id], reads: true }])).toEqual([[{ amount: 801 }]]);
    expect(await sql.batch([])).toEqual([]);
  });

  it('a failing statement rejects the batch, stops the ones after it, and its transaction rolls back', async () => {
    const id = await createOrder(c, { amount: 802 });
    const copy = { ...(await rows.select(sql, Order, 'id = ?', [id]))[0]!, reference: null };
    const insert = rows.insertStatement(Order, [copy]);
    await expect(
      sql.transaction((tx) =>
        tx.batch([
          { sql: 'update orders set description = ? where id = ?', params: ['rolled back', id] },
          insert, // duplicate primary key
          { sql: 'update orders set amount_refunded = 1 where id = ?', params: [id] },
        ]),
      ),
    ).rejects.toBeInstanceOf(UniqueConstraintViolationException);
    const [after] = await rows.select(sql, Order, 'id = ?', [id]);
    expect(after!.description).toBe('Plan Professional');
    expect(after!.amountRefunded).toBe(0);
  });

  it('held writes go out with the next statement, in order, and a held write that misses its row fails the transaction', async () => {
    const id = await createOrder(c, { amount: 803 });
    const seen = await sql.transaction(async (tx) => {
      const w = new WriteBehindSession(tx);
      w.hold('update orders set description = ? where id = ?', ['held', id], 1, 'first');
      w.hold('update orders set amount_refunded = amount_refunded + 3 where id = ?', [id], 1, 'second');
      const [row] = await w.all<{ description: string; amount_refunded: number }>('select description, amount_refunded from orders where id = ?', [id]);
      await w.flush(); // nothing left: no statement
      return row;
    });
    expect(seen).toEqual({ description: 'held', amount_refunded: 3 });

    await expect(
      sql.transaction(async (tx) => {
        const w = new WriteBehindSession(tx);
        w.hold('update orders set description = ? where id = ?', ['lost', id], 1, 'kept');
        w.hold('update orders set description = ? where id = ?', ['x', 'ord_missing'], 1, 'the missing order');
        await w.flush();
      }),
    ).rejects.toThrow('the missing order: changed 0 rows, not 1');
    expect(await description(id)).toBe('held');
  });

  it('held writes can ride the COMMIT (MariaDB/MySQL), and a failing one stops it: nothing of the transaction stays', async () => {
    const id = await createOrder(c, { amount: 805 });
    const sent = spySent();
    await sql.transaction(async (tx) => {
      const w = new WriteBehindSession(tx);
      await w.all('select id from orders where id = ?', [id]);
      w.hold('update orders set description = ? where id = ?', ['committed with', id], null, 'description');
      await w.commit();
    });
    if (TEST_DB === 'mysql') {
      expect(sent.ours(byTest)).toEqual([
        'begin;\nselect id from orders where id = ?',
        'update orders set description = ? where id = ?;\ncommit',
      ]);
    }
    expect(await description(id)).toBe('committed with');

    // A duplicate primary key in the held writes: the batch stops there, before its COMMIT, and rolls back.
    const copy = { ...(await rows.select(sql, Order, 'id = ?', [id]))[0]!, reference: null };
    await expect(
      sql.transaction(async (tx) => {
        const w = new WriteBehindSession(tx);
        await w.all('select id from orders where id = ?', [id]);
        w.hold('update orders set description = ? where id = ?', ['rolled back', id], null, 'description');
        w.holdStatement(rows.insertStatement(Order, [copy]), null, 'the copy');
        await w.commit();
      }),
    ).rejects.toBeInstanceOf(UniqueConstraintViolationException);
    expect(await description(id)).toBe('committed with');

    // A held write that waits for its changed-row count never rides the COMMIT: it is checked first.
    sent.clear();
    await expect(
      sql.transaction(async (tx) => {
        const w = new WriteBehindSession(tx);
        w.hold('update orders set description = ? where id = ?', ['lost', id], null, 'kept');
        w.hold('update orders set description = ? where id = ?', ['x', 'ord_missing'], 1, 'the missing order');
        await w.commit();
      }),
    ).rejects.toThrow('the missing order: changed 0 rows, not 1');
    expect(await description(id)).toBe('committed with');
    if (TEST_DB === 'mysql') {
      expect(sent.ours(byTest).length).toBeGreaterThan(0);
      expect(sent.ours(byTest).some((s) => s.endsWith('commit'))).toBe(false);
    }
  });

  it('a lot can never go below zero nor above its credits: the database refuses it', async () => {
    const customer = await createCustomer(c);
    await grant(c, customer, 10);
    const [lot] = await sql.all<{ id: string }>('select id from credit_lots where customer_id = ?', [customer]);
    await expect(sql.run('update credit_lots set remaining = remaining - 11 where id = ?', [lot!.id])).rejects.toThrow(/credit_lots_remaining_check|CHECK constraint failed/);
    await expect(sql.run('update credit_lots set remaining = remaining + 1 where id = ?', [lot!.id])).rejects.toThrow(/credit_lots_remaining_check|CHECK constraint failed/);
    expect((await getBalance(c, customer)).balance).toBe(10);
  });

  /**
   * Query texts sent to MySQL/MariaDB from now on (nothing on SQLite), grouped into the transactions they
   * belong to. The app's job worker shares the pool and runs its own transactions meanwhile, so a test reads
   * only the transactions `ours` picks out: those with a statement only the test sends.
   */
  function spySent(): { ours: (mine: (text: string) => boolean) => string[]; clear: () => void } {
    const sent: { conn: object; text: string }[] = [];
    const original = sql.mysqlQuery.bind(sql);
    vi.spyOn(sql, 'mysqlQuery').mockImplementation((conn, text, params) => {
      sent.push({ conn, text });
      return original(conn, text, params);
    });
    const ours = (mine: (text: string) => boolean): string[] => {
      // A connection carries one transaction at a time, from its BEGIN to its COMMIT or ROLLBACK.
      const groups: string[][] = [];
      const open = new Map<object, string[]>();
      for (const { conn, text } of sent) {
        let group = open.get(conn);
        if (!group || /^(begin|set transaction)/.test(text)) {
          group = [];
          groups.push(group);
          open.set(conn, group);
        }
        group.push(text);
        if (/(^|\n)(commit|rollback)$/.test(text)) open.delete(conn);
      }
      return groups.filter((g) => g.some(mine)).flat();
    };
    return { ours, clear: () => (sent.length = 0) };
  }

  it.runIf(TEST_DB === 'mysql')('MariaDB/MySQL: BEGIN travels with the first statement, and a transaction that ran nothing sends nothing', async () => {
    const id = await createOrder(c, { amount: 804 });
    const sent = spySent();
    await sql.transaction(async (tx) => {
      await tx.run('update orders set description = ? where id = ?', ['one trip', id]);
      await tx.all('select id from orders where id = ?', [id]);
    });
    await sql.transaction(() => Promise.resolve(undefined));
    await sql.transaction(async (tx) => tx.all('select id from orders where id = ?', [id]), { readCommitted: true });
    expect(sent.ours(byTest)).toEqual([
      'begin;\nupdate orders set description = ? where id = ?',
      'select id from orders where id = ?',
      'commit',
      'set transaction isolation level read committed;\nbegin;\nselect id from orders where id = ?',
      'commit',
    ]);
    expect(await description(id)).toBe('one trip');
  });

  it.runIf(TEST_DB === 'mysql')('MariaDB/MySQL: a consumption is two round trips (lock + reads, then writes + COMMIT)', async () => {
    const customer = await createCustomer(c);
    await grant(c, customer, 1000); // far above the low-balance threshold: no notice to read lots for
    const sent = spySent();
    const res = await consume(c, customer, 3, 'batch-ref-1');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // The consumption's whole transaction: nothing but these two round trips.
    const credit = sent.ours((text) => text.includes('from credit_accounts where customer_id = ? for update'));
    expect(credit).toHaveLength(2);
    expect(credit[0]).toMatch(/^begin;\nselect \* from credit_accounts where customer_id = \? for update;\nselect \* from credit_transactions .*;\nselect \* from credit_lots /);
    expect(credit[1]).toMatch(/^update credit_lots set remaining = remaining - \? where id = \?;\ninsert into credit_transactions .*;\nupdate credit_accounts set balance = \?, updated_at = \? where customer_id = \?;\ncommit$/s);
    // The COMMIT rode the writes: the consumption sent none of its own.
    expect(credit.filter((s) => s === 'commit')).toEqual([]);
    expect((await getBalance(c, customer)).balance).toBe(997);
    // A replay answers the first transaction from the lock's round trip and writes nothing.
    const again = await consume(c, customer, 3, 'batch-ref-1');
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(res.body.id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await getBalance(c, customer)).balance).toBe(997);
  });
});
