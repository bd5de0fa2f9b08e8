// The reports API under volume (issue 12): a fresh MariaDB database seeded with --charges charges (default
// 1,000,000, one order each) spread over --days days (default 90) for one app, then SmartPay's production build
// answers /v1/reports/summary, /timeseries and /transactions.csv over HTTP while its memory is sampled.
//
//   npm run bench:reports                       # 1,000,000 charges, ≈ 3 min on 2 cores
//   node bench/reports.mjs --charges 200000     # quicker
//   options: --days 90, --runs 5 (timed repetitions per query), --keep (keep the database and work directory)
//
// Prints a markdown report and writes it to bench/results/latest-reports.md.
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createMysqlDatabase, dropMysqlDatabase, mysqlUnavailableReason } from './lib/databases.mjs';
import { memory, MemorySampler } from './lib/proc-stats.mjs';
import { alnum, BENCH_DIR, migrateSmartPay, smartpayCli, startSandbox, startSmartPay, stopInstance } from './lib/stack.mjs';
import { killAllSync } from './lib/procs.mjs';

const require = createRequire(import.meta.url);
const ROOT = join(BENCH_DIR, '..');
const DATABASE = 'smartpay_reports_bench';
const DAY_MS = 86_400_000;

function parseArgs(argv) {
  const args = { charges: 1_000_000, days: 90, runs: 5, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--charges') args.charges = Number(argv[++i]);
    else if (a === '--days') args.days = Number(argv[++i]);
    else if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--keep') args.keep = true;
    else throw new Error(`unknown option ${a}`);
  }
  if (!(args.charges > 0 && args.days > 0 && args.runs > 0)) throw new Error('--charges, --days and --runs must be positive');
  return args;
}

const log = (message) => process.stderr.write(`[bench:reports ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/** A small deterministic PRNG (mulberry32): the same seed makes the same data on every run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DECLINES = ['insufficient_funds', 'card_declined', 'expired_card', 'incorrect_cvc', 'fraudulent', 'do_not_honor'];
const ERRORS = ['gateway_timeout', 'gateway_unavailable', 'gateway_error'];
const BRANDS = ['Visa', 'Visa', 'Visa', 'MasterCard', 'MasterCard', 'Amex', 'Diners'];

/** Charges (and their orders) as real traffic would leave them: 60 % Culqi, 90 % PEN, ≈ 85 % succeeded. */
async function seed(conn, appId, { charges, days }) {
  const random = prng(20261204);
  const now = Date.now();
  const start = now - days * DAY_MS;
  const BATCH = 2000;
  let seq = 0;
  const id = (prefix) => `${prefix}_bench${String(seq).padStart(10, '0')}`;
  for (let done = 0; done < charges; done += BATCH) {
    const orders = [];
    const rows = [];
    for (let i = 0; i < Math.min(BATCH, charges - done); i++, seq++) {
      // Evenly spread in time, so every 30-day window holds a third of a 90-day seed.
      const at = new Date(start + Math.floor(((done + i) / charges) * days * DAY_MS));
      const gateway = random() < 0.6 ? 'culqi' : 'mercadopago';
      const currency = random() < 0.9 ? 'PEN' : 'USD';
      const amount = 500 + Math.floor(random() * 50_000);
      const roll = random();
      const status = roll < 0.85 ? 'succeeded' : roll < 0.99 ? 'failed' : 'pending';
      const declined = status === 'failed' && random() < 0.8;
      const yape = gateway === 'culqi' && random() < 0.1;
      const ms = status === 'pending' ? null : Math.round(40 + Math.exp(random() * 7));
      const orderId = id('ord');
      orders.push([orderId, appId, status === 'succeeded' ? 'paid' : 'pending', amount, currency, 0, null, `ref-${seq}`, null, '[]', null, gateway, null, null, '{}', at, at, status === 'succeeded' ? at : null, null, new Date(at.getTime() + DAY_MS)]);
      rows.push([
        id('ch'), appId, orderId, status, amount, currency, gateway, `gw_${seq}`, yape ? 'yape_token' : 'card_token', null, null, `buyer${seq % 5000}@example.com`, 1,
        yape ? null : BRANDS[Math.floor(random() * BRANDS.length)], yape ? null : '1111', yape ? null : 12, yape ? null : 2030,
        status === 'failed' ? (declined ? 'card_declined' : ERRORS[Math.floor(random() * ERRORS.length)]) : null,
        declined ? DECLINES[Math.floor(random() * DECLINES.length)] : null,
        status === 'failed' ? 'declined by the bench' : null, null, null, '[]', ms, at, 0, null, at, at,
      ]);
    }
    await conn.query(
      'insert into orders (id, app_id, status, amount, currency, amount_refunded, description, reference, customer_id, items, credit_package, gateway, latest_charge_id, invoice_id, metadata, created_at, updated_at, paid_at, canceled_at, expires_at) values ?',
      [orders],
    );
    await conn.query(
      `insert into charges (id, app_id, order_id, status, amount, currency, gateway, gateway_charge_id, source_type, payment_method_id, source_token, email, installments,
         card_brand, card_last4, card_exp_month, card_exp_year, failure_code, decline_code, failure_message, gateway_code, next_action, routing, processing_ms, attempted_at,
         reconcile_attempts, next_reconcile_at, created_at, updated_at) values ?`,
      [rows],
    );
    if ((done / BATCH) % 50 === 0) log(`seeded ${done.toLocaleString('en')} / ${charges.toLocaleString('en')}`);
  }
  await conn.query('analyze table charges, orders');
}

/** Times `runs` requests after one untimed warm-up; returns min / median / max ms and the last answer. */
async function timed(url, key, runs) {
  const once = async () => {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 300)}`);
    return { ms: performance.now() - t0, body };
  };
  const first = await once();
  const times = [];
  let last = first;
  for (let i = 0; i < runs; i++) {
    last = await once();
    times.push(last.ms);
  }
  times.sort((a, b) => a - b);
  return { cold: first.ms, min: times[0], median: times[Math.floor(times.length / 2)], max: times[times.length - 1], body: last.body };
}

