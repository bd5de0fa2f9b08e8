// The credits suite: open-loop `POST /v1/customers/{id}/credits/consume` against SmartPay (production build)
// and bench/credits-yardstick.mjs (the same debit in plain SQL, no framework), on SQLite and MariaDB, in the
// same run. Consumptions are spread over a pool of customers (every consume of one customer serialises on its
// account row, so a single-customer "hot" variant is measured too). Per target: latency at fixed rates,
// a capacity ladder (p99 < 1 s and ≥ 99 % answered 201), SQL statements and CPU per consumption, and at the
// end the ledger invariant: for every customer, balance = granted − consumptions answered 201, read through
// the API and from the database (account row, Σ lots remaining, consume entries).
import { openReader } from './databases.mjs';
import { cpuMs, settle } from './proc-stats.mjs';
import { sqlCounts, yardstickStats, startCreditsYardstick, startSmartPay, migrateSmartPay, stopInstance } from './stack.mjs';
import { errorSummary, table } from './report.mjs';
import { round } from './stats.mjs';

/** Credits granted to every customer before the phases (never runs out: no 409 in a run). */
export const CREDITS_GRANTED = 1_000_000;

/**
 * What each mode measures. `compact` is the default run's (≈ 30 s per target): its latency phases double as the
 * capacity ladder's first steps. `full` is `--credits`. `smoke` checks the pipeline only.
 */
export function creditsPlan(mode, args = {}) {
  if (mode === 'smoke') return { mode, customers: 3, rates: [20], durationS: 1, warmup: null, hot: null, ladder: null, hotLadder: null };
  if (mode === 'compact') {
    return {
      mode,
      customers: 50,
      rates: [100, 400],
      durationS: 5,
      warmup: { rate: 50, durationS: 1 },
      hot: { rate: 100, durationS: 3 },
      ladder: { fromLatency: true, stepS: 3, bisect: 1, max: 6400 },
      hotLadder: null,
      batchedYardstick: false,
    };
  }
  const durationS = args.durationS ?? 15;
  const stepS = args.stepS ?? 5;
  return {
    mode,
    customers: 50,
    rates: args.rates ?? [100, 400],
    durationS,
    warmup: { rate: 50, durationS: 3 },
    hot: { rate: 100, durationS },
    ladder: args.capacity === false ? null : { start: 100, stepS, bisect: 2, max: 6400 },
    hotLadder: args.capacity === false ? null : { start: 100, stepS, bisect: 1, max: 6400 },
    batchedYardstick: true,
  };
}

// ---------------------------------------------------------------- API calls (setup, resolution, balances)

async function call(instance, method, path, body, extraHeaders = {}) {
  const res = await fetch(`${instance.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${instance.apiKey}`, 'content-type': 'application/json', ...extraHeaders },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // status only
  }
  return { status: res.status, json, replayed: res.headers.get('idempotent-replayed') === 'true' };
}

