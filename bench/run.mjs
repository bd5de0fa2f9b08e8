// `npm run bench` — SmartPay's benchmark suite. Every actor is its own process on 127.0.0.1: the gateway
// sandbox (dist/sandbox/main.js), the load generator (bench/load.mjs), and the server under test —
// SmartPay's production build (dist/main.js, NODE_ENV=production), the yardstick (bench/yardstick.mjs),
// or nothing (baseline: the load calls the sandbox's Culqi charge endpoint itself).
//
//   node bench/run.mjs                 latency at 50 and 200/s (20 s each, gateway 50 ms), capacity ladders,
//                                      cost per payment; writes bench/results/<date>.json and latest.md
//   node bench/run.mjs --full          adds 500 and 1000/s, and the same with the gateway at 0 ms
//   node bench/run.mjs --scale-out     two SmartPay instances behind bench/proxy.mjs on one MariaDB
//   node bench/run.mjs --soak 10m      constant load with gateway faults; p99 and RSS per 10 s; invariants
//   node bench/run.mjs --smoke         ~15 s, SQLite only, tiny rates (CI): fails only if the pipeline breaks
//   node bench/run.mjs --profile       SmartPay under 200/s with --cpu-prof (profile written outside the repo)
//   node bench/run.mjs --credits       the credits suite alone, longer: consume at 100 and 400/s × 15 s over 50
//                                      customers and one, capacity ladders (both), against SmartPay and
//                                      bench/credits-yardstick.mjs; writes <date>-credits.json + latest-credits.md
//   node bench/run.mjs --credits --compact   the default run's compact credits suite alone (written as -credits-partial)
//   node bench/run.mjs --profile --credits   SmartPay profiled under consumptions instead of payments
// The default run ends with a compact credits suite (≈ 2 min; --no-credits leaves it out).
// Options: --db sqlite|mariadb|both, --rates 50,200, --duration 20, --step 5, --rate 50 (soak),
//          --no-capacity, --targets yardstick,smartpay (which to run; the baseline always runs), --idempotency (send Idempotency-Key), --keep (keep the work directory), --out <dir>,
//          --no-credits, --invoicing (SmartPay invoices every paid order: SUNAT_ISSUERS to the sandbox's SUNAT stand-in). With --credits, --rates/--duration/--step/--no-capacity/--targets apply to the credits suite.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir, cpus, totalmem, loadavg, release } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoadGenerator } from './lib/load-client.mjs';
import { MemorySampler, cpuMs, memory, settle } from './lib/proc-stats.mjs';
import { killAllSync } from './lib/procs.mjs';
import {
  BENCH_DIR,
  alnum,
  culqiChargeCount,
  invoicingEnv,
  migrateSmartPay,
  setCulqiFault,
  sqlCounts,
  startProxy,
  startSandbox,
  startSmartPay,
  startYardstick,
  stopInstance,
  yardstickStats,
} from './lib/stack.mjs';
import { createMysqlDatabase, dropMysqlDatabase, mysqlComCounters, mysqlUnavailableReason, smartpayCounts } from './lib/databases.mjs';
import { checkInvariants, unresolvedCharges, unresolvedDetails } from './lib/invariants.mjs';
import { matrixMarkdown, scaleOutMarkdown, soakMarkdown, invariantsMarkdown, latencyTable, errorSummary, machineSection } from './lib/report.mjs';
import { round } from './lib/stats.mjs';
import { summariseProfile, profileMarkdown } from './profile-summary.mjs';
import { creditsLatencyTable, creditsMarkdown, creditsPlan, creditsSmoke, prepareConsumeProfile, runCreditsSuite } from './lib/credits-suite.mjs';

const ROOT = join(BENCH_DIR, '..');

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const args = { db: null, keep: false, capacity: true, idempotency: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--full') args.full = true;
    else if (a === '--smoke') args.smoke = true;
    else if (a === '--scale-out') args.scaleOut = true;
    else if (a === '--profile') args.profile = true;
    else if (a === '--credits') args.credits = true;
    else if (a === '--no-credits') args.noCredits = true;
    else if (a === '--invoicing') args.invoicing = true;
    else if (a === '--compact') args.compact = true;
    else if (a === '--soak') args.soakS = parseDurationS(argv[i + 1] && !argv[i + 1].startsWith('--') ? value() : '10m');
    else if (a === '--db') args.db = value();
    else if (a === '--rates') args.rates = value().split(',').map(Number);
    else if (a === '--duration') args.durationS = Number(value());
    else if (a === '--step') args.stepS = Number(value());
    else if (a === '--rate') args.rate = Number(value());
    else if (a === '--no-capacity') args.capacity = false;
    else if (a === '--targets') args.targets = value().split(',');
    else if (a === '--idempotency') args.idempotency = true;
    else if (a === '--keep') args.keep = true;
    else if (a === '--out') args.out = value();
    else if (a === '--help' || a === '-h') args.help = true;
    else throw new Error(`unknown option ${a} (see the header of bench/run.mjs)`);
  }
  if (args.db && !['sqlite', 'mariadb', 'both'].includes(args.db)) throw new Error('--db must be sqlite, mariadb or both');
  return args;
}