/** Downloads a CSV, counting rows and bytes, while sampling SmartPay's resident memory every 50 ms. */
async function download(url, key, pid) {
  const before = memory(pid).rssMb;
  let peak = before;
  const sampler = setInterval(() => {
    const m = memory(pid);
    if (m) peak = Math.max(peak, m.rssMb);
  }, 50);
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body) {
    bytes += chunk.length;
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) lines++;
  }
  const ms = performance.now() - t0;
  clearInterval(sampler);
  return { ms, bytes, rows: lines - 1, rssBeforeMb: before, rssPeakMb: peak };
}

const r = (x, d = 0) => (x === undefined || x === null ? '—' : Number(x).toFixed(d));

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const unavailable = await mysqlUnavailableReason();
  if (unavailable) throw new Error(`MariaDB/MySQL is needed: ${unavailable}`);
  if (!existsSync(join(ROOT, 'dist/main.js'))) execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
  const workDir = mkdtempSync(join(tmpdir(), 'smartpay-reports-bench-'));
  cpSync(join(ROOT, 'dist'), join(workDir, 'dist'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(workDir, 'node_modules'), 'dir');
  const ctx = { workDir, dist: join(workDir, 'dist'), apiKey: `sk_test_${alnum(40)}`, log, memory: new MemorySampler(500) };
  let sandbox;
  let smartpay;
  const mysql = require('mysql2/promise');
  let conn;
  try {
    const databaseUrl = await createMysqlDatabase(DATABASE);
    sandbox = await startSandbox(ctx, { latencyMs: 0 });
    await migrateSmartPay(ctx, sandbox, databaseUrl);
    smartpay = await startSmartPay(ctx, sandbox, { name: 'smartpay', databaseUrl, countSql: false });
    conn = await mysql.createConnection({ uri: databaseUrl, timezone: 'Z' });
    const [[app]] = await conn.query('select id from apps order by created_at limit 1');
    log(`seeding ${args.charges.toLocaleString('en')} charges over ${args.days} days for ${app.id}`);
    const seedStart = performance.now();
    await seed(conn, app.id, args);
    const seedS = (performance.now() - seedStart) / 1000;
    log(`seeded in ${seedS.toFixed(0)} s`);
    // The seed wrote past charges directly (an import, not payments): forget any rollup made meanwhile and have
    // the running instance's job worker roll every closed hour up, as it would after an import.
    await conn.query('delete from report_rollup_state');
    await conn.query('delete from report_charge_hours');
    await conn.query('delete from report_latency_hours');
    await conn.query('delete from report_dirty_hours');
    const rollupStart = performance.now();
    await smartpayCli(ctx, sandbox, databaseUrl, ['reports:rollup']);
    for (;;) {
      const [[job]] = await conn.query("select count(*) as n from jobs where type = 'reports.rollup' and status in ('queued', 'running')");
      if (Number(job.n) === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const rollupS = (performance.now() - rollupStart) / 1000;
    const [[rolled]] = await conn.query('select (select count(*) from report_charge_hours) as groups, (select count(*) from report_latency_hours) as latencies');
    log(`rolled up in ${rollupS.toFixed(1)} s: ${rolled.groups} group rows, ${rolled.latencies} latency rows`);

    const now = Date.now();
    const iso = (ms) => new Date(ms).toISOString();
    const last = (days) => `from=${iso(now - days * DAY_MS)}&to=${iso(now)}`;
    const base = `${smartpay.url}/v1/reports`;
    const queries = [
      ['summary, 30 days (and the 30 before)', `${base}/summary?${last(30)}`],
      ['summary, 30 days, Culqi, PEN', `${base}/summary?${last(30)}&gateway=culqi&currency=PEN`],
      ['summary, 45 days (and the 45 before: all 90)', `${base}/summary?${last(45)}`],
      ['timeseries, 30 days by day', `${base}/timeseries?${last(30)}`],
      ['timeseries, 7 days by hour', `${base}/timeseries?${last(7)}&interval=hour`],
    ];
    const results = [];
    for (const [label, url] of queries) {
      log(label);
      const t = await timed(url, ctx.apiKey, args.runs);
      results.push({ label, ...t });
    }
    const summary = JSON.parse(results[0].body);
    log('transactions.csv, 30 days');
    const csv30 = await download(`${base}/transactions.csv?${last(30)}`, ctx.apiKey, smartpay.child.pid);
    log('transactions.csv, 90 days');
    const csv90 = await download(`${base}/transactions.csv?${last(args.days)}`, ctx.apiKey, smartpay.child.pid);

    const { version } = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify({version: process.version})'], { encoding: 'utf8' }));
    const [[server]] = await conn.query('select version() as v');
    const lines = [
      `## Reports API on ${args.charges.toLocaleString('en')} charges — ${new Date().toISOString()}`,
      '',
      `MariaDB ${server.v}, Node ${version}, ${args.charges.toLocaleString('en')} charges (one order each) over ${args.days} days for one app, seeded in ${seedS.toFixed(0)} s; hourly rollups built in ${rollupS.toFixed(1)} s (${rolled.groups} group rows, ${rolled.latencies} latency rows); ` +
        `the 30-day summary covered ${summary.charges.attempts + summary.charges.in_progress} charges. Times are over HTTP from the same machine: one untimed warm-up, then ${args.runs} runs.`,
      '',
      '| request | first (ms) | min (ms) | median (ms) | max (ms) |',
      '| --- | --- | --- | --- | --- |',
      ...results.map((x) => `| ${x.label} | ${r(x.cold)} | ${r(x.min)} | ${r(x.median)} | ${r(x.max)} |`),
      '',
      '| CSV export | rows | MB | seconds | rows/s | SmartPay RSS before → peak (MB) |',
      '| --- | --- | --- | --- | --- | --- |',
      `| 30 days | ${csv30.rows.toLocaleString('en')} | ${r(csv30.bytes / 1e6, 1)} | ${r(csv30.ms / 1000, 1)} | ${r(csv30.rows / (csv30.ms / 1000))} | ${r(csv30.rssBeforeMb)} → ${r(csv30.rssPeakMb)} |`,
      `| ${args.days} days | ${csv90.rows.toLocaleString('en')} | ${r(csv90.bytes / 1e6, 1)} | ${r(csv90.ms / 1000, 1)} | ${r(csv90.rows / (csv90.ms / 1000))} | ${r(csv90.rssBeforeMb)} → ${r(csv90.rssPeakMb)} |`,
      '',
    ];
    const markdown = lines.join('\n');
    process.stdout.write(`${markdown}\n`);
    writeFileSync(join(BENCH_DIR, 'results', 'latest-reports.md'), `${markdown}\n`);
  } finally {
    await conn?.end();
    if (smartpay) await stopInstance(ctx, smartpay);
    if (sandbox) await sandbox.child.stop();
    ctx.memory.stop();
    killAllSync();
    if (!args.keep) {
      await dropMysqlDatabase(DATABASE);
      rmSync(workDir, { recursive: true, force: true });
    } else {
      log(`kept database ${DATABASE} and ${workDir}`);
    }
  }
}

main().catch((err) => {
  process.stderr.write(`bench:reports failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 2;
});
