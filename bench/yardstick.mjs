// The yardstick: the same two requests SmartPay serves for a payment (create order; charge), with only the
// work no payment service can skip — no framework, no ORM, no logging, no validation library:
//   POST /v1/orders                  → commit the order                                      (1 transaction)
//   POST /v1/orders/{id}/charges     → claim the order + commit a pending attempt             (1 transaction)
//                                    → call the gateway (Culqi POST /v2/charges, fetch as SmartPay does)
//                                    → commit the outcome, the order's status and an outbox row (1 transaction)
// SQLite through better-sqlite3 with the pragmas SmartPay uses (WAL, synchronous=FULL); MariaDB through
// mysql2 with a pool of 10 connections (SmartPay's pool size). What it costs is what the durable commits and
// one gateway call cost on this disk; SmartPay's overhead is judged against it.
//
// Env: YARDSTICK_DB (sqlite:<path> | mysql://user@127.0.0.1:3306/<db>), YARDSTICK_API_KEY, CULQI_API_URL,
// CULQI_SECRET_KEY, YARDSTICK_PORT (0 = any). Prints {"port":N} once listening. GET /_stats → counters.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { readJson, send, serve } from './lib/bare-server.mjs';

const require = createRequire(import.meta.url);
const env = process.env;
const apiKey = env.YARDSTICK_API_KEY ?? '';
const culqiUrl = (env.CULQI_API_URL ?? '').replace(/\/$/, '');
const culqiKey = env.CULQI_SECRET_KEY ?? '';
const dbUrl = env.YARDSTICK_DB ?? '';
const stats = { statements: 0, transactions: 0, orders: 0, charges: 0 };

// ---------------------------------------------------------------- storage: the same three writes on both

function sqliteStore(path) {
  const Database = require('better-sqlite3');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = FULL');
  db.exec(`
    create table if not exists orders (id text primary key, status text not null, amount integer not null, currency text not null,
      created_at integer not null, updated_at integer not null, paid_at integer);
    create table if not exists charges (id text primary key, order_id text not null, status text not null, amount integer not null,
      currency text not null, gateway_charge_id text, email text not null, created_at integer not null, updated_at integer not null);
    create index if not exists charges_order_id on charges (order_id);
    create table if not exists outbox (id text primary key, type text not null, payload text not null, created_at integer not null);`);
  const insertOrder = db.prepare('insert into orders (id, status, amount, currency, created_at, updated_at) values (?, ?, ?, ?, ?, ?)');
  const selectOrder = db.prepare('select amount, currency, status from orders where id = ?');
  const claimOrder = db.prepare("update orders set status = 'processing', updated_at = ? where id = ? and status = 'pending'");
  const insertCharge = db.prepare('insert into charges (id, order_id, status, amount, currency, email, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)');
  const updateCharge = db.prepare('update charges set status = ?, gateway_charge_id = ?, updated_at = ? where id = ?');
  const settleOrder = db.prepare('update orders set status = ?, paid_at = ?, updated_at = ? where id = ?');
  const insertOutbox = db.prepare('insert into outbox (id, type, payload, created_at) values (?, ?, ?, ?)');

  const begin = db.transaction((chargeId, orderId, email, now) => {
    const order = selectOrder.get(orderId);
    if (!order) return { error: 404 };
    if (claimOrder.run(now, orderId).changes !== 1) return { error: 409 };
    insertCharge.run(chargeId, orderId, 'pending', order.amount, order.currency, email, now, now);
    return { order };
  });
  const finish = db.transaction((chargeId, orderId, status, gatewayChargeId, event, now) => {
    updateCharge.run(status, gatewayChargeId, now, chargeId);
    settleOrder.run(status === 'succeeded' ? 'paid' : 'pending', status === 'succeeded' ? now : null, now, orderId);
    insertOutbox.run(randomUUID(), event.type, JSON.stringify(event), now);
  });
  return {
    async createOrder(id, amount, currency, now) {
      insertOrder.run(id, 'pending', amount, currency, now, now); // autocommit: one transaction
      stats.statements += 1;
      stats.transactions += 1;
    },
    async beginCharge(chargeId, orderId, email, now) {
      const result = begin(chargeId, orderId, email, now);
      stats.statements += result.error === 404 ? 3 : result.error === 409 ? 4 : 5; // begin, select, update, insert, commit
      stats.transactions += 1;
      return result;
    },
    async finishCharge(chargeId, orderId, status, gatewayChargeId, event, now) {
      finish(chargeId, orderId, status, gatewayChargeId, event, now);
      stats.statements += 5; // begin, 2 updates, insert, commit
      stats.transactions += 1;
    },
    async close() {
      db.close();
    },
  };
}

