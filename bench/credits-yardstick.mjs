// The consumption yardstick: the debit SmartPay's `POST /v1/customers/{id}/credits/consume` makes, with only
// the work no credits service can skip — no framework, no ORM, no logging, no validation library. Its own
// tables with SmartPay's shape (columns, types and indexes of the credit_accounts / credit_lots /
// credit_transactions migration, here `accounts`, `lots`, `transactions`) and one transaction per debit with
// SmartPay's steps (src/credits/credit-ledger.ts, credits.service.ts):
//   lock the customer's account row     select … from accounts where customer_id = ? [for update on MariaDB]
//   is the reference new?               select … from transactions where customer_id = ? and reference = ?
//   usable lots                         select … from lots where customer_id = ? and remaining > 0
//                                       (soonest-expiring first, never-expiring last; expired ones skipped)
//   take from each lot                  update lots set remaining = remaining - ? where id = ? and remaining >= ?
//   the ledger entry                    insert into transactions (…, balance_after, reference, lots json, …)
//   the balance                         update accounts set balance = ?, updated_at = ? where customer_id = ?
// SQLite through better-sqlite3 with SmartPay's pragmas (WAL, synchronous=FULL, temp_store=MEMORY): one
// `begin immediate … commit` per debit (one fsync each — no group commit, like the payment yardstick); with
// YARDSTICK_GROUP_COMMIT=1 the debits that arrive while one commits share the next `begin immediate … commit`
// (at most 64, started on the next event-loop turn, as SmartPay's src/database/sqlite-group-commit.ts does,
// without its per-transaction savepoints: a debit writes nothing until its checks passed) — the floor of
// the debit on SQLite once fsyncs are shared.
// MariaDB through the `mariadb` connector (SmartPay's driver) with a pool of 10 connections (SmartPay's pool
// size), text protocol with client-side placeholders as SmartPay sends its statements: one round trip per
// statement; with YARDSTICK_BATCH=1 the debit's statements travel as SmartPay sends them (src/database/
// sql-runner.ts, write-behind.ts): `begin; lock; reference; lots` in one multi-statement query, then `lot
// updates; entry; balance; commit` — two round trips, the floor of the debit once round trips are shared.
// As in SmartPay the writes are not checked by their row counts, which would arrive after the COMMIT: the
// lot update cannot overdraw (the lot's remaining is checked under the account lock, as SmartPay's
// credit_lots_remaining_check makes the database refuse it) and a failing statement stops the COMMIT.
//
// Routes (Bearer YARDSTICK_API_KEY): POST /v1/customers {email} → 201 {id} (creates the account row);
// POST /v1/customers/{id}/credits/grants {credits, reason} → 201; POST /v1/customers/{id}/credits/consume
// {credits, reference} → 201 (a reference seen before answers its first transaction with
// `Idempotent-Replayed: true`), 409 insufficient_credits, 404; GET /v1/customers/{id}/credits → {balance}.
// GET /_stats → statement and transaction counters.
//
// Env: YARDSTICK_DB (sqlite:<path> | mysql://user@127.0.0.1:3306/<db>), YARDSTICK_API_KEY, YARDSTICK_PORT
// (0 = any), YARDSTICK_GROUP_COMMIT (1 = SQLite group commit), YARDSTICK_BATCH (1 = MariaDB multi-statement
// round trips). Prints {"port":N} once listening.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { setImmediate } from 'node:timers';
import { readJson, send, serve } from './lib/bare-server.mjs';

const require = createRequire(import.meta.url);
const env = process.env;
const apiKey = env.YARDSTICK_API_KEY ?? '';
const dbUrl = env.YARDSTICK_DB ?? '';
const APP_ID = 'app_yardstick';
const groupCommit = env.YARDSTICK_GROUP_COMMIT === '1';
const batched = env.YARDSTICK_BATCH === '1';
const stats = { statements: 0, transactions: 0, consumed: 0, replayed: 0, insufficient: 0, batches: 0 };

