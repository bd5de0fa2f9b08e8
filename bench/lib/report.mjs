// Markdown tables for the results of a run (printed and written to bench/results/latest*.md).
import { minus, round } from './stats.mjs';

const fmt = (x) => (x === null || x === undefined ? '—' : typeof x === 'number' ? String(round(x)) : String(x));
const signed = (x) => (x === null || x === undefined ? '—' : `${x >= 0 ? '+' : ''}${round(x)}`);

export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** "charge 201 failed:gateway_error ×3, unfinished ×10" (largest first, at most `max`). */
export function errorSummary(errors, max = 4) {
  const entries = Object.entries(errors ?? {}).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return '0';
  const shown = entries.slice(0, max).map(([k, n]) => `${k} ×${n}`);
  if (entries.length > max) shown.push(`+${entries.length - max} more`);
  return shown.join(', ');
}

export function machineSection(machine) {
  return [
    `Machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memGb} GiB RAM, Node ${machine.node}, ${machine.os}.`,
    `Load average at start ${machine.loadStart}, at end ${machine.loadEnd}; CPU pressure (PSI some avg60) at start ${machine.cpuPressureStart ?? '—'}%, at end ${machine.cpuPressureEnd ?? '—'}%.`,
    machine.note ? `Note: ${machine.note}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function baselineFor(phases, phase) {
  return phases.find((p) => p.target === 'baseline' && p.rate === phase.rate && p.gatewayLatencyMs === phase.gatewayLatencyMs);
}

/** Latency table of the open-loop phases (successful payments, ms from each payment's due time). */
export function latencyTable(phases) {
  const rows = phases.map((p) => {
    const base = p.target === 'baseline' ? null : baselineFor(phases, p);
    return [
      p.target,
      `${p.gatewayLatencyMs} ms`,
      p.rate,
      `${p.ok}/${p.offered}`,
      fmt(p.latency.p50),
      fmt(p.latency.p90),
      fmt(p.latency.p99),
      fmt(p.latency.max),
      base ? signed(minus(p.latency.p50, base.latency.p50)) : '—',
      base ? signed(minus(p.latency.p99, base.latency.p99)) : '—',
      errorSummary(p.errors),
    ];
  });
  return table(['target', 'gateway', 'rate/s', 'paid/offered', 'p50', 'p90', 'p99', 'max', 'p50 added', 'p99 added', 'errors (status code ×n)'], rows);
}

/** Capacity and cost per payment, one row per server target. */
export function resourceTable(targets) {
  const rows = targets
    .filter((t) => t.kind !== 'baseline')
    .map((t) => {
      const c = t.costPhase ?? {};
      const sql = c.sql?.perPayment ?? null;
      return [
        t.name,
        t.capacity ? (t.capacity.capacityPerS === null ? `< ${t.capacity.steps[0]?.rate ?? '?'}` : t.capacity.capacityPerS) : 'not measured',
        t.capacity ? fmt(t.capacity.bestThroughput) : '—',
        sql === null ? '—' : fmt(sql),
        fmt(c.gateway?.chargesPerPayment),
        fmt(c.gateway?.callLogPerPayment),
        fmt(c.cpuMsPerPayment),
        fmt(t.memory?.peakRssMb),
      ];
    });
  return table(
    ['target', 'capacity/s (p99 < 1 s)', 'best paid/s seen', 'SQL statements / payment', 'gateway charges / payment', 'gateway HTTP calls / payment (call log)', 'CPU ms / payment', 'peak RSS MB'],
    rows,
  );
}

/** The design.md targets, per database, from the phases at 200/s and 50 ms and the capacity ladders. */
export function targetsTable(run) {
  const rows = [];
  const at = (name, rate) => run.phases.find((p) => p.target === name && p.rate === rate && p.gatewayLatencyMs === 50);
  const dbs = ['sqlite', 'mariadb'].filter((db) => run.targets.some((t) => t.name === `smartpay-${db}`));
  const verdicts = [];
  const checkRate = run.phases.some((p) => p.rate === 200) ? 200 : Math.max(...run.phases.map((p) => p.rate));
  for (const db of dbs) {
    const base = at('baseline', checkRate);
    const sp = at(`smartpay-${db}`, checkRate);
    const ys = at(`yardstick-${db}`, checkRate);
    const spAdded50 = base && sp ? minus(sp.latency.p50, base.latency.p50) : null;
    const spAdded99 = base && sp ? minus(sp.latency.p99, base.latency.p99) : null;
    const ysAdded99 = base && ys ? minus(ys.latency.p99, base.latency.p99) : null;
    const saturated = (p) => p && p.ok < 0.99 * p.offered;
    const p50Met = spAdded50 !== null && !saturated(sp) && spAdded50 <= 5;
    rows.push([
      `p50 added ≤ 5 ms at ${checkRate}/s (${db})`,
      spAdded50 === null ? 'not measured' : `${signed(spAdded50)} ms${saturated(sp) ? ` (only ${sp.ok}/${sp.offered} paid)` : ''}`,
      spAdded50 === null ? '—' : p50Met ? 'met' : `missed by ${round(spAdded50 - 5)} ms`,
    ]);
    const limit = ysAdded99 === null ? null : 2 * Math.max(ysAdded99, 0);
    const p99Met = spAdded99 !== null && limit !== null && !saturated(sp) && spAdded99 <= limit;
    rows.push([
      `p99 added ≤ 2 × yardstick's at ${checkRate}/s (${db})`,
      spAdded99 === null || ysAdded99 === null ? 'not measured' : `SmartPay ${signed(spAdded99)} ms vs yardstick ${signed(ysAdded99)} ms (limit ${round(limit)} ms)${saturated(sp) ? ' — SmartPay saturated' : ''}${saturated(ys) ? ' — yardstick saturated' : ''}`,
      spAdded99 === null || limit === null ? '—' : p99Met ? 'met' : `missed by ${round(spAdded99 - limit)} ms`,
    ]);
    const cap = run.targets.find((t) => t.name === `smartpay-${db}`)?.capacity;
    const ycap = run.targets.find((t) => t.name === `yardstick-${db}`)?.capacity;
    rows.push([
      `capacity ≥ 500 paid orders/s (${db})`,
      cap ? `${cap.capacityPerS ?? `< ${cap.steps[0]?.rate}`}/s (yardstick: ${ycap?.capacityPerS ?? '—'}/s)` : 'not measured',
      cap ? ((cap.capacityPerS ?? 0) >= 500 ? 'met' : `missed by ${500 - (cap.capacityPerS ?? 0)}/s`) : '—',
    ]);
    verdicts.push({ db, spAdded50, spAdded99, ysAdded99, p50Met, p99Met, capacity: cap?.capacityPerS ?? null });
  }
  return { markdown: table(['target (design.md)', 'measured', 'verdict'], rows), verdicts };
}