async function inParallel(items, concurrency, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** `count` customers, each granted CREDITS_GRANTED credits; the ledger the invariant check compares against. */
async function createCustomers(instance, count, label) {
  const ids = new Array(count);
  await inParallel([...Array(count).keys()], 8, async (i) => {
    const created = await call(instance, 'POST', '/v1/customers', { email: `credits-${label}-${i}@example.com` });
    if (created.status !== 201 || !created.json?.id) throw new Error(`${instance.name}: creating a customer answered ${created.status} ${JSON.stringify(created.json)}`);
    const granted = await call(instance, 'POST', `/v1/customers/${created.json.id}/credits/grants`, { credits: CREDITS_GRANTED, reason: 'bench' });
    if (granted.status !== 201) throw new Error(`${instance.name}: granting credits answered ${granted.status} ${JSON.stringify(granted.json)}`);
    ids[i] = created.json.id;
    instance.ledger.granted[created.json.id] = CREDITS_GRANTED;
    instance.ledger.consumed[created.json.id] = 0;
  });
  return ids;
}

// ---------------------------------------------------------------- one phase

async function consumePhase(ctx, target, instance, { rate, durationS, customers, label, light = false, drainTimeoutS = 15 }) {
  const pid = instance.child.pid;
  const smartpay = target.kind === 'smartpay';
  const before = {
    cpu: cpuMs(pid),
    sql: !light && smartpay ? await sqlCounts(instance) : null,
    ys: !light && !smartpay ? await yardstickStats(instance) : null,
  };
  const result = await ctx.load.phase({
    workload: 'consume',
    target: { url: instance.url, apiKey: instance.apiKey },
    customers,
    credits: 1,
    referencePrefix: `${label}-${rate}-${instance.ledger.phases++}`,
    rate,
    durationS,
    drainTimeoutS,
  });
  const after = {
    cpu: cpuMs(pid),
    sql: before.sql ? await sqlCounts(instance) : null,
    ys: before.ys ? await yardstickStats(instance) : null,
  };
  for (const [c, n] of Object.entries(result.okByCustomer)) instance.ledger.consumed[c] += n;
  instance.ledger.unresolved.push(...result.unresolved);
  const ok = Math.max(1, result.ok);
  const { okByCustomer, unresolved, ...rest } = result;
  const phase = {
    suite: 'credits',
    label,
    target: target.name,
    kind: target.kind,
    db: target.db,
    ...rest,
    unresolved: unresolved.length,
    cpuMsPerConsume: before.cpu !== null && after.cpu !== null ? round((after.cpu - before.cpu) / ok, 2) : null,
  };
  if (before.sql && after.sql) {
    const { bySql: textsAfter, ...countsAfter } = after.sql;
    const textsBefore = before.sql.bySql ?? {};
    const delta = Object.fromEntries(Object.keys(countsAfter).map((k) => [k, countsAfter[k] - (before.sql[k] ?? 0)]));
    const statements = Object.entries(textsAfter)
      .map(([text, n]) => [text, round((n - (textsBefore[text] ?? 0)) / ok, 2)])
      .filter(([, n]) => n > 0)
      .sort((x, y) => y[1] - x[1]);
    phase.sql = { delta, perConsume: round(delta.total / ok, 2), statementsPerConsume: statements };
  }
  if (before.ys && after.ys) {
    const statements = after.ys.statements - before.ys.statements;
    const transactions = after.ys.transactions - before.ys.transactions;
    phase.sql = { delta: { total: statements, transactions }, perConsume: round(statements / ok, 2) };
  }
  await settle(pid);
  instance.child.assertAlive();
  ctx.log(
    `${target.name} consume ${rate}/s × ${durationS}s over ${customers.length} customer${customers.length === 1 ? '' : 's'}: 201 ${result.ok}/${result.offered}, p50 ${result.latency.p50} p99 ${result.latency.p99} max ${result.latency.max} ms` +
      `${result.errorCount ? `, errors: ${errorSummary(result.errors)}` : ''}${phase.sql ? `, SQL/consume ${phase.sql.perConsume}` : ''}${phase.cpuMsPerConsume !== null ? `, CPU ${phase.cpuMsPerConsume} ms/consume` : ''}`,
  );
  return phase;
}

const passes = (p) => p.ok >= 0.99 * p.offered && p.latency.p99 !== null && p.latency.p99 < 1000;

function ladderStep(p) {
  return { rate: p.rate, durationS: p.durationS, pass: passes(p), p50: p.latency.p50, p99: p.latency.p99, ok: p.ok, offered: p.offered, throughput: p.throughput, errors: p.errors, cpuMsPerConsume: p.cpuMsPerConsume, schedulerLagMaxMs: p.schedulerLagMaxMs };
}

/**
 * Capacity: the highest rate whose step passed (p99 < 1 s and ≥ 99 % of the consumptions answered 201).
 * Rates double from `start` (or from the highest of the `known` steps — the compact mode's latency phases —
 * when they all passed) until a step fails, then `bisect` steps between the last pass and the first failure.
 */
async function capacityLadder(runStep, { start, max, bisect, known = [] }) {
  const steps = known.map(ladderStep);
  let lastPass = null;
  let firstFail = null;
  for (const s of [...steps].sort((a, b) => a.rate - b.rate)) {
    if (s.pass && firstFail === null) lastPass = s.rate;
    else if (!s.pass && firstFail === null) firstFail = s.rate;
  }
  const step = async (rate) => {
    const s = ladderStep(await runStep(rate));
    steps.push(s);
    return s.pass;
  };
  if (firstFail === null) {
    for (let rate = lastPass === null ? start : lastPass * 2; rate <= max; rate *= 2) {
      if (await step(rate)) lastPass = rate;
      else {
        firstFail = rate;
        break;
      }
    }
  }
  for (let i = 0; i < bisect && firstFail !== null && lastPass !== null; i++) {
    const mid = Math.round((lastPass + firstFail) / 2 / 5) * 5;
    if (mid <= lastPass || mid >= firstFail) break;
    if (await step(mid)) lastPass = mid;
    else firstFail = mid;
  }
  return { capacityPerS: lastPass, firstFailPerS: firstFail, bestThroughput: Math.max(...steps.map((s) => s.throughput)), steps };
}

// ---------------------------------------------------------------- resolution and invariants

/**
 * Consumptions whose outcome the load generator could not know (aborted at the drain deadline, a network
 * error, a 5xx) are sent again with the same reference: a 201 says it is (or now is) debited — with
 * `Idempotent-Replayed` when the first attempt had committed — a 4xx that it is not.
 */
async function resolveUnresolved(instance) {
  const list = instance.ledger.unresolved.splice(0);
  const out = { sent: list.length, hadCommitted: 0, committedNow: 0, refused: 0, unknown: 0 };
  await inParallel(list, 8, async ([customer, reference]) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      let res;
      try {
        res = await call(instance, 'POST', `/v1/customers/${customer}/credits/consume`, { credits: 1, reference });
      } catch {
        continue;
      }
      if (res.status === 201) {
        instance.ledger.consumed[customer] += 1;
        if (res.replayed) out.hadCommitted++;
        else out.committedNow++;
        return;
      }
      if (res.status >= 400 && res.status < 500) {
        out.refused++;
        return;
      }
    }
    out.unknown++;
  });
  return out;
}