/** Soonest expiry first, never-expiring last, then oldest lot (SmartPay's consumptionOrder, without kinds). */
function byExpiry(a, b) {
  const ea = a.expires_at === null ? Infinity : Number(a.expires_at instanceof Date ? a.expires_at.getTime() : a.expires_at);
  const eb = b.expires_at === null ? Infinity : Number(b.expires_at instanceof Date ? b.expires_at.getTime() : b.expires_at);
  if (ea !== eb) return ea < eb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The lots to take `credits` from (already in order), or null when they do not hold enough. */
function plan(lots, credits, nowMs) {
  const moves = [];
  let left = credits;
  for (const lot of lots) {
    if (left === 0) break;
    const expires = lot.expires_at === null ? null : Number(lot.expires_at instanceof Date ? lot.expires_at.getTime() : lot.expires_at);
    if (expires !== null && expires <= nowMs) continue; // expired: never spent
    const part = Math.min(Number(lot.remaining), left);
    if (part <= 0) continue;
    moves.push({ lot_id: lot.id, credits: -part });
    left -= part;
  }
  return left === 0 ? moves : null;
}

function entry(row) {
  return {
    id: row.id,
    object: 'credit_transaction',
    customer_id: row.customer_id,
    type: row.type,
    credits: Number(row.credits),
    balance_after: Number(row.balance_after),
    reference: row.reference,
    lots: typeof row.lots === 'string' ? JSON.parse(row.lots) : row.lots,
    created_at: new Date(row.created_at instanceof Date ? row.created_at.getTime() : Number(row.created_at)).toISOString(),
  };
}

// ---------------------------------------------------------------- SQLite

function sqliteStore(path) {
  const Database = require('better-sqlite3');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = FULL');
  db.pragma('temp_store = MEMORY');
  db.exec(`
    create table if not exists accounts (customer_id text not null, app_id text not null, balance bigint not null default 0, low_balance_threshold integer null,
      low_balance_notified integer not null default false, renewal_enabled integer not null default false, renewal_package text null, renewal_currency text null,
      renewal_payment_method_id text null, renewal_threshold integer null, renewal_status text not null default 'idle', renewal_key text null, renewal_order_id text null,
      renewal_attempts integer not null default 0, renewal_last_failure text null, created_at datetime not null, updated_at datetime not null, primary key (customer_id));
    create index if not exists accounts_app_id_customer_id_index on accounts (app_id, customer_id);
    create table if not exists lots (id text not null, app_id text not null, customer_id text not null, kind text not null, credits integer not null, remaining integer not null,
      expires_at datetime null, expired_at datetime null, order_id text null, created_at datetime not null, primary key (id),
      constraint lots_remaining_check check (remaining >= 0 and remaining <= credits));
    create index if not exists lots_order_id_index on lots (order_id);
    create index if not exists lots_expires_at_remaining_index on lots (expires_at, remaining);
    create index if not exists lots_customer_id_expires_at_index on lots (customer_id, expires_at);
    create table if not exists transactions (id text not null, app_id text not null, customer_id text not null, type text not null, credits integer not null,
      balance_after bigint not null default 0, reference text null, entry_key text null, description text null, lots json not null, order_id text null, refund_id text null,
      metadata json not null, created_at datetime not null, primary key (id));
    create index if not exists transactions_customer_id_id_index on transactions (customer_id, id);
    create unique index if not exists transactions_customer_id_entry_key_unique on transactions (customer_id, entry_key);
    create unique index if not exists transactions_customer_id_reference_unique on transactions (customer_id, reference);`);
  const s = {
    begin: db.prepare('begin immediate'),
    commit: db.prepare('commit'),
    rollback: db.prepare('rollback'),
    insertAccount: db.prepare('insert into accounts (customer_id, app_id, balance, created_at, updated_at) values (?, ?, 0, ?, ?)'),
    account: db.prepare('select customer_id, app_id, balance from accounts where customer_id = ?'),
    byReference: db.prepare('select * from transactions where customer_id = ? and reference = ?'),
    openLots: db.prepare('select id, remaining, expires_at from lots where customer_id = ? and remaining > 0'),
    take: db.prepare('update lots set remaining = remaining - ? where id = ? and remaining >= ?'),
    insertLot: db.prepare('insert into lots (id, app_id, customer_id, kind, credits, remaining, expires_at, created_at) values (?, ?, ?, ?, ?, ?, null, ?)'),
    insertTx: db.prepare(
      'insert into transactions (id, app_id, customer_id, type, credits, balance_after, reference, entry_key, description, lots, order_id, refund_id, metadata, created_at) values (?, ?, ?, ?, ?, ?, ?, null, ?, ?, null, null, ?, ?)',
    ),
    saveAccount: db.prepare('update accounts set balance = ?, updated_at = ? where customer_id = ?'),
  };
  /** One transaction: `work` returns { rollback: true, … } to undo (nothing written in that case). */
  const transaction = (work) => {
    s.begin.run();
    stats.statements += 1;
    try {
      const result = work();
      (result?.rollback ? s.rollback : s.commit).run();
      stats.statements += 1;
      stats.transactions += 1;
      return result;
    } catch (err) {
      if (db.inTransaction) s.rollback.run();
      throw err;
    }
  };
  const count = (n) => (stats.statements += n);
  /** The debit's statements (inside a transaction); { rollback: true, … } when it wrote nothing. */
  const debit = (customerId, credits, reference, now) => {
    const account = s.account.get(customerId);
    count(1);
    if (!account || account.app_id !== APP_ID) return { rollback: true, error: 404 };
    const prior = s.byReference.get(customerId, reference);
    count(1);
    if (prior) return { rollback: true, replay: prior };
    const lots = s.openLots.all(customerId).sort(byExpiry);
    count(1);
    const moves = plan(lots, credits, now);
    if (!moves) return { rollback: true, error: 409 };
    for (const m of moves) {
      if (s.take.run(-m.credits, m.lot_id, -m.credits).changes !== 1) throw new Error(`lot ${m.lot_id} changed under the account lock`);
    }
    const balance = Number(account.balance) - credits;
    const row = { id: `ctx_${randomUUID()}`, customer_id: customerId, type: 'consume', credits: -credits, balance_after: balance, reference, lots: moves, created_at: now };
    s.insertTx.run(row.id, APP_ID, customerId, 'consume', -credits, balance, reference, null, JSON.stringify(moves), '{}', now);
    s.saveAccount.run(balance, now, customerId);
    count(moves.length + 2);
    return { row };
  };
  // Group commit: the debits queued during one event-loop turn (and during the previous commit's fsync,
  // which blocks the loop) run one after another in one transaction, answered after its COMMIT.
  const queue = [];
  let draining = false;
  const drain = () => {
    const batch = queue.splice(0, 64);
    const outcomes = [];
    try {
      s.begin.run();
      count(1);
      for (const item of batch) outcomes.push(debit(...item.args));
      s.commit.run();
      count(1);
      stats.transactions += batch.length;
      stats.batches += 1;
      batch.forEach((item, i) => item.resolve(outcomes[i]));
    } catch (err) {
      if (db.inTransaction) s.rollback.run();
      for (const item of batch) item.reject(err);
    }
    if (queue.length) setImmediate(drain);
    else draining = false;
  };
  return {
    async createCustomer(id, now) {
      s.insertAccount.run(id, APP_ID, now, now); // autocommit
      count(1);
      stats.transactions += 1;
    },
    async grant(customerId, credits, reason, now) {
      return transaction(() => {
        const account = s.account.get(customerId);
        count(1);
        if (!account) return { rollback: true, error: 404 };
        const lotId = `cl_${randomUUID()}`;
        s.insertLot.run(lotId, APP_ID, customerId, 'granted', credits, credits, now);
        const balance = Number(account.balance) + credits;
        const row = { id: `ctx_${randomUUID()}`, customer_id: customerId, type: 'grant', credits, balance_after: balance, reference: null, lots: [{ lot_id: lotId, credits }], created_at: now };
        s.insertTx.run(row.id, APP_ID, customerId, 'grant', credits, balance, null, reason, JSON.stringify(row.lots), '{}', now);
        s.saveAccount.run(balance, now, customerId);
        count(3);
        return { row };
      });
    },
    async consume(customerId, credits, reference, now) {
      if (!groupCommit) return transaction(() => debit(customerId, credits, reference, now));
      return new Promise((resolve, reject) => {
        queue.push({ args: [customerId, credits, reference, now], resolve, reject });
        if (!draining) {
          draining = true;
          setImmediate(drain);
        }
      });
    },
    async balance(customerId) {
      const account = s.account.get(customerId);
      return account ? Number(account.balance) : null;
    },
    async close() {
      db.close();
    },
  };
}

// ---------------------------------------------------------------- MariaDB

async function mariadbStore(url) {
  const mariadb = require('mariadb');
  const u = new URL(url);
  const pool = mariadb.createPool({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1),
    connectionLimit: 10,
    timezone: 'Z',
    charset: 'utf8mb4',
    collation: 'UTF8MB4_BIN',
    multipleStatements: batched,
  });
  const table = 'default character set utf8mb4 collate utf8mb4_bin engine = InnoDB';
  const ddl = [
    `create table if not exists accounts (customer_id varchar(40) not null, app_id varchar(40) not null, balance bigint not null default 0, low_balance_threshold int null,
      low_balance_notified tinyint(1) not null default false, renewal_enabled tinyint(1) not null default false, renewal_package varchar(32) null, renewal_currency varchar(3) null,
      renewal_payment_method_id varchar(40) null, renewal_threshold int null, renewal_status varchar(16) not null default 'idle', renewal_key varchar(64) null,
      renewal_order_id varchar(40) null, renewal_attempts int not null default 0, renewal_last_failure varchar(500) null, created_at datetime(3) not null,
      updated_at datetime(3) not null, primary key (customer_id), index accounts_app_id_customer_id_index (app_id, customer_id)) ${table}`,
    `create table if not exists lots (id varchar(40) not null, app_id varchar(40) not null, customer_id varchar(40) not null, kind varchar(16) not null, credits int not null,
      remaining int not null, expires_at datetime(3) null, expired_at datetime(3) null, order_id varchar(40) null, created_at datetime(3) not null, primary key (id),
      index lots_order_id_index (order_id), index lots_expires_at_remaining_index (expires_at, remaining), index lots_customer_id_expires_at_index (customer_id, expires_at),
      constraint lots_remaining_check check (remaining >= 0 and remaining <= credits)) ${table}`,
    `create table if not exists transactions (id varchar(40) not null, app_id varchar(40) not null, customer_id varchar(40) not null, type varchar(24) not null, credits int not null,
      balance_after bigint not null default 0, reference varchar(191) null, entry_key varchar(191) null, description varchar(500) null, lots json not null, order_id varchar(40) null,
      refund_id varchar(40) null, metadata json not null, created_at datetime(3) not null, primary key (id), index transactions_customer_id_id_index (customer_id, id),
      unique transactions_customer_id_entry_key_unique (customer_id, entry_key), unique transactions_customer_id_reference_unique (customer_id, reference)) ${table}`,
  ];
  for (const sql of ddl) await pool.query(sql);

  /** One transaction on one pooled connection; `work` returns { rollback: true, … } to undo. */
  async function transaction(work) {
    const conn = await pool.getConnection();
    try {
      await conn.query('begin');
      stats.statements += 1;
      let result;
      try {
        result = await work(conn);
      } catch (err) {
        await conn.query('rollback').catch(() => {});
        throw err;
      }
      await conn.query(result?.rollback ? 'rollback' : 'commit');
      stats.statements += 1;
      stats.transactions += 1;
      return result;
    } finally {
      conn.release();
    }
  }
  const count = (n) => (stats.statements += n);
  const date = (ms) => new Date(ms);
  const insertTx =
    'insert into transactions (id, app_id, customer_id, type, credits, balance_after, reference, entry_key, description, lots, order_id, refund_id, metadata, created_at) values (?, ?, ?, ?, ?, ?, ?, null, ?, ?, null, null, ?, ?)';

  /** The same debit in two round trips (YARDSTICK_BATCH=1): the statements are the same eight. */
  async function consumeBatched(customerId, credits, reference, now) {
    const conn = await pool.getConnection();
    try {
      const [, [account], [prior], lotRows] = await conn.query(
        'begin; select customer_id, app_id, balance from accounts where customer_id = ? for update; select * from transactions where customer_id = ? and reference = ?; select id, remaining, expires_at from lots where customer_id = ? and remaining > 0',
        [customerId, customerId, reference, customerId],
      );
      count(4);
      const finish = async (result) => {
        await conn.query(result.rollback ? 'rollback' : 'commit');
        count(1);
        stats.transactions += 1;
        return result;
      };
      if (!account || account.app_id !== APP_ID) return finish({ rollback: true, error: 404 });
      if (prior) return finish({ rollback: true, replay: prior });
      const moves = plan([...lotRows].sort(byExpiry), credits, now);
      if (!moves) return finish({ rollback: true, error: 409 });
      const balance = Number(account.balance) - credits;
      const row = { id: `ctx_${randomUUID()}`, customer_id: customerId, type: 'consume', credits: -credits, balance_after: balance, reference, lots: moves, created_at: now };
      const writes = [
        ...moves.map(() => 'update lots set remaining = remaining - ? where id = ?'),
        insertTx,
        'update accounts set balance = ?, updated_at = ? where customer_id = ?',
        'commit',
      ];
      const params = [
        ...moves.flatMap((m) => [-m.credits, m.lot_id]),
        ...[row.id, APP_ID, customerId, 'consume', -credits, balance, reference, null, JSON.stringify(moves), '{}', date(now)],
        ...[balance, date(now), customerId],
      ];
      await conn.query(writes.join('; '), params);
      count(writes.length);
      stats.transactions += 1;
      return { row };
    } catch (err) {
      await conn.query('rollback').catch(() => {});
      throw err;
    } finally {
      conn.release();
    }
  }

  return {
    async createCustomer(id, now) {
      await pool.query('insert into accounts (customer_id, app_id, balance, created_at, updated_at) values (?, ?, 0, ?, ?)', [id, APP_ID, date(now), date(now)]);
      count(1);
      stats.transactions += 1;
    },
    async grant(customerId, credits, reason, now) {
      return transaction(async (conn) => {
        const [account] = await conn.query('select customer_id, app_id, balance from accounts where customer_id = ? for update', [customerId]);
        count(1);
        if (!account) return { rollback: true, error: 404 };
        const lotId = `cl_${randomUUID()}`;
        await conn.query('insert into lots (id, app_id, customer_id, kind, credits, remaining, expires_at, created_at) values (?, ?, ?, ?, ?, ?, null, ?)', [lotId, APP_ID, customerId, 'granted', credits, credits, date(now)]);
        const balance = Number(account.balance) + credits;
        const row = { id: `ctx_${randomUUID()}`, customer_id: customerId, type: 'grant', credits, balance_after: balance, reference: null, lots: [{ lot_id: lotId, credits }], created_at: now };
        await conn.query(insertTx, [row.id, APP_ID, customerId, 'grant', credits, balance, null, reason, JSON.stringify(row.lots), '{}', date(now)]);
        await conn.query('update accounts set balance = ?, updated_at = ? where customer_id = ?', [balance, date(now), customerId]);
        count(3);
        return { row };
      });
    },
    async consume(customerId, credits, reference, now) {
      if (batched) return consumeBatched(customerId, credits, reference, now);
      return transaction(async (conn) => {
        const [account] = await conn.query('select customer_id, app_id, balance from accounts where customer_id = ? for update', [customerId]);
        count(1);
        if (!account || account.app_id !== APP_ID) return { rollback: true, error: 404 };
        const [prior] = await conn.query('select * from transactions where customer_id = ? and reference = ?', [customerId, reference]);
        count(1);
        if (prior) return { rollback: true, replay: prior };
        const lots = (await conn.query('select id, remaining, expires_at from lots where customer_id = ? and remaining > 0', [customerId])).sort(byExpiry);
        count(1);
        const moves = plan(lots, credits, now);
        if (!moves) return { rollback: true, error: 409 };
        for (const m of moves) {
          const res = await conn.query('update lots set remaining = remaining - ? where id = ? and remaining >= ?', [-m.credits, m.lot_id, -m.credits]);
          if (res.affectedRows !== 1) throw new Error(`lot ${m.lot_id} changed under the account lock`);
        }
        const balance = Number(account.balance) - credits;
        const row = { id: `ctx_${randomUUID()}`, customer_id: customerId, type: 'consume', credits: -credits, balance_after: balance, reference, lots: moves, created_at: now };
        await conn.query(insertTx, [row.id, APP_ID, customerId, 'consume', -credits, balance, reference, null, JSON.stringify(moves), '{}', date(now)]);
        await conn.query('update accounts set balance = ?, updated_at = ? where customer_id = ?', [balance, date(now), customerId]);
        count(moves.length + 2);
        return { row };
      });
    },
    async balance(customerId) {
      const [account] = await pool.query('select balance from accounts where customer_id = ?', [customerId]);
      return account ? Number(account.balance) : null;
    },
    async close() {
      await pool.end();
    },
  };
}