/** What SmartPay's statements per payment are made of (from the cost phase). */
export function statementBreakdown(targets) {
  const out = [];
  for (const t of targets) {
    const list = t.costPhase?.sql?.statementsPerPayment;
    if (!list?.length) continue;
    out.push(`${t.name} (${t.costPhase.sql.perPayment} per payment):`, '');
    out.push(table(['per payment', 'statement (values replaced by ?)'], list.slice(0, 20).map(([text, n]) => [n, `\`${text.replaceAll('|', '\\|').replaceAll('`', "'")}\``])));
    out.push('');
  }
  return out.join('\n');
}

export function capacityDetail(targets) {
  const lines = [];
  for (const t of targets) {
    if (!t.capacity) continue;
    const steps = t.capacity.steps.map((s) => `${s.rate}/s ${s.pass ? '✓' : '✗'} (p99 ${fmt(s.p99)} ms, ${s.ok}/${s.offered} paid)`).join('; ');
    lines.push(`- ${t.name}: ${steps}`);
  }
  return lines.join('\n');
}

export function matrixMarkdown(run) {
  const targets = targetsTable(run);
  return [
    `## SmartPay benchmark — ${run.startedAt} (${run.mode})`,
    '',
    machineSection(run.machine),
    '',
    `Gateway: standalone sandbox process, Culqi simulator, ${run.settings.gatewayLatencies.join(' / ')} ms added latency. Phases: ${run.settings.rates.join(', ')} payments/s × ${run.settings.durationS} s, open loop. A payment = create order + charge (baseline: the gateway charge alone).${run.settings.invoicing ? ' SmartPay invoices every paid order (`--invoicing`: boleta numbered, built, signed, submitted to the sandbox SUNAT, receipt PDF rendered) — beside the payments, in the same process.' : ''}`,
    '',
    '### Latency (ms from each payment’s due time; successful payments only)',
    '',
    latencyTable(run.phases),
    '',
    '### Capacity and cost per payment',
    '',
    resourceTable(run.targets),
    '',
    `Costs per payment are from the ${run.settings.costRate}/s phase at 50 ms. Capacity ladders (${run.settings.stepS} s steps):`,
    '',
    capacityDetail(run.targets),
    '',
    '### SQL statements per payment, by statement',
    '',
    statementBreakdown(run.targets),
    '### design.md targets',
    '',
    targets.markdown,
    '',
  ].join('\n');
}

export function scaleOutMarkdown(run) {
  const rows = run.ladders.map((l) => [l.label, l.capacity.capacityPerS ?? `< ${l.capacity.steps[0]?.rate}`, fmt(l.capacity.bestThroughput), l.capacity.steps.map((s) => `${s.rate}${s.pass ? '✓' : '✗'}`).join(' ')]);
  const inv = run.invariants;
  return [
    `## SmartPay scale-out — ${run.startedAt}`,
    '',
    machineSection(run.machine),
    '',
    `Two SmartPay instances (production build) behind bench/proxy.mjs (round robin), one MariaDB database, gateway sandbox at ${run.settings.gatewayLatencyMs} ms; ${run.settings.stepS} s steps. Six processes (2 × SmartPay, proxy, sandbox, load generator, MariaDB) share ${run.machine.nproc} cores: the figure is reported, not judged.`,
    '',
    table(['setup', 'capacity/s (p99 < 1 s)', 'best paid/s seen', 'steps'], rows),
    '',
    '### Invariants',
    '',
    invariantsMarkdown(inv),
    '',
    `Proxy: ${JSON.stringify(run.proxy)}`,
    '',
  ].join('\n');
}

export function invariantsMarkdown(inv) {
  if (!inv) return 'not checked';
  const rows = Object.entries(inv.violations).map(([k, n]) => [k.replaceAll('_', ' '), n, inv.examples[k]?.join(', ') ?? '']);
  return [
    `${inv.ok ? '**All invariants hold.**' : '**INVARIANT VIOLATIONS.**'} Gateway charges carrying a SmartPay charge id: ${inv.gatewayCharges} (approved ${inv.gatewayApproved}); SmartPay charges ${inv.smartpayCharges} ${JSON.stringify(inv.smartpayChargesByStatus)}; orders ${inv.orders} ${JSON.stringify(inv.ordersByStatus)}; 201 succeeded answers checked: ${inv.succeededResponses}.`,
    '',
    table(['check', 'violations', 'examples'], rows),
    '',
    `Jobs: ${inv.jobs.length ? inv.jobs.map((j) => `${j.type}/${j.status} ×${j.count}${j.retried ? ` (${j.retried} ran more than once)` : ''}`).join(', ') : 'none'}.`,
  ].join('\n');
}

export function soakMarkdown(run) {
  const rows = run.windows.map((w) => [
    w.startS,
    w.offered,
    w.ok,
    fmt(w.latency.p50),
    fmt(w.latency.p99),
    fmt(w.latency.max),
    fmt(w.rssMb),
    errorSummary(w.errors, 3),
    w.faults.join(', '),
  ]);
  return [
    `## SmartPay soak — ${run.startedAt} (${run.settings.durationS} s at ${run.settings.rate}/s, ${run.settings.db})`,
    '',
    machineSection(run.machine),
    '',
    `Faults injected every ${run.settings.faultEveryS} s on the Culqi simulator (they hit whichever calls come next, the load generator's token requests included). SmartPay settings: ${JSON.stringify(run.settings.smartpayEnv)}.`,
    '',
    `Errors by code over the whole run: ${errorSummary(run.total.errors, 20)}. Paid ${run.total.ok}/${run.total.offered}; p50 ${fmt(run.total.latency.p50)} ms, p99 ${fmt(run.total.latency.p99)} ms, max ${fmt(run.total.latency.max)} ms.`,
    `SmartPay RSS: first window ${fmt(run.memory.firstMb)} MB, last ${fmt(run.memory.lastMb)} MB, peak ${fmt(run.memory.peakMb)} MB, trend over the second half ${fmt(run.memory.slopeMbPerMin)} MB/min. CPU ${fmt(run.cpuMsPerPayment)} ms per paid order.`,
    '',
    table(['t (s)', 'offered', 'paid', 'p50', 'p99', 'max', 'RSS MB', 'errors', 'fault'], rows),
    '',
    '### Invariants (after reconciliation settled)',
    '',
    `Unresolved charges at the end: ${JSON.stringify(run.unresolved)} (waited ${run.reconcileWaitS} s).${run.unresolvedDetails?.length ? ` Details: ${JSON.stringify(run.unresolvedDetails)}` : ''}`,
    '',
    invariantsMarkdown(run.invariants),
    '',
  ].join('\n');
}