/** For every customer: balance (API) = balance (account row) = Σ lots remaining = granted − consumed, and one consume entry per consumption. */
async function checkLedger(target, instance) {
  const smartpay = target.kind === 'smartpay';
  const t = smartpay ? { accounts: 'credit_accounts', lots: 'credit_lots', transactions: 'credit_transactions' } : { accounts: 'accounts', lots: 'lots', transactions: 'transactions' };
  const reader = await openReader(instance.databaseUrl);
  const byCustomer = (rows, key) => Object.fromEntries(rows.map((r) => [r.customer_id, Number(r[key])]));
  let accounts;
  let lots;
  let consumes;
  let grants;
  try {
    accounts = byCustomer(await reader.all(`select customer_id, balance from ${t.accounts}`), 'balance');
    lots = byCustomer(await reader.all(`select customer_id, sum(remaining) as remaining from ${t.lots} group by customer_id`), 'remaining');
    consumes = await reader.all(`select customer_id, count(*) as n, sum(credits) as credits, count(distinct reference) as refs from ${t.transactions} where type = 'consume' group by customer_id`);
    grants = byCustomer(await reader.all(`select customer_id, sum(credits) as credits from ${t.transactions} where type = 'grant' group by customer_id`), 'credits');
  } finally {
    await reader.close();
  }
  const consumeRows = Object.fromEntries(consumes.map((r) => [r.customer_id, { n: Number(r.n), credits: Number(r.credits), refs: Number(r.refs) }]));
  const apiBalance = {};
  await inParallel(Object.keys(instance.ledger.granted), 8, async (c) => {
    const res = await call(instance, 'GET', `/v1/customers/${c}/credits`);
    apiBalance[c] = res.status === 200 ? Number(res.json?.balance) : null;
  });
  const violations = [];
  let consumed = 0;
  for (const [c, granted] of Object.entries(instance.ledger.granted)) {
    const n = instance.ledger.consumed[c];
    consumed += n;
    const expected = granted - n;
    const rows = consumeRows[c] ?? { n: 0, credits: 0, refs: 0 };
    const found = { api: apiBalance[c], account: accounts[c], lots: lots[c], granted: grants[c], consumeEntries: rows.n, consumedCredits: -rows.credits, distinctReferences: rows.refs };
    const bad = [];
    if (found.api !== expected) bad.push('API balance');
    if (found.account !== expected) bad.push('account balance');
    if (found.lots !== expected) bad.push('Σ lots remaining');
    if (found.granted !== granted) bad.push('grant entries');
    if (found.consumeEntries !== n || found.consumedCredits !== n || found.distinctReferences !== n) bad.push('consume entries');
    if (bad.length) violations.push({ customer: c, expected, answered201: n, found, bad });
  }
  return { ok: violations.length === 0, customers: Object.keys(instance.ledger.granted).length, consumed, violations: violations.slice(0, 10), violationCount: violations.length };
}

