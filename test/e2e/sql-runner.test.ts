import { randomUUID } from 'node:crypto';
import { MikroORM, RequestContext, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AbstractSqlConnection } from '@mikro-orm/knex';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Charge } from '../../src/charges/charge.entity';
import { EntityRows } from '../../src/database/entity-rows';
import { promiseHandleOf } from '../../src/database/mariadb-driver';
import { SqlRunner } from '../../src/database/sql-runner';
import { GatewayCall } from '../../src/gateways/http/gateway-call.entity';
import { Order } from '../../src/orders/order.entity';
import { clientOf, createOrder, payWithCulqi } from '../support/charge-fixtures';
import { sandboxInfo } from '../support/sandbox-client';
import { bearer, startTestApp, type TestApp } from '../support/test-app';
import { TEST_DB } from '../support/test-env';

/** knex's view of a pooled MariaDB connection: the connector's callback handle. */
interface CallbackConnection {
  query(sql: string, values: unknown[], callback: (err: Error | null) => void): void;
}

/**
 * The payment hot path writes and reads rows with plain SQL (SqlRunner + EntityRows) instead of the
 * ORM. These tests hold the two views of the same rows equal on the suite's database, and check the
 * runner's transactions and error conversion.
 */
describe('plain SQL beside the ORM', () => {
  let t: TestApp;
  let orm: MikroORM;
  let sql: SqlRunner;
  let rows: EntityRows;
  beforeAll(async () => {
    t = await startTestApp();
    orm = t.app.get(MikroORM);
    sql = t.app.get(SqlRunner);
    rows = t.app.get(EntityRows);
  });
  afterAll(async () => t.close());

  const viaOrm = <T extends object>(entity: new () => T, id: string) => RequestContext.create(orm.em, () => orm.em.fork().findOneOrFail(entity, { id }));
  const viaSql = async <T extends object>(entity: new () => T, id: string) => (await rows.select(sql, entity, 'id = ?', [id]))[0];

  it('an order, its charge and the call log read the same through both (JSON, timestamps, money, nulls)', async () => {
    const created = await t.http
      .post('/v1/orders')
      .set(bearer(t.apiKey))
      .send({
        amount: 2 * 4990 + 119,
        currency: 'PEN',
        description: 'Café y ñandú — “quoted” \'single\' \\ backslash',
        // Not a timestamp: 13 digits pass Luhn one time in ten and the card-data guard would refuse them.
        reference: `ref-${randomUUID()}`,
        items: [
          { description: 'Plan 😀', quantity: 2, unit_amount: 4990 },
          { description: 'IGV', quantity: 1, unit_amount: 119 },
        ],
        metadata: { campaign: 'navidad', 'clave con espacios': 'valor "x"' },
        customer: { email: 'rows@example.com' },
      });
    expect(created.status).toBe(201);
    const orderId = created.body.id as string;
    const info = await sandboxInfo(t);
    const paid = await payWithCulqi(clientOf(t), info, orderId);

    const order = await viaSql(Order, orderId);
    expect(order).toEqual({ ...(await viaOrm(Order, orderId)) });
    expect(order!.items[0]!.description).toBe('Plan 😀');
    expect(order!.paidAt).toBeInstanceOf(Date);
    expect(order!.canceledAt).toBeNull();

    const charge = await viaSql(Charge, paid.id as string);
    expect(charge).toEqual({ ...(await viaOrm(Charge, paid.id as string)) });
    expect(charge!.routing).toEqual([{ gateway: 'culqi', reason: 'requested', result: 'succeeded' }]);

    const [call] = await rows.select(sql, GatewayCall, 'charge_id = ?', [paid.id as string]);
    expect(call).toEqual({ ...(await viaOrm(GatewayCall, call!.id)) });
  });

  it('several rows in one INSERT read back exactly, in a transaction with the rest', async () => {
    const at = new Date(Date.UTC(2026, 10, 28, 12, 0, 0, 123));
    const calls: GatewayCall[] = ['a', 'b', 'c'].map((suffix, i) => ({
      id: `gwc_01JROWS${'0'.repeat(18)}${suffix.toUpperCase()}`.replace(/[IOLU]/g, '0').slice(0, 30),
      appId: t.appId,
      gateway: 'culqi',
      operation: 'list_charges',
      method: 'GET',
      path: `/charges?page=${i}`,
      httpStatus: i === 2 ? null : 200,
      durationMs: 10 + i,
      errorClass: i === 2 ? 'timeout' : null,
      requestBody: null,
      responseBody: i === 0 ? '{"data":[],"note":"ñ \\"quoted\\""}' : null,
      chargeId: null,
      refundId: null,
      paymentMethodId: null,
      createdAt: new Date(at.getTime() + i),
    }));
    expect(new Set(calls.map((c) => c.id)).size).toBe(3);
    await sql.transaction((tx) => rows.insertMany(tx, GatewayCall, calls));
    for (const call of calls) expect(await viaSql(GatewayCall, call.id)).toEqual(call);
  });

  it('a transaction commits only what resolved: a thrown error rolls every statement back', async () => {
    const id = await createOrder(clientOf(t), { amount: 700 });
    await expect(
      sql.transaction(async (tx) => {
        await tx.run("update orders set description = 'changed' where id = ?", [id]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await viaSql(Order, id))!.description).toBe('Plan Professional');

    const changed = await sql.transaction((tx) => tx.run("update orders set description = 'kept' where id = ?", [id]));
    expect(changed).toBe(1);
    expect((await viaSql(Order, id))!.description).toBe('kept');
  });

  it('a duplicate key is the ORM’s UniqueConstraintViolationException, inside and outside a transaction', async () => {
    const id = await createOrder(clientOf(t), { amount: 701 });
    const copy = { ...(await viaSql(Order, id))!, reference: null };
    await expect(rows.insert(sql, Order, copy)).rejects.toBeInstanceOf(UniqueConstraintViolationException);
    await expect(sql.transaction((tx) => rows.insert(tx, Order, copy))).rejects.toBeInstanceOf(UniqueConstraintViolationException);
    // The connection went back to the pool in a usable state.
    expect((await viaSql(Order, id))!.id).toBe(id);
  });

  it('many concurrent transactions on the shared pool neither deadlock nor lose a write', async () => {
    const id = await createOrder(clientOf(t), { amount: 702 });
    await Promise.all(
      Array.from({ length: 60 }, () =>
        sql.transaction(async (tx) => {
          await tx.run('update orders set amount_refunded = amount_refunded + 1 where id = ?', [id]);
        }),
      ),
    );
    expect((await viaSql(Order, id))!.amountRefunded).toBe(60);
  });

  it.runIf(TEST_DB === 'mysql')('MariaDB: the runner queries through the promise handle of the very connection the ORM uses (one session)', async () => {
    const pool = (orm.em.getConnection() as unknown as AbstractSqlConnection).getKnex().client as {
      acquireConnection(): Promise<CallbackConnection>;
      releaseConnection(connection: CallbackConnection): Promise<unknown>;
    };
    const connection = await pool.acquireConnection();
    let handlePrototype: { query(...args: unknown[]): Promise<unknown> };
    try {
      const handle = promiseHandleOf(connection);
      expect(handle).toBeDefined();
      // A session variable set through knex's callback handle is read back through the promise handle.
      const marker = Math.floor(Math.random() * 1e9);
      await new Promise<void>((resolve, reject) => connection.query('set @smartpay_marker = ?', [marker], (err) => (err ? reject(err) : resolve())));
      expect(await handle!.query('select @smartpay_marker as marker')).toEqual([{ marker }]);
      handlePrototype = Object.getPrototypeOf(handle) as typeof handlePrototype;
    } finally {
      await pool.releaseConnection(connection);
    }

    // SqlRunner's statements take the handle (every handle is the connector's ConnectionPromise: spy on its class).
    const spy = vi.spyOn(handlePrototype, 'query');
    try {
      const id = await createOrder(clientOf(t), { amount: 703 });
      await sql.transaction((tx) => tx.run("update orders set description = 'via handle' where id = ?", [id]));
      expect((await viaSql(Order, id))!.description).toBe('via handle');
      expect(spy.mock.calls.some(([text]) => String(text).includes("set description = 'via handle'"))).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it.runIf(TEST_DB === 'sqlite')('SQLite: WAL, FULL sync, and savepoint journals in memory (group commit pays no temporary-file I/O)', async () => {
    const pragma = async (name: string) => Object.values((await sql.all<Record<string, unknown>>(`pragma ${name}`))[0] ?? {})[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2); // FULL
    expect(await pragma('temp_store')).toBe(2); // MEMORY
  });
});