function parseDurationS(text) {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text);
  if (!m) throw new Error(`--soak expects a duration like 10m, 90s or 1h, got ${text}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] ?? 's'];
}

// ---------------------------------------------------------------- context

function log(message) {
  const t = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${t}] ${message}\n`);
}

function cpuPressure() {
  try {
    return Number(/some avg10=[\d.]+ avg60=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? NaN);
  } catch {
    return null;
  }
}

function machineInfo() {
  let lscpu = '';
  try {
    lscpu = execFileSync('lscpu', { encoding: 'utf8' }).split('\n').slice(0, 20).join('\n');
  } catch {
    // not every image has lscpu
  }
  return {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `Linux ${release()}`,
    lscpu,
    loadStart: loadavg().map((x) => round(x, 2)).join(' '),
    cpuPressureStart: cpuPressure(),
  };
}

function createContext(args) {
  if (!existsSync(join(ROOT, 'dist/main.js'))) {
    log('dist/ missing: building');
    execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
  }
  const workDir = mkdtempSync(join(tmpdir(), 'smartpay-bench-'));
  // A private copy of the build: another `npm run build` (which empties dist/) cannot pull it from under
  // a running instance. node_modules is linked so the copy resolves the same packages.
  // BENCH_DIST: another build of SmartPay (e.g. an older commit built in a git worktree) under the same harness,
  // for before/after comparisons.
  cpSync(process.env.BENCH_DIST ?? join(ROOT, 'dist'), join(workDir, 'dist'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(workDir, 'node_modules'), 'dir');
  const ctx = {
    args,
    root: ROOT,
    workDir,
    dist: join(workDir, 'dist'),
    apiKey: `sk_test_${alnum(40)}`,
    log,
    memory: new MemorySampler(500),
    mysqlDatabases: [],
    amount: 1000,
    machine: machineInfo(),
  };
  log(`work directory ${workDir}`);
  return ctx;
}

async function cleanup(ctx, failed) {
  ctx.memory.stop();
  if (ctx.load) await ctx.load.stop().catch(() => {});
  killAllSync('SIGTERM');
  await sleep(300);
  killAllSync('SIGKILL');
  if (!ctx.args.keep) {
    for (const name of ctx.mysqlDatabases) await dropMysqlDatabase(name).catch(() => {});
  }
  if (ctx.args.keep || failed) log(`work directory kept: ${ctx.workDir}`);
  else rmSync(ctx.workDir, { recursive: true, force: true });
}

function finishMachine(ctx, note) {
  ctx.machine.loadEnd = loadavg().map((x) => round(x, 2)).join(' ');
  ctx.machine.cpuPressureEnd = cpuPressure();
  if (note) ctx.machine.note = note;
}

function resultsDir(ctx) {
  const dir = ctx.args.out ?? join(BENCH_DIR, 'results');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function writeResults(ctx, suffix, data, markdown) {
  const dir = resultsDir(ctx);
  const stamp = new Date().toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const json = join(dir, `${stamp}${suffix ? `-${suffix}` : ''}.json`);
  writeFileSync(json, `${JSON.stringify(data, null, 2)}\n`);
  const md = join(dir, `latest${suffix ? `-${suffix}` : ''}.md`);
  writeFileSync(md, `${markdown}\n`);
  log(`wrote ${json} and ${md}`);
}

// ---------------------------------------------------------------- servers and databases

async function freshDatabase(ctx, db, label) {
  if (db === 'sqlite') return `sqlite:${join(ctx.workDir, `${label}.db`)}`;
  const name = `smartpay_bench_${process.pid}_${label.replace(/[^a-z0-9]/gi, '_')}`;
  ctx.mysqlDatabases.push(name);
  return createMysqlDatabase(name);
}

async function startTarget(ctx, sandbox, target, extraEnv = {}, nodeArgs = []) {
  if (target.kind === 'baseline') return null;
  const databaseUrl = await freshDatabase(ctx, target.db, target.name);
  if (target.kind === 'yardstick') return startYardstick(ctx, sandbox, { name: target.name, databaseUrl });
  await migrateSmartPay(ctx, sandbox, databaseUrl);
  const env = ctx.args.invoicing ? { ...invoicingEnv(ctx, sandbox), ...extraEnv } : extraEnv;
  return startSmartPay(ctx, sandbox, { name: target.name, databaseUrl, extraEnv: env, nodeArgs, countSql: nodeArgs.length === 0 });
}

function loadTarget(ctx, sandbox, target, instance) {
  if (target.kind === 'baseline') return { kind: 'baseline', url: sandbox.culqi.url, secretKey: sandbox.culqi.secretKey };
  return { kind: target.kind, url: instance.url, apiKey: instance.apiKey, idempotency: ctx.args.idempotency && target.kind === 'smartpay' };
}

// ---------------------------------------------------------------- one measured phase

async function measuredPhase(ctx, sandbox, target, instance, { rate, durationS, drainTimeoutS = 15, collectIds = false, tokens = 'pool', windowS, light = false, label }) {
  const amount = ctx.amount++;
  const pid = instance?.child.pid ?? sandbox.child.pid;
  const isSmartPay = target.kind === 'smartpay';
  const mariadb = target.db === 'mariadb';
  const before = {
    cpu: cpuMs(pid),
    sql: !light && isSmartPay ? await sqlCounts(instance) : null,
    com: !light && mariadb ? await mysqlComCounters().catch(() => null) : null,
    rows: !light && isSmartPay ? await smartpayCounts(instance.databaseUrl) : null,
    ys: !light && target.kind === 'yardstick' ? await yardstickStats(instance) : null,
  };
  const result = await ctx.load.phase({
    target: loadTarget(ctx, sandbox, target, instance),
    culqi: sandbox.culqi,
    rate,
    durationS,
    amount,
    drainTimeoutS,
    collectIds,
    tokens,
    windowS,
  });
  const after = {
    cpu: cpuMs(pid),
    sql: before.sql ? await sqlCounts(instance) : null,
    com: before.com ? await mysqlComCounters().catch(() => null) : null,
    rows: before.rows ? await smartpayCounts(instance.databaseUrl) : null,
    ys: before.ys ? await yardstickStats(instance) : null,
  };
  const paid = Math.max(1, result.ok);
  const phase = {
    label,
    target: target.name,
    kind: target.kind,
    db: target.db ?? null,
    gatewayLatencyMs: sandbox.currentLatencyMs ?? sandbox.latencyMs,
    ...result,
    cpuMsPerPayment: before.cpu !== null && after.cpu !== null ? round((after.cpu - before.cpu) / paid, 2) : null,
  };
  if (!light) {
    const charges = await culqiChargeCount(sandbox, amount).catch(() => null);
    phase.gateway = { chargesAtGateway: charges, chargesPerPayment: charges === null ? null : round(charges / paid, 3) };
    if (before.rows && after.rows) {
      phase.gateway.callLogRows = after.rows.gateway_calls - before.rows.gateway_calls;
      phase.gateway.callLogPerPayment = round(phase.gateway.callLogRows / paid, 3);
      phase.rowsAdded = Object.fromEntries(Object.keys(after.rows).map((k) => [k, after.rows[k] === null ? null : after.rows[k] - before.rows[k]]));
    }
    if (before.sql && after.sql) {
      const { bySql: textsAfter, ...countsAfter } = after.sql;
      const textsBefore = before.sql.bySql ?? {};
      const delta = Object.fromEntries(Object.keys(countsAfter).map((k) => [k, countsAfter[k] - (before.sql[k] ?? 0)]));
      // The statements behind the count, per payment, most frequent first.
      const statements = Object.entries(textsAfter)
        .map(([text, n]) => [text, round((n - (textsBefore[text] ?? 0)) / paid, 2)])
        .filter(([, n]) => n > 0)
        .sort((x, y) => y[1] - x[1]);
      phase.sql = { delta, perPayment: round(delta.total / paid, 2), statementsPerPayment: statements };
    }
    if (before.ys && after.ys) {
      phase.sql = { delta: { total: after.ys.statements - before.ys.statements, transactions: after.ys.transactions - before.ys.transactions }, perPayment: round((after.ys.statements - before.ys.statements) / paid, 2) };
    }
    if (before.com && after.com) {
      const delta = Object.fromEntries(Object.keys(after.com).map((k) => [k, after.com[k] - before.com[k]]));
      phase.com = delta;
      const statements = ['Com_select', 'Com_insert', 'Com_update', 'Com_delete', 'Com_begin', 'Com_commit', 'Com_rollback', 'Com_insert_select', 'Com_replace'].reduce((s, k) => s + (delta[k] ?? 0), 0);
      phase.comPerPayment = round(statements / paid, 2);
    }
  }
  await settle(pid);
  if (instance) instance.child.assertAlive();
  sandbox.child.assertAlive();
  log(
    `${target.name} ${rate}/s × ${durationS}s (gateway ${phase.gatewayLatencyMs} ms): paid ${result.ok}/${result.offered}, p50 ${result.latency.p50} p99 ${result.latency.p99} max ${result.latency.max} ms` +
      `${result.errorCount ? `, errors: ${errorSummary(result.errors)}` : ''}${phase.sql ? `, SQL/payment ${phase.sql.perPayment}` : ''}${phase.cpuMsPerPayment !== null ? `, CPU ${phase.cpuMsPerPayment} ms/payment` : ''}`,
  );
  return phase;
}

async function warmup(ctx, sandbox, target, instance, rate = 30, durationS = 3) {
  await measuredPhase(ctx, sandbox, target, instance, { rate, durationS, light: true, label: 'warmup' });
}

/**
 * Capacity: rates double from `start` until a step fails (p99 ≥ 1 s, or under 99 % of the offered payments
 * paid), then two bisection steps between the last pass and the first failure.
 */
async function capacityLadder(ctx, sandbox, target, instance, { start = 25, max = 3200, stepS, collectIds = false } = {}) {
  const steps = [];
  const allIds = [];
  const step = async (rate) => {
    const r = await measuredPhase(ctx, sandbox, target, instance, { rate, durationS: stepS, drainTimeoutS: 8, light: true, collectIds, label: 'capacity' });
    if (r.chargeIds) allIds.push(...r.chargeIds);
    const pass = r.ok >= 0.99 * r.offered && r.latency.p99 !== null && r.latency.p99 < 1000;
    steps.push({ rate, pass, p50: r.latency.p50, p99: r.latency.p99, ok: r.ok, offered: r.offered, throughput: r.throughput, errors: r.errors, cpuMsPerPayment: r.cpuMsPerPayment });
    return pass;
  };
  let lastPass = null;
  let firstFail = null;
  for (let rate = start; rate <= max; rate *= 2) {
    if (await step(rate)) lastPass = rate;
    else {
      firstFail = rate;
      break;
    }
  }
  for (let i = 0; i < 2 && firstFail !== null && lastPass !== null; i++) {
    const mid = Math.round((lastPass + firstFail) / 2 / 5) * 5;
    if (mid <= lastPass || mid >= firstFail) break;
    if (await step(mid)) lastPass = mid;
    else firstFail = mid;
  }
  return {
    capacityPerS: lastPass,
    firstFailPerS: firstFail,
    bestThroughput: Math.max(...steps.map((s) => s.throughput)),
    steps,
    chargeIds: collectIds ? allIds : undefined,
  };
}

async function withGatewayLatency(sandbox, latencyMs, fn) {
  if (latencyMs === sandbox.latencyMs) return fn();
  // The sandbox's `latency` fault without a count replaces its base latency until cleared.
  await setCulqiFault(sandbox, { mode: 'latency', latency_ms: latencyMs });
  sandbox.currentLatencyMs = latencyMs;
  try {
    return await fn();
  } finally {
    await setCulqiFault(sandbox, null);
    sandbox.currentLatencyMs = undefined;
  }
}

// ---------------------------------------------------------------- modes

function databasesFor(ctx, mysqlReason) {
  const wanted = ctx.args.db ?? 'both';
  const dbs = wanted === 'both' ? ['sqlite', 'mariadb'] : [wanted];
  if (dbs.includes('mariadb') && mysqlReason) {
    if (wanted === 'mariadb') throw new Error(`MariaDB unreachable: ${mysqlReason}`);
    log(`MariaDB unreachable (${mysqlReason}): SQLite only`);
    return ['sqlite'];
  }
  return dbs;
}

async function runMatrix(ctx) {
  const full = Boolean(ctx.args.full);
  const rates = ctx.args.rates ?? (full ? [50, 200, 500, 1000] : [50, 200]);
  const durationS = ctx.args.durationS ?? 20;
  const stepS = ctx.args.stepS ?? 5;
  const latencies = full ? [50, 0] : [50];
  const mysqlReason = await mysqlUnavailableReason();
  const dbs = databasesFor(ctx, mysqlReason);
  const sandbox = await startSandbox(ctx, { latencyMs: 50 });
  ctx.load = new LoadGenerator(ctx);
  const targets = [
    { name: 'baseline', kind: 'baseline' },
    ...dbs.map((db) => ({ name: `yardstick-${db}`, kind: 'yardstick', db })),
    ...dbs.map((db) => ({ name: `smartpay-${db}`, kind: 'smartpay', db })),
  // The baseline always runs: every other row's "added" columns are measured against it.
  ].filter((t) => !ctx.args.targets || t.kind === 'baseline' || ctx.args.targets.includes(t.kind));
  const phases = [];
  const costRate = Math.min(...rates);
  for (const target of targets) {
    log(`— ${target.name}`);
    const instance = await startTarget(ctx, sandbox, target);
    await warmup(ctx, sandbox, target, instance);
    for (const latencyMs of latencies) {
      await withGatewayLatency(sandbox, latencyMs, async () => {
        for (const rate of rates) {
          const phase = await measuredPhase(ctx, sandbox, target, instance, { rate, durationS, label: 'latency' });
          phases.push(phase);
          if (latencyMs === 50 && rate === costRate) target.costPhase = phase;
        }
      });
    }
    if (ctx.args.capacity && target.kind !== 'baseline') {
      target.capacity = await capacityLadder(ctx, sandbox, target, instance, { stepS });
      log(`${target.name} capacity: ${target.capacity.capacityPerS ?? '<' + target.capacity.steps[0].rate}/s (best ${target.capacity.bestThroughput}/s)`);
    }
    if (instance) target.memory = await stopInstance(ctx, instance);
    target.costPhase = target.costPhase
      ? { sql: target.costPhase.sql, comPerPayment: target.costPhase.comPerPayment, gateway: target.costPhase.gateway, cpuMsPerPayment: target.costPhase.cpuMsPerPayment, rate: target.costPhase.rate }
      : undefined;
  }
  // The consumption benchmark (issue 10), compact: the same sandbox and load generator, fresh databases.
  let credits = null;
  if (!ctx.args.noCredits) {
    const kinds = ['yardstick', 'smartpay'].filter((k) => !ctx.args.targets || ctx.args.targets.includes(k));
    const creditsStarted = Date.now();
    credits = await runCreditsSuite(ctx, sandbox, { dbs, plan: creditsPlan('compact'), kinds, freshDatabase });
    credits.durationS = Math.round((Date.now() - creditsStarted) / 1000);
    log(`credits suite: ${credits.durationS} s`);
    if (credits.targets.some((t) => !t.invariants.ok)) process.exitCode = 1;
  }
  finishMachine(ctx, 'shared machine: other sessions were running tests at the same time, so absolute numbers are noisy');
  const run = {
    mode: full ? 'full' : 'default',
    startedAt: ctx.startedAt,
    finishedAt: new Date().toISOString(),
    machine: ctx.machine,
    settings: { rates, durationS, stepS, gatewayLatencies: latencies, costRate, databases: dbs, mysqlUnavailable: mysqlReason, idempotencyKeys: ctx.args.idempotency, invoicing: Boolean(ctx.args.invoicing) },
    targets,
    phases: phases.map(({ chargeIds, windows, ...p }) => p),
    sandboxMemory: ctx.memory.peak('sandbox'),
    credits,
  };
  const markdown = credits ? `${matrixMarkdown(run)}\n${creditsMarkdown(credits)}` : matrixMarkdown(run);
  process.stdout.write(`\n${markdown}\n`);
  // A run narrowed by options is written as `-partial`, so it never replaces latest.md (the default run's table).
  const partial = ctx.args.targets || ctx.args.rates || ctx.args.durationS || ctx.args.stepS || (ctx.args.db && ctx.args.db !== 'both') || ctx.args.capacity === false || ctx.args.noCredits || ctx.args.invoicing;
  writeResults(ctx, full ? 'full' : partial ? 'partial' : '', run, markdown);
  return run;
}

async function runSmoke(ctx) {
  const sandbox = await startSandbox(ctx, { latencyMs: 20 });
  ctx.load = new LoadGenerator(ctx);
  const targets = [
    { name: 'baseline', kind: 'baseline' },
    { name: 'yardstick-sqlite', kind: 'yardstick', db: 'sqlite' },
    { name: 'smartpay-sqlite', kind: 'smartpay', db: 'sqlite' },
  ];
  const phases = [];
  let invariants = null;
  let credits = null;
  for (const target of targets) {
    const instance = await startTarget(ctx, sandbox, target);
    const phase = await measuredPhase(ctx, sandbox, target, instance, { rate: 10, durationS: 2, collectIds: target.kind === 'smartpay', label: 'smoke' });
    phases.push(phase);
    if (target.kind === 'smartpay') invariants = await checkInvariants({ controlUrl: sandbox.control, databaseUrl: instance.databaseUrl, responses: phase.chargeIds });
    // Credits: a few consumptions on the same SmartPay and on the credits yardstick, then the ledger check.
    if (target.kind === 'smartpay' && !ctx.args.noCredits) credits = await creditsSmoke(ctx, instance, freshDatabase);
    if (instance) target.memory = await stopInstance(ctx, instance);
  }
  const broken = [...phases, ...(credits?.phases ?? [])].filter((p) => p.ok === 0).map((p) => `${p.target}${p.suite ? ` (${p.suite})` : ''}`);
  const creditsLedger = credits ? credits.targets.map((t) => `${t.name}: ${t.invariants.ok ? 'balance = granted − 201 answers for every customer' : `**${t.invariants.violationCount} customers violate balance = granted − 201 answers**`}`).join('; ') : null;
  const markdown = [
    `## SmartPay benchmark smoke — ${ctx.startedAt}`,
    '',
    latencyTable(phases.map(({ chargeIds, windows, ...p }) => p)),
    '',
    invariantsMarkdown(invariants),
    ...(credits ? ['', '### Credits: consumption', '', creditsLatencyTable(credits), '', `Ledger: ${creditsLedger}.`] : []),
  ].join('\n');
  process.stdout.write(`\n${markdown}\n`);
  if (ctx.args.out) writeResults(ctx, 'smoke', { startedAt: ctx.startedAt, phases: phases.map(({ chargeIds, windows, ...p }) => p), invariants, credits }, markdown);
  if (broken.length) throw new Error(`no successful payment or consumption through: ${broken.join(', ')}`);
  if (invariants && !invariants.ok) log('smoke: invariant violations reported above (not a pipeline failure)');
  if (credits && credits.targets.some((t) => !t.invariants.ok)) log('smoke: credit ledger violations reported above (not a pipeline failure)');
}

/** `--credits`: the credits suite alone, with longer phases and capacity ladders over 50 customers and one. */
async function runCredits(ctx) {
  const mysqlReason = await mysqlUnavailableReason();
  const dbs = databasesFor(ctx, mysqlReason);
  // No gateway is involved in a consumption; SmartPay's configuration still names one, so the sandbox runs.
  const sandbox = await startSandbox(ctx, { latencyMs: 50 });
  ctx.load = new LoadGenerator(ctx);
  const kinds = ['yardstick', 'smartpay'].filter((k) => !ctx.args.targets || ctx.args.targets.includes(k));
  const plan = creditsPlan(ctx.args.compact ? 'compact' : 'full', ctx.args);
  const suite = await runCreditsSuite(ctx, sandbox, { dbs, plan, kinds, freshDatabase });
  finishMachine(ctx, 'shared machine: other sessions were running tests at the same time, so absolute numbers are noisy');
  const run = {
    mode: 'credits',
    startedAt: ctx.startedAt,
    finishedAt: new Date().toISOString(),
    machine: ctx.machine,
    settings: { databases: dbs, mysqlUnavailable: mysqlReason, creditsGranted: 1_000_000 },
    credits: suite,
  };
  const markdown = [`## SmartPay credits benchmark — ${ctx.startedAt}`, '', machineSection(ctx.machine), '', creditsMarkdown(suite)].join('\n');
  process.stdout.write(`\n${markdown}\n`);
  const partial = ctx.args.compact || ctx.args.targets || ctx.args.rates || ctx.args.durationS || ctx.args.stepS || (ctx.args.db && ctx.args.db !== 'both') || ctx.args.capacity === false;
  writeResults(ctx, partial ? 'credits-partial' : 'credits', run, markdown);
  if (suite.targets.some((t) => !t.invariants.ok)) process.exitCode = 1;
}

async function runScaleOut(ctx) {
  const mysqlReason = await mysqlUnavailableReason();
  if (mysqlReason) throw new Error(`--scale-out needs MariaDB: ${mysqlReason}`);
  const stepS = ctx.args.stepS ?? 5;
  const sandbox = await startSandbox(ctx, { latencyMs: 50 });
  ctx.load = new LoadGenerator(ctx);
  const databaseUrl = await freshDatabase(ctx, 'mariadb', 'scaleout');
  await migrateSmartPay(ctx, sandbox, databaseUrl);
  const a = await startSmartPay(ctx, sandbox, { name: 'smartpay-a', databaseUrl });
  const b = await startSmartPay(ctx, sandbox, { name: 'smartpay-b', databaseUrl });
  const proxy = await startProxy(ctx, [a.url, b.url]);
  const one = { name: 'one-instance', kind: 'smartpay', db: 'mariadb' };
  const two = { name: 'two-instances', kind: 'smartpay', db: 'mariadb' };
  await warmup(ctx, sandbox, one, a);
  await warmup(ctx, sandbox, two, { ...proxy, databaseUrl });
  const ids = [];
  const ladders = [];
  for (const [target, instance, label] of [
    [one, a, 'one instance (direct)'],
    [two, { ...proxy, databaseUrl }, 'two instances behind the proxy'],
  ]) {
    const cpuBefore = [cpuMs(a.child.pid), cpuMs(b.child.pid), cpuMs(proxy.child.pid)];
    const capacity = await capacityLadder(ctx, sandbox, target, instance, { stepS, collectIds: true });
    const cpuAfter = [cpuMs(a.child.pid), cpuMs(b.child.pid), cpuMs(proxy.child.pid)];
    ids.push(...capacity.chargeIds);
    delete capacity.chargeIds;
    ladders.push({ label, capacity, cpuMs: { a: cpuAfter[0] - cpuBefore[0], b: cpuAfter[1] - cpuBefore[1], proxy: cpuAfter[2] - cpuBefore[2] } });
    log(`${label}: capacity ${capacity.capacityPerS ?? '<' + capacity.steps[0].rate}/s (best ${capacity.bestThroughput}/s)`);
  }
  const proxyCounts = await (await fetch(`${proxy.url}/_proxy`)).json();
  const { unresolved, waitedS } = await waitForReconciliation(databaseUrl, 30);
  const invariants = await checkInvariants({ controlUrl: sandbox.control, databaseUrl, responses: ids });
  const memory = { a: await stopInstance(ctx, a), b: await stopInstance(ctx, b), proxy: await stopInstance(ctx, proxy) };
  finishMachine(ctx, 'shared machine: other sessions were running tests at the same time');
  const run = {
    mode: 'scale-out',
    startedAt: ctx.startedAt,
    finishedAt: new Date().toISOString(),
    machine: ctx.machine,
    settings: { gatewayLatencyMs: 50, stepS },
    ladders,
    proxy: proxyCounts,
    unresolved,
    reconcileWaitS: waitedS,
    invariants,
    memory,
  };
  const markdown = scaleOutMarkdown(run);
  process.stdout.write(`\n${markdown}\n`);
  writeResults(ctx, 'scale-out', run, markdown);
  if (!invariants.ok) process.exitCode = 1;
}

async function waitForReconciliation(databaseUrl, maxS) {
  const start = Date.now();
  let unresolved = await unresolvedCharges(databaseUrl);
  while (Object.values(unresolved).some((n) => n > 0) && Date.now() - start < maxS * 1000) {
    await sleep(2000);
    unresolved = await unresolvedCharges(databaseUrl);
  }
  return { unresolved, waitedS: Math.round((Date.now() - start) / 1000) };
}

const SOAK_FAULTS = [
  { fault: { mode: 'http_500', count: 5 }, label: 'http_500 ×5' },
  { fault: { mode: 'timeout', latency_ms: 3000, count: 5 }, label: 'timeout 3 s ×5' },
  { fault: { mode: 'reset', count: 5 }, label: 'reset ×5' },
  { fault: { mode: 'latency', latency_ms: 600, count: 50 }, label: 'latency 600 ms ×50' },
  { fault: { mode: 'down' }, clearAfterMs: 2000, label: 'down 2 s' },
];

async function runSoak(ctx) {
  const durationS = ctx.args.soakS;
  const rate = ctx.args.rate ?? 50;
  const db = ctx.args.db && ctx.args.db !== 'both' ? ctx.args.db : 'sqlite';
  const faultEveryS = 30;
  const sandbox = await startSandbox(ctx, { latencyMs: 50 });
  ctx.load = new LoadGenerator(ctx);
  const smartpayEnv = {
    GATEWAY_TIMEOUT_MS: '2000',
    CIRCUIT_BREAKER_HALF_OPEN_AFTER: '5s',
    // Charges left pending by a fault are looked up soon, and one the gateway never saw is failed after 20 s,
    // so the invariant checks at the end see settled states.
    RECONCILE_SCHEDULE: '5s,15s,30s',
    RECONCILE_TICK: '2s',
    RECONCILE_NOT_FOUND_GRACE: '20s',
  };
  const target = { name: `smartpay-${db}`, kind: 'smartpay', db };
  const instance = await startTarget(ctx, sandbox, target, smartpayEnv);
  await warmup(ctx, sandbox, target, instance);

  const samples = [];
  const faults = [];
  const cpuStart = cpuMs(instance.child.pid);
  let stop = false;
  const sampler = (async () => {
    while (!stop) {
      const m = memory(instance.child.pid);
      if (m) samples.push({ at: Date.now(), rssMb: m.rssMb });
      await sleep(1000);
    }
  })();
  const injector = (async () => {
    let i = 0;
    await sleep(faultEveryS * 1000);
    while (!stop) {
      const { fault, clearAfterMs, label } = SOAK_FAULTS[i++ % SOAK_FAULTS.length];
      try {
        await setCulqiFault(sandbox, fault);
        faults.push({ at: Date.now(), label });
        log(`soak: fault ${label}`);
        if (clearAfterMs) {
          await sleep(clearAfterMs);
          await setCulqiFault(sandbox, null);
        }
      } catch (err) {
        log(`soak: could not inject ${label}: ${err.message}`);
      }
      for (let s = 0; s < faultEveryS && !stop; s++) await sleep(1000);
    }
  })();
  const startedAt = Date.now();
  let result;
  try {
    result = await ctx.load.phase({
      target: loadTarget(ctx, sandbox, target, instance),
      culqi: sandbox.culqi,
      rate,
      durationS,
      amount: ctx.amount++,
      drainTimeoutS: 30,
      collectIds: true,
      tokens: 'stream',
      windowS: 10,
    });
  } finally {
    stop = true;
    await Promise.all([sampler, injector]);
    await setCulqiFault(sandbox, null).catch(() => {});
  }
  const cpuEnd = cpuMs(instance.child.pid);
  instance.child.assertAlive();
  log('soak: load finished; waiting for reconciliation to settle pending charges');
  const { unresolved, waitedS } = await waitForReconciliation(instance.databaseUrl, 120);
  const stuck = Object.values(unresolved).some((n) => n > 0) ? await unresolvedDetails(instance.databaseUrl) : [];
  if (stuck.length) {
    // What the gateway knows about them, by our charge id.
    for (const charge of stuck) {
      const res = await fetch(`${sandbox.control}/culqi/_charges?metadata.smartpay_charge_id=${encodeURIComponent(charge.id)}`).then((r) => r.json()).catch(() => null);
      charge.atGateway = res ? res.data.map((c) => ({ id: c.id, outcome: c.outcome?.type })) : null;
      charge.response = result.chargeIds.find((r) => r[0] === charge.id) ?? null;
    }
    log(`soak: unresolved after ${waitedS} s: ${JSON.stringify(stuck)}`);
  }
  const invariants = await checkInvariants({ controlUrl: sandbox.control, databaseUrl: instance.databaseUrl, responses: result.chargeIds });

  // The load generator's windows start when its timed span started (after its token buffer filled).
  const t0 = result.startedAtEpoch ?? startedAt;
  const windows = result.windows.map((w) => {
    const from = t0 + w.startS * 1000;
    const to = from + 10_000;
    const inWindow = samples.filter((s) => s.at >= from && s.at < to);
    return {
      ...w,
      rssMb: inWindow.length ? Math.max(...inWindow.map((s) => s.rssMb)) : null,
      faults: faults.filter((f) => f.at >= from && f.at < to).map((f) => f.label),
    };
  });
  const rss = windows.map((w) => w.rssMb).filter((x) => x !== null);
  const half = windows.slice(Math.floor(windows.length / 2)).filter((w) => w.rssMb !== null);
  const memorySummary = { firstMb: rss[0] ?? null, lastMb: rss[rss.length - 1] ?? null, peakMb: rss.length ? Math.max(...rss) : null, slopeMbPerMin: slope(half.map((w) => [w.startS / 60, w.rssMb])) };
  await stopInstance(ctx, instance);
  finishMachine(ctx, 'shared machine: other sessions were running tests at the same time');
  const run = {
    mode: 'soak',
    startedAt: ctx.startedAt,
    finishedAt: new Date().toISOString(),
    machine: ctx.machine,
    settings: { durationS, rate, db, faultEveryS, faults: SOAK_FAULTS.map((f) => f.label), smartpayEnv },
    total: { offered: result.offered, ok: result.ok, errors: result.errors, latency: result.latency },
    cpuMsPerPayment: cpuStart !== null && cpuEnd !== null ? round((cpuEnd - cpuStart) / Math.max(1, result.ok), 2) : null,
    windows,
    memory: memorySummary,
    unresolved,
    unresolvedDetails: stuck,
    reconcileWaitS: waitedS,
    invariants,
  };
  const markdown = soakMarkdown(run);
  process.stdout.write(`\n${markdown}\n`);
  writeResults(ctx, 'soak', run, markdown);
  if (!invariants.ok) process.exitCode = 1;
}

/** Least-squares slope of [x, y] points (null with fewer than 3). */
function slope(points) {
  if (points.length < 3) return null;
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? null : round(num / den, 2);
}

async function runProfile(ctx) {
  const db = ctx.args.db && ctx.args.db !== 'both' ? ctx.args.db : 'sqlite';
  const rate = ctx.args.rate ?? 200;
  const durationS = ctx.args.durationS ?? 20;
  const profileDir = ctx.args.out ?? mkdtempSync(join(tmpdir(), 'smartpay-profile-'));
  if (profileDir.startsWith(ROOT)) throw new Error('write the profile outside the repository (--out /tmp/...)');
  const sandbox = await startSandbox(ctx, { latencyMs: 50 });
  ctx.load = new LoadGenerator(ctx);
  const target = { name: `smartpay-${db}`, kind: 'smartpay', db };
  const spawnedAt = Date.now();
  const instance = await startTarget(ctx, sandbox, target, {}, ['--cpu-prof', '--cpu-prof-dir', profileDir]);
  // --credits: consumptions (POST …/credits/consume over 50 customers) instead of payments.
  const consumption = ctx.args.credits ? await prepareConsumeProfile(ctx, target, instance) : null;
  if (!consumption) await warmup(ctx, sandbox, target, instance);
  // Start-up and warm-up are left out of the summary (the profile file keeps them).
  const skipMs = Date.now() - spawnedAt;
  const phase = consumption ? await consumption.measure({ rate, durationS }) : await measuredPhase(ctx, sandbox, target, instance, { rate, durationS, label: 'profile' });
  await stopInstance(ctx, instance);
  const file = execFileSync('ls', ['-t', profileDir], { encoding: 'utf8' }).split('\n').find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile written in ${profileDir}`);
  const summary = summariseProfile(join(profileDir, file), 25, skipMs);
  const markdown = [
    `## SmartPay CPU profile — ${ctx.startedAt} (${db}, ${rate}/s × ${durationS} s, ${consumption ? 'credit consumptions' : 'gateway 50 ms'})`,
    '',
    consumption
      ? `Profile: ${join(profileDir, file)} (summary skips the first ${skipMs} ms: start-up and warm-up). 201 ${phase.ok}/${phase.offered}, p50 ${phase.latency.p50} ms, p99 ${phase.latency.p99} ms, CPU ${phase.cpuMsPerConsume} ms per consumption (with the profiler on).`
      : `Profile: ${join(profileDir, file)} (summary skips the first ${skipMs} ms: start-up and warm-up). Paid ${phase.ok}/${phase.offered}, p50 ${phase.latency.p50} ms, p99 ${phase.latency.p99} ms, CPU ${phase.cpuMsPerPayment} ms per payment (with the profiler on).`,
    '',
    profileMarkdown(summary),
  ].join('\n');
  process.stdout.write(`\n${markdown}\n`);
  writeFileSync(join(profileDir, 'summary.md'), `${markdown}\n`);
  log(`profile summary: ${join(profileDir, 'summary.md')}`);
}

// ---------------------------------------------------------------- main

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).join('\n') + '\n');
    return;
  }
  const ctx = createContext(args);
  ctx.startedAt = new Date().toISOString();
  const started = Date.now();
  let failed = false;
  try {
    if (args.smoke) await runSmoke(ctx);
    else if (args.scaleOut) await runScaleOut(ctx);
    else if (args.soakS) await runSoak(ctx);
    else if (args.profile) await runProfile(ctx);
    else if (args.credits) await runCredits(ctx);
    else await runMatrix(ctx);
  } catch (err) {
    failed = true;
    process.stderr.write(`\nbench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  } finally {
    await cleanup(ctx, failed);
    log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
  }
}

await main();
// Timers of finished helpers (samplers) must not keep the process alive.
process.exit(process.exitCode ?? 0);