// ---------------------------------------------------------------- the suite

async function startCreditsTarget(ctx, sandbox, target, freshDatabase) {
  const databaseUrl = await freshDatabase(ctx, target.db, `credits_${target.name}`);
  let instance;
  if (target.kind === 'yardstick') instance = await startCreditsYardstick(ctx, { name: `credits-${target.name}`, databaseUrl, groupCommit: Boolean(target.groupCommit), batch: Boolean(target.batch) });
  else {
    await migrateSmartPay(ctx, sandbox, databaseUrl);
    instance = await startSmartPay(ctx, sandbox, { name: `credits-${target.name}`, databaseUrl });
  }
  instance.ledger = { granted: {}, consumed: {}, unresolved: [], phases: 0 };
  return instance;
}

/**
 * Runs the plan against yardstick and SmartPay on each database (the yardstick first, then SmartPay, one
 * database after the other, so the two being compared run minutes apart at most). `ctx.load` must be started.
 */
export async function runCreditsSuite(ctx, sandbox, { dbs, plan, kinds = ['yardstick', 'smartpay'], freshDatabase }) {
  const targets = dbs.flatMap((db) => [
    ...kinds.map((kind) => ({ name: `${kind}-${db}`, kind, db })),
    // SQLite's per-debit yardstick waits out one fsync per consumption; SmartPay shares them (group commit).
    // The batched yardstick shares them too: the floor once that design choice is taken out of the ratio.
    ...(plan.batchedYardstick && db === 'sqlite' && kinds.includes('yardstick') ? [{ name: 'yardstick-sqlite-batched', kind: 'yardstick', db, groupCommit: true }] : []),
    // On MariaDB SmartPay sends a debit in three round trips (multi-statement queries); so does this one.
    ...(plan.batchedYardstick && db === 'mariadb' && kinds.includes('yardstick') ? [{ name: 'yardstick-mariadb-batched', kind: 'yardstick', db, batch: true }] : []),
  ]);
  const phases = [];
  for (const target of targets) {
    ctx.log(`— credits: ${target.name}`);
    const instance = await startCreditsTarget(ctx, sandbox, target, freshDatabase);
    phases.push(...(await measureCredits(ctx, target, instance, plan)));
    target.memory = await stopInstance(ctx, instance);
  }
  return { plan, targets, phases: stripPhases(phases), verdicts: creditsVerdicts(targets, dbs) };
}

/** The smoke run's check: SmartPay's instance of the smoke (already running) and a credits yardstick on SQLite. */
export async function creditsSmoke(ctx, smartpayInstance, freshDatabase) {
  const plan = creditsPlan('smoke');
  const phases = [];
  const targets = [
    { name: 'yardstick-sqlite', kind: 'yardstick', db: 'sqlite' },
    { name: 'smartpay-sqlite', kind: 'smartpay', db: 'sqlite' },
  ];
  for (const target of targets) {
    const instance = target.kind === 'smartpay' ? smartpayInstance : await startCreditsTarget(ctx, null, target, freshDatabase);
    instance.ledger = { granted: {}, consumed: {}, unresolved: [], phases: 0 };
    phases.push(...(await measureCredits(ctx, target, instance, plan)));
    if (target.kind === 'yardstick') target.memory = await stopInstance(ctx, instance);
  }
  return { plan, targets, phases: stripPhases(phases), verdicts: [] };
}

