import type { Configuration } from '@mikro-orm/core';
import { MariaDbKnexDialect } from '@mikro-orm/knex';
import { MariaDbConnection, MariaDbDriver } from '@mikro-orm/mariadb';

/**
 * MikroORM's MariaDB driver with one difference: every connection it opens also has a promise-API handle, which
 * SqlRunner uses for the hot paths' plain SQL (`promiseHandleOf`).
 *
 * Why: knex drives the `mariadb` connector through its callback API, and that API asks for `metaAsArray` on
 * every query, which makes the connector copy the connection's whole option set into a new object per query.
 * Measured here on one connection (`select ?, ?; select 1`, 20,000 in a row): 92 µs of CPU per query through
 * the callback API against 63 µs through the promise API. A credit consumption sends two queries.
 *
 * Both handles are the connector's own classes wrapped around one connection (one socket, one session): what
 * one handle sets (a transaction, a session variable) the other sees, and the pool lends out both together.
 * The connector's factory does not return the connection under the callback handle, so `createConnection`
 * below builds it from the connector's classes (pinned with the rest of the lock file; `sql-runner.test.ts`
 * fails if they move).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the connector's classes are CommonJS modules without typings */
const callbackApi = require('mariadb/callback') as Record<string, unknown>;
const CoreConnection = require('mariadb/lib/connection') as new (options: unknown) => CoreConnectionLike;
const ConnectionOptions = require('mariadb/lib/config/connection-options') as new (options: unknown) => unknown;
const ConnectionCallback = require('mariadb/lib/connection-callback') as new (core: CoreConnectionLike) => object;
const ConnectionPromise = require('mariadb/lib/connection-promise') as new (core: CoreConnectionLike) => PromiseHandle;
/* eslint-enable @typescript-eslint/no-require-imports */

interface CoreConnectionLike {
  connect(): Promise<unknown>;
  emit(event: string, ...args: unknown[]): boolean;
}

/** The part of the connector's promise API SqlRunner uses. */
export interface PromiseHandle {
  query(sql: string, values?: unknown[]): Promise<unknown>;
}

const promiseHandles = new WeakMap<object, PromiseHandle>();

/** The promise-API handle of a connection this driver opened; undefined for any other connection. */
export function promiseHandleOf(connection: object): PromiseHandle | undefined {
  return promiseHandles.get(connection);
}

/** What knex gets as the `mariadb/callback` module: the same, except that connections remember a promise handle. */
const connectorWithPromiseHandles = {
  ...callbackApi,
  createConnection(options: unknown): object {
    const core = new CoreConnection(new ConnectionOptions(options));
    const callbackHandle = new ConnectionCallback(core);
    promiseHandles.set(callbackHandle, new ConnectionPromise(core));
    // The callback handle's `connect(cb)` waits for this event: nothing on success, the error on failure.
    core.connect().then(
      () => core.emit('connect'),
      (err: unknown) => core.emit('connect', err),
    );
    return callbackHandle;
  },
};

class PromiseHandleDialect extends MariaDbKnexDialect {
  override _driver(): unknown {
    return connectorWithPromiseHandles;
  }
}

class PromiseHandleConnection extends MariaDbConnection {
  override createKnex(): void {
    // MikroORM's own MariaDbConnection hands the dialect class here too (the typings say string).
    this.client = this.createKnexClient(PromiseHandleDialect as unknown as string);
    this.connected = true;
  }
}

export class SmartPayMariaDbDriver extends MariaDbDriver {
  constructor(config: Configuration) {
    super(config);
    // AbstractSqlDriver made its connection from MariaDbConnection; nothing has connected yet (MikroORM.init does).
    (this as unknown as { connection: MariaDbConnection }).connection = new PromiseHandleConnection(this.config);
  }
}
