// Preloaded into SmartPay by the benchmark (`node -r bench/sql-counter.cjs dist/main.js`): counts the SQL
// statements the process sends, by first keyword, at the driver boundary (better-sqlite3 statement
// executions; the mariadb connector's text and binary queries), so BEGIN/COMMIT and the ORM's own
// queries are included and nothing in src/ changes. On SIGUSR2 the counters are written as JSON to
// $BENCH_SQL_COUNT_FILE. Cost: about 5 µs per statement (the text is normalised for the per-statement breakdown).
'use strict';
const { writeFileSync } = require('node:fs');

const counts = { total: 0 };
/** Executions per statement text (placeholders keep texts stable); bounded so odd workloads cannot grow it. */
const bySql = new Map();

function count(sql) {
  const text = typeof sql === 'string' ? sql : (sql && sql.sql) || '';
  const match = /^\s*([A-Za-z]+)/.exec(text);
  let keyword = match ? match[1].toLowerCase() : 'other';
  if (keyword === 'start') keyword = 'begin';
  counts.total += 1;
  counts[keyword] = (counts[keyword] || 0) + 1;
  // MikroORM inlines values into MySQL statements: literals become ? so one statement shape is one key.
  const key = text
    .slice(0, 300)
    .replace(/'(?:[^'\\]|\\.|'')*'/g, '?')
    .replace(/\b\d+(?:\.\d+)?\b/g, '?')
    .replace(/\(\?(?:, \?)+\)/g, '(?…)')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
  if (bySql.has(key) || bySql.size < 1000) bySql.set(key, (bySql.get(key) || 0) + 1);
}

try {
  const Database = require('better-sqlite3');
  const probe = new Database(':memory:');
  const statementProto = Object.getPrototypeOf(probe.prepare('select 1'));
  probe.close();
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = statementProto[method];
    statementProto[method] = function counted(...args) {
      count(this.source);
      return original.apply(this, args);
    };
  }
  const exec = Database.prototype.exec;
  Database.prototype.exec = function countedExec(sql) {
    count(sql);
    return exec.call(this, sql);
  };
} catch {
  // better-sqlite3 not installed: nothing to count there
}

try {
  // Text queries enter the core connection's query() (promise API) or ConnectionCallback._QUERY_CMD
  // (callback API, which knex uses); prepared statements enter prepareExecute(). Each is counted once.
  const Connection = require('mariadb/lib/connection.js');
  const ConnectionCallback = require('mariadb/lib/connection-callback.js');
  for (const method of ['query', 'prepareExecute']) {
    const original = Connection.prototype[method];
    if (typeof original !== 'function') continue;
    Connection.prototype[method] = function counted(cmdParam, ...rest) {
      count(cmdParam);
      return original.call(this, cmdParam, ...rest);
    };
  }
  const queryCmd = ConnectionCallback._QUERY_CMD;
  if (typeof queryCmd === 'function') {
    ConnectionCallback._QUERY_CMD = function counted(conn, cmdParam) {
      count(cmdParam);
      return queryCmd.call(this, conn, cmdParam);
    };
  }
} catch {
  // mariadb connector not installed
}

const target = process.env.BENCH_SQL_COUNT_FILE;
if (target) {
  process.on('SIGUSR2', () => {
    writeFileSync(target, JSON.stringify({ at: Date.now(), counts, bySql: Object.fromEntries(bySql) }));
  });
}