/** Every phase of `plan` on one started target; fills target.capacity, costs, resolution and invariants. */
async function measureCredits(ctx, target, instance, plan) {
  const phases = [];
  const pool = await createCustomers(instance, plan.customers, 'pool');
  const hot = plan.hot || plan.hotLadder ? await createCustomers(instance, 1, 'hot') : null;
  const run = (label, rate, durationS, customers, light = false) =>
    consumePhase(ctx, target, instance, { rate, durationS, customers, label: plan.mode === 'smoke' ? 'smoke' : label, light, drainTimeoutS: label.includes('capacity') ? 8 : 15 });
  if (plan.warmup) await run('warmup', plan.warmup.rate, plan.warmup.durationS, pool, true);
  const latency = [];
  for (const rate of plan.rates) latency.push(await run('latency', rate, plan.durationS, pool));
  phases.push(...latency);
  target.costPhase = costOf(latency.find((p) => p.rate === Math.min(...plan.rates)));
  target.costPhaseHigh = plan.rates.length > 1 ? costOf(latency.find((p) => p.rate === Math.max(...plan.rates))) : null;
  if (plan.hot) phases.push(await run('hot', plan.hot.rate, plan.hot.durationS, hot));
  if (plan.ladder) {
    const l = plan.ladder;
    target.capacity = await capacityLadder((rate) => run('capacity', rate, l.stepS, pool, true), { start: l.start, max: l.max, bisect: l.bisect, known: l.fromLatency ? latency : [] });
    target.capacity.stepS = l.stepS;
    if (l.fromLatency) target.capacity.note = `the ${plan.durationS} s latency phases at ${plan.rates.join(' and ')}/s are the first steps`;
    ctx.log(`${target.name} consume capacity: ${target.capacity.capacityPerS ?? '<' + target.capacity.steps[0]?.rate}/s (best ${target.capacity.bestThroughput}/s)`);
  }
  if (plan.hotLadder) {
    const l = plan.hotLadder;
    target.hotCapacity = await capacityLadder((rate) => run('hot-capacity', rate, l.stepS, hot, true), { start: l.start, max: l.max, bisect: l.bisect });
    target.hotCapacity.stepS = l.stepS;
    ctx.log(`${target.name} single-customer consume capacity: ${target.hotCapacity.capacityPerS ?? '<' + target.hotCapacity.steps[0]?.rate}/s (best ${target.hotCapacity.bestThroughput}/s)`);
  }
  target.resolution = await resolveUnresolved(instance);
  target.invariants = await checkLedger(target, instance);
  ctx.log(
    `${target.name} ledger: ${target.invariants.ok ? 'balance = granted − 201 answers for every customer' : `${target.invariants.violationCount} customers VIOLATE balance = granted − 201 answers: ${JSON.stringify(target.invariants.violations.slice(0, 2))}`} (${target.invariants.consumed} consumptions; ${target.resolution.sent} unanswered re-sent: ${target.resolution.hadCommitted} had committed, ${target.resolution.committedNow} committed now, ${target.resolution.refused} refused, ${target.resolution.unknown} unknown)`,
  );
  return phases;
}

/**
 * `--profile --credits`: customers and a warm-up on an instance started with --cpu-prof; `measure()` then
 * runs one consumption phase over the 50 customers (the caller notes when the profile's interesting part starts).
 */
export async function prepareConsumeProfile(ctx, target, instance) {
  instance.ledger = { granted: {}, consumed: {}, unresolved: [], phases: 0 };
  const pool = await createCustomers(instance, 50, 'pool');
  await consumePhase(ctx, target, instance, { rate: 50, durationS: 3, customers: pool, label: 'warmup', light: true });
  return { measure: ({ rate, durationS }) => consumePhase(ctx, target, instance, { rate, durationS, customers: pool, label: 'profile' }) };
}

/** Phases as written to the JSON: the per-statement breakdown stays with the cost phases of the targets. */
function stripPhases(phases) {
  return phases.map((p) => (p.sql?.statementsPerConsume ? { ...p, sql: { delta: p.sql.delta, perConsume: p.sql.perConsume } } : p));
}

function costOf(phase) {
  if (!phase) return null;
  return { rate: phase.rate, cpuMsPerConsume: phase.cpuMsPerConsume, sql: phase.sql ?? null };
}