async function mysqlStore(url) {
  const mysql = require('mysql2/promise');
  const pool = mysql.createPool({ uri: url, connectionLimit: 10, timezone: 'Z', charset: 'utf8mb4_bin' });
  const ddl = [
    `create table if not exists orders (id varchar(40) primary key, status varchar(16) not null, amount bigint not null, currency char(3) not null,
      created_at datetime(3) not null, updated_at datetime(3) not null, paid_at datetime(3) null) engine=InnoDB`,
    `create table if not exists charges (id varchar(40) primary key, order_id varchar(40) not null, status varchar(16) not null, amount bigint not null,
      currency char(3) not null, gateway_charge_id varchar(64) null, email varchar(254) not null, created_at datetime(3) not null,
      updated_at datetime(3) not null, index charges_order_id (order_id)) engine=InnoDB`,
    `create table if not exists outbox (id varchar(40) primary key, type varchar(40) not null, payload json not null, created_at datetime(3) not null) engine=InnoDB`,
  ];
  for (const sql of ddl) await pool.query(sql);

  async function transaction(work) {
    const conn = await pool.getConnection();
    try {
      await conn.query('begin');
      const result = await work(conn);
      if (result?.error) await conn.query('rollback');
      else await conn.query('commit');
      stats.transactions += 1;
      return result;
    } catch (err) {
      await conn.query('rollback').catch(() => {});
      throw err;
    } finally {
      conn.release();
    }
  }
  const date = (ms) => new Date(ms);
  return {
    async createOrder(id, amount, currency, now) {
      await pool.query('insert into orders (id, status, amount, currency, created_at, updated_at) values (?, ?, ?, ?, ?, ?)', [id, 'pending', amount, currency, date(now), date(now)]);
      stats.statements += 1;
      stats.transactions += 1;
    },
    async beginCharge(chargeId, orderId, email, now) {
      return transaction(async (conn) => {
        const [rows] = await conn.query('select amount, currency, status from orders where id = ?', [orderId]);
        stats.statements += 3; // begin, select, commit/rollback
        const order = rows[0];
        if (!order) return { error: 404 };
        const [claim] = await conn.query("update orders set status = 'processing', updated_at = ? where id = ? and status = 'pending'", [date(now), orderId]);
        stats.statements += 1;
        if (claim.affectedRows !== 1) return { error: 409 };
        await conn.query('insert into charges (id, order_id, status, amount, currency, email, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)', [
          chargeId,
          orderId,
          'pending',
          order.amount,
          order.currency,
          email,
          date(now),
          date(now),
        ]);
        stats.statements += 1;
        return { order: { amount: Number(order.amount), currency: order.currency } };
      });
    },
    async finishCharge(chargeId, orderId, status, gatewayChargeId, event, now) {
      await transaction(async (conn) => {
        await conn.query('update charges set status = ?, gateway_charge_id = ?, updated_at = ? where id = ?', [status, gatewayChargeId, date(now), chargeId]);
        await conn.query('update orders set status = ?, paid_at = ?, updated_at = ? where id = ?', [
          status === 'succeeded' ? 'paid' : 'pending',
          status === 'succeeded' ? date(now) : null,
          date(now),
          orderId,
        ]);
        await conn.query('insert into outbox (id, type, payload, created_at) values (?, ?, ?, ?)', [randomUUID(), event.type, JSON.stringify(event), date(now)]);
        stats.statements += 5;
      });
    },
    async close() {
      await pool.end();
    },
  };
}

// ---------------------------------------------------------------- HTTP (plumbing in lib/bare-server.mjs)

async function chargeAtGateway(chargeId, amount, currency, email, token) {
  try {
    const res = await fetch(`${culqiUrl}/charges`, {
      method: 'POST',
      headers: { authorization: `Bearer ${culqiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount, currency_code: currency, email, source_id: token, description: 'Pedido benchmark', capture: true, metadata: { yardstick_charge_id: chargeId } }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = await res.json().catch(() => null);
    if (res.status === 201 && body?.outcome?.type === 'venta_exitosa') return { status: 'succeeded', gatewayChargeId: body.id };
    if (res.status >= 500) return { status: 'pending', gatewayChargeId: null };
    return { status: 'failed', gatewayChargeId: body?.charge_id ?? null };
  } catch {
    return { status: 'pending', gatewayChargeId: null };
  }
}

const store = dbUrl.startsWith('sqlite:') ? sqliteStore(dbUrl.slice('sqlite:'.length)) : await mysqlStore(dbUrl);
const CHARGE_PATH = /^\/v1\/orders\/([A-Za-z0-9_-]{1,64})\/charges$/;

serve(async (req, res) => {
  if (req.method === 'GET' && req.url === '/_stats') return send(res, 200, stats);
  if (req.headers.authorization !== `Bearer ${apiKey}`) return send(res, 401, { code: 'invalid_api_key' });
  if (req.method === 'POST' && req.url === '/v1/orders') {
    const body = await readJson(req);
    if (!body || !Number.isInteger(body.amount) || body.amount <= 0 || !['PEN', 'USD'].includes(body.currency)) return send(res, 400, { code: 'validation_error' });
    const now = Date.now();
    const id = `ord_${randomUUID()}`;
    await store.createOrder(id, body.amount, body.currency, now);
    stats.orders += 1;
    return send(res, 201, { id, object: 'order', status: 'pending', amount: body.amount, currency: body.currency, created_at: new Date(now).toISOString() });
  }
  const match = req.method === 'POST' ? CHARGE_PATH.exec(req.url ?? '') : null;
  if (match) {
    const body = await readJson(req);
    const token = body?.source?.token;
    if (typeof token !== 'string' || typeof body.email !== 'string') return send(res, 400, { code: 'validation_error' });
    const orderId = match[1];
    const chargeId = `ch_${randomUUID()}`;
    const started = await store.beginCharge(chargeId, orderId, body.email, Date.now());
    if (started.error) return send(res, started.error, { code: started.error === 404 ? 'resource_not_found' : 'order_processing' });
    const { amount, currency } = started.order;
    const outcome = await chargeAtGateway(chargeId, amount, currency, body.email, token);
    const now = Date.now();
    const event = { type: outcome.status === 'succeeded' ? 'order.paid' : 'charge.failed', order_id: orderId, charge_id: chargeId, amount, currency };
    await store.finishCharge(chargeId, orderId, outcome.status, outcome.gatewayChargeId, event, now);
    stats.charges += 1;
    return send(res, 201, { id: chargeId, object: 'charge', order_id: orderId, status: outcome.status, amount, currency, gateway: 'culqi', gateway_charge_id: outcome.gatewayChargeId });
  }
  return send(res, 404, { code: 'route_not_found' });
}, { port: Number(env.YARDSTICK_PORT ?? 0), store });
