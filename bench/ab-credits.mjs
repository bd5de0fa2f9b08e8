// `node bench/ab-credits.mjs <distA> <distB>` — CPU per credit consumption of two SmartPay builds, measured
// interleaved: both run side by side (production build, each on its own fresh MariaDB database), and short
// open-loop slices of consumptions alternate between them A B, B A, A B… This machine drifts by a quarter
// within the hour, so two whole bench runs minutes apart cannot show a 10 % change; slices seconds apart
// share the drift. Prints each slice and the median of the per-round ratios B/A.
//
//   node bench/ab-credits.mjs /tmp/before/dist dist               8 rounds of 400/s × 6 s slices
//   node bench/ab-credits.mjs A B --rounds 12 --rate 300 --slice 5
//   AB_NODE_ARGS_B='--max-semi-space-size=32' node bench/ab-credits.mjs dist dist   a Node flag on B only
//
// Build the other commit with `git archive <commit> | tar -x -C /tmp/before`, link node_modules into it and run
// `node scripts/build.mjs` there. CPU is utime + stime of the server process over its slice, per 201.
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LoadGenerator } from './lib/load-client.mjs';
import { MemorySampler, cpuMs, settle } from './lib/proc-stats.mjs';
import { killAllSync } from './lib/procs.mjs';
import { BENCH_DIR, alnum, migrateSmartPay, startSandbox, startSmartPay } from './lib/stack.mjs';
import { createMysqlDatabase, dropMysqlDatabase } from './lib/databases.mjs';

function parseArgs(argv) {
  const args = { dists: [], rounds: 8, rate: 400, sliceS: 6, customers: 50 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rounds') args.rounds = Number(argv[++i]);
    else if (a === '--rate') args.rate = Number(argv[++i]);
    else if (a === '--slice') args.sliceS = Number(argv[++i]);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a} (see the header of bench/ab-credits.mjs)`);
    else args.dists.push(resolve(a));
  }
  if (args.dists.length !== 2) throw new Error('usage: node bench/ab-credits.mjs <distA> <distB> [--rounds 8] [--rate 400] [--slice 6]');
  return args;
}

/** AB_NODE_ARGS_A / AB_NODE_ARGS_B: Node flags for one build's process (e.g. a V8 heap setting tried on B only). */
const nodeArgsOf = (label) => (process.env[`AB_NODE_ARGS_${label}`] ?? '').split(' ').filter(Boolean);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const log = (m) => process.stderr.write(`[ab ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

async function api(instance, path, body) {
  const res = await fetch(`${instance.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${instance.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`${instance.name}: POST ${path} answered ${res.status}`);
  return res.json();
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const workDir = mkdtempSync(join(tmpdir(), 'smartpay-ab-'));
  symlinkSync(join(BENCH_DIR, '..', 'node_modules'), join(workDir, 'node_modules'), 'dir');
  const ctx = { workDir, dist: '', apiKey: `sk_test_${alnum(40)}`, log, memory: new MemorySampler(500) };
  const databases = [];
  try {
    // A private copy per build, as run.mjs makes: a rebuild cannot pull it from under the instance.
    const copies = ['A', 'B'].map((label, i) => {
      const copy = join(workDir, `dist-${label}`);
      cpSync(args.dists[i], copy, { recursive: true });
      return copy;
    });
    ctx.dist = copies[0]; // the gateway sandbox (idle here: consumptions call no gateway)
    const sandbox = await startSandbox(ctx, { latencyMs: 0 });
    const targets = [];
    for (const [i, label] of ['A', 'B'].entries()) {
      const dist = args.dists[i];
      ctx.dist = copies[i];
      const database = `smartpay_ab_${process.pid}_${label}`;
      databases.push(database);
      const databaseUrl = await createMysqlDatabase(database);
      await migrateSmartPay(ctx, sandbox, databaseUrl);
      const instance = await startSmartPay(ctx, sandbox, { name: `smartpay-${label}`, databaseUrl, countSql: false, nodeArgs: nodeArgsOf(label) });
      const customers = [];
      for (let i = 0; i < args.customers; i++) {
        const customer = await api(instance, '/v1/customers', { email: `ab-${i}@example.com` });
        await api(instance, `/v1/customers/${customer.id}/credits/grants`, { credits: 1_000_000, reason: 'bench' });
        customers.push(customer.id);
      }
      targets.push({ label, dist, instance, customers, slices: [] });
    }
    const load = new LoadGenerator(ctx);
    let phase = 0;
    const slice = async (target, rate, durationS) => {
      const pid = target.instance.child.pid;
      const before = cpuMs(pid);
      const result = await load.phase({
        workload: 'consume',
        target: { url: target.instance.url, apiKey: target.instance.apiKey },
        customers: target.customers,
        credits: 1,
        referencePrefix: `ab-${target.label}-${phase++}`,
        rate,
        durationS,
        drainTimeoutS: 15,
      });
      const cpu = (cpuMs(pid) - before) / Math.max(1, result.ok);
      await settle(pid);
      return { cpu, ok: result.ok, offered: result.offered, p50: result.latency.p50, p99: result.latency.p99 };
    };
    log('warm-up: 100/s then the slice rate, 5 s each, per build');
    for (const target of targets) {
      await slice(target, 100, 5);
      await slice(target, args.rate, 5);
    }
    for (let round = 0; round < args.rounds; round++) {
      for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
        const s = await slice(target, args.rate, args.sliceS);
        target.slices.push(s);
        log(`round ${round} ${target.label}: ${s.cpu.toFixed(3)} ms CPU/consume, 201 ${s.ok}/${s.offered}, p50 ${s.p50} ms, p99 ${s.p99} ms`);
      }
    }
    await load.stop();
    const [a, b] = targets;
    const ratios = a.slices.map((s, i) => b.slices[i].cpu / s.cpu);
    console.log(`A = ${a.dist}\nB = ${b.dist}`);
    console.log(`${args.rounds} rounds of ${args.rate}/s × ${args.sliceS} s: CPU ms/consume median A ${median(a.slices.map((s) => s.cpu)).toFixed(3)}, B ${median(b.slices.map((s) => s.cpu)).toFixed(3)}`);
    console.log(`B/A per round: ${ratios.map((r) => r.toFixed(3)).join(' ')}; median ${median(ratios).toFixed(3)}`);
  } finally {
    ctx.memory.stop();
    killAllSync('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    killAllSync('SIGKILL');
    for (const database of databases) await dropMysqlDatabase(database).catch(() => {});
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