/** issue 10: SmartPay's consumption capacity ≥ 50 % of the yardstick's, per database. */
export function creditsVerdicts(targets, dbs) {
  const pairs = dbs.flatMap((db) => [
    [db, `yardstick-${db}`],
    ...(targets.some((t) => t.name === `yardstick-${db}-batched`) ? [[db, `yardstick-${db}-batched`]] : []),
  ]);
  return pairs.map(([db, yardstick]) => {
    const sp = targets.find((t) => t.name === `smartpay-${db}`)?.capacity;
    const ys = targets.find((t) => t.name === yardstick)?.capacity;
    const ratio = sp?.capacityPerS && ys?.capacityPerS ? round(sp.capacityPerS / ys.capacityPerS, 3) : null;
    // A capacity at the ladder's top is a lower bound: the ratio is then an upper bound (SmartPay's) or a lower one (the yardstick's).
    const bound = ys && ys.firstFailPerS === null ? '≤ ' : sp && sp.firstFailPerS === null ? '≥ ' : '';
    return { db, against: yardstick, smartpay: sp?.capacityPerS ?? null, yardstick: ys?.capacityPerS ?? null, ratio, bound, met: ratio === null || (bound === '≤ ' && ratio >= 0.5) || (bound === '≥ ' && ratio < 0.5) ? null : ratio >= 0.5 };
  });
}

// ---------------------------------------------------------------- Markdown

const fmt = (x) => (x === null || x === undefined ? '—' : typeof x === 'number' ? String(round(x)) : String(x));

function versus(value, reference) {
  if (value === null || value === undefined || reference === null || reference === undefined) return '—';
  const d = round(value - reference);
  return `${d >= 0 ? '+' : ''}${d} (×${round(value / reference, 2)})`;
}

function capacityText(c) {
  if (!c) return 'not measured';
  if (c.capacityPerS === null) return `< ${c.steps[0]?.rate ?? '?'}`;
  // No step failed: the ladder's top rate passed, the capacity is at least that (the load generator's limit is near).
  return c.firstFailPerS === null ? `≥ ${c.capacityPerS} (ladder top)` : String(c.capacityPerS);
}

export function creditsLatencyTable(suite) {
  const reference = (p) => (p.kind === 'yardstick' ? null : suite.phases.find((q) => q.target === `yardstick-${p.db}` && q.label === p.label && q.rate === p.rate && q.customers === p.customers));
  const saturated = (p) => p.ok < 0.99 * p.offered || p.latency.p99 === null || p.latency.p99 >= 1000;
  // A row past its capacity (p99 ≥ 1 s or < 99 % answered 201) shows its queue, not its cost.
  const note = (p, y) => (saturated(p) && saturated(y) ? ' (both saturated)' : saturated(p) ? ' (saturated)' : saturated(y) ? ' (yardstick saturated)' : '');
  const rows = suite.phases
    .filter((p) => p.label === 'latency' || p.label === 'hot' || p.label === 'smoke')
    .map((p) => {
      const y = reference(p);
      return [
        p.target,
        p.customers,
        p.rate,
        `${p.ok}/${p.offered}`,
        fmt(p.latency.p50),
        fmt(p.latency.p90),
        fmt(p.latency.p99),
        fmt(p.latency.max),
        y ? `${versus(p.latency.p50, y.latency.p50)}${note(p, y)}` : '—',
        y ? `${versus(p.latency.p99, y.latency.p99)}${note(p, y)}` : '—',
        errorSummary(p.errors),
      ];
    });
  return table(['target', 'customers', 'rate/s', '201/offered', 'p50', 'p90', 'p99', 'max', 'p50 vs yardstick', 'p99 vs yardstick', 'errors (status code ×n)'], rows);
}

export function creditsCapacityTable(suite) {
  const rows = suite.targets.map((t) => {
    const y = t.kind === 'smartpay' ? suite.targets.find((u) => u.name === `yardstick-${t.db}`) : null;
    const share = (a, b) => (a?.capacityPerS && b?.capacityPerS ? `${Math.round((100 * a.capacityPerS) / b.capacityPerS)} %` : '—');
    return [
      t.name,
      capacityText(t.capacity),
      t.capacity ? fmt(t.capacity.bestThroughput) : '—',
      y ? share(t.capacity, y.capacity) : '—',
      t.hotCapacity ? `${capacityText(t.hotCapacity)}${y ? ` (${share(t.hotCapacity, y.hotCapacity)})` : ''}` : 'not measured',
      fmt(t.costPhase?.sql?.perConsume),
      fmt(t.costPhase?.cpuMsPerConsume),
      fmt(t.costPhaseHigh?.cpuMsPerConsume),
      fmt(t.memory?.peakRssMb),
      t.invariants ? (t.invariants.ok ? `holds (${t.invariants.consumed} over ${t.invariants.customers} customers)` : `**${t.invariants.violationCount} customers violate**`) : '—',
    ];
  });
  const low = suite.plan.rates.length ? Math.min(...suite.plan.rates) : null;
  const high = suite.plan.rates.length > 1 ? Math.max(...suite.plan.rates) : null;
  return table(
    [
      'target',
      'capacity/s (p99 < 1 s, ≥ 99 % 201)',
      'best 201/s seen',
      '% of yardstick',
      'one customer: capacity/s',
      `SQL statements / consume (${low}/s)`,
      `CPU ms / consume (${low}/s)`,
      high ? `CPU ms / consume (${high}/s)` : 'CPU ms / consume',
      'peak RSS MB',
      'balance = granted − 201s',
    ],
    rows,
  );
}