// ---------------------------------------------------------------- HTTP (plumbing in lib/bare-server.mjs)

const store = dbUrl.startsWith('sqlite:') ? sqliteStore(dbUrl.slice('sqlite:'.length)) : await mariadbStore(dbUrl);
const CREDITS_PATH = /^\/v1\/customers\/([A-Za-z0-9_-]{1,40})\/credits(?:\/(consume|grants))?$/;
const positive = (n) => Number.isInteger(n) && n > 0 && n <= 100_000_000;

serve(async (req, res) => {
  if (req.method === 'GET' && req.url === '/_stats') return send(res, 200, stats);
  if (req.headers.authorization !== `Bearer ${apiKey}`) return send(res, 401, { code: 'invalid_api_key' });
  if (req.method === 'POST' && req.url === '/v1/customers') {
    const body = await readJson(req);
    if (typeof body?.email !== 'string') return send(res, 400, { code: 'validation_error' });
    const id = `cus_${randomUUID()}`;
    await store.createCustomer(id, Date.now());
    return send(res, 201, { id, object: 'customer', email: body.email });
  }
  const match = CREDITS_PATH.exec(req.url ?? '');
  if (!match) return send(res, 404, { code: 'route_not_found' });
  const [, customerId, action] = match;
  if (req.method === 'GET' && !action) {
    const balance = await store.balance(customerId);
    return balance === null ? send(res, 404, { code: 'resource_not_found' }) : send(res, 200, { object: 'credit_balance', customer_id: customerId, balance });
  }
  if (req.method !== 'POST' || !action) return send(res, 404, { code: 'route_not_found' });
  const body = await readJson(req);
  if (action === 'grants') {
    if (!positive(body?.credits) || typeof body.reason !== 'string' || !body.reason) return send(res, 400, { code: 'validation_error' });
    const out = await store.grant(customerId, body.credits, body.reason, Date.now());
    return out.error ? send(res, out.error, { code: 'resource_not_found' }) : send(res, 201, entry(out.row));
  }
  if (!positive(body?.credits) || typeof body.reference !== 'string' || !body.reference || body.reference.length > 191) return send(res, 400, { code: 'validation_error' });
  const out = await store.consume(customerId, body.credits, body.reference, Date.now());
  if (out.replay) {
    stats.replayed += 1;
    if (out.replay.type !== 'consume' || -Number(out.replay.credits) !== body.credits) return send(res, 422, { code: 'credit_reference_reused' });
    return send(res, 201, entry(out.replay), { 'idempotent-replayed': 'true' });
  }
  if (out.error === 409) {
    stats.insufficient += 1;
    return send(res, 409, { code: 'insufficient_credits' });
  }
  if (out.error) return send(res, out.error, { code: 'resource_not_found' });
  stats.consumed += 1;
  return send(res, 201, entry(out.row));
}, { port: Number(env.YARDSTICK_PORT ?? 0), store });