export function creditsMarkdown(suite, heading = '###') {
  const plan = suite.plan;
  const ladder = suite.targets
    .filter((t) => t.capacity || t.hotCapacity)
    .flatMap((t) =>
      [
        [t.capacity, `${plan.customers} customers`],
        [t.hotCapacity, 'one customer'],
      ]
        .filter(([c]) => c)
        .map(([c, what]) => `- ${t.name} (${what}): ${c.steps.map((s) => `${s.rate}/s ${s.pass ? '✓' : '✗'} (p99 ${fmt(s.p99)} ms, ${s.ok}/${s.offered})`).join('; ')}`),
    );
  const verdictRows = suite.verdicts.map((v) => [
    `${v.db}${v.against.endsWith('-batched') ? ' (against the batched yardstick)' : ''}`,
    `${v.smartpay ?? '—'}/s vs ${v.bound === '≤ ' ? '≥ ' : ''}${v.yardstick ?? '—'}/s`,
    v.ratio === null ? '—' : `${v.bound ?? ''}${Math.round(v.ratio * 100)} %`,
    v.met === null ? (v.ratio === null ? 'not measured' : 'undecided (a capacity at the ladder top)') : v.met ? 'met' : 'missed',
  ]);
  const breakdown = suite.targets
    .filter((t) => t.costPhase?.sql?.statementsPerConsume?.length)
    .flatMap((t) => [
      '',
      `${t.name} at ${t.costPhase.rate}/s (${t.costPhase.sql.perConsume} statements per consumption, background work included):`,
      '',
      table(['per consume', 'statement (values replaced by ?)'], t.costPhase.sql.statementsPerConsume.slice(0, 14).map(([text, n]) => [n, `\`${text.replaceAll('|', '\\|').replaceAll('`', "'")}\``])),
    ]);
  const resolution = suite.targets
    .filter((t) => t.resolution?.sent)
    .map((t) => `${t.name}: ${t.resolution.sent} unanswered consumptions re-sent with their reference — ${t.resolution.hadCommitted} had committed, ${t.resolution.committedNow} committed now, ${t.resolution.refused} refused, ${t.resolution.unknown} unknown.`);
  return [
    `${heading} Credits: consumption`,
    '',
    `Open loop \`POST /v1/customers/{id}/credits/consume {credits: 1, reference}\` (unique references), spread round robin over ${plan.customers} customers` +
      `${plan.hot ? `, and over one customer at ${plan.hot.rate}/s (every consume of one customer serialises on its account row)` : ''}; ${plan.durationS} s per latency phase. ` +
      `SmartPay (production build) beside bench/credits-yardstick.mjs, the same debit in plain SQL; no gateway is involved, so latencies are absolute and compared with the yardstick's (difference in ms and ratio).`,
    '',
    creditsLatencyTable(suite),
    '',
    creditsCapacityTable(suite),
    '',
    table(['database', 'consume capacity, SmartPay vs yardstick', 'ratio', 'target ≥ 50 % (issue 10)'], verdictRows),
    '',
    ladder.length ? `Capacity ladders${plan.ladder?.fromLatency ? ` (${plan.ladder.stepS} s steps; the latency phases are the first steps)` : plan.ladder ? ` (${plan.ladder.stepS} s steps)` : ''}:` : '',
    '',
    ...ladder,
    ...(resolution.length ? ['', ...resolution] : []),
    ...breakdown,
    '',
  ].join('\n');
}
