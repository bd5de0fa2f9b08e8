// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per package, idle excluded
// from the percentages. Usage: node bench/profile-summary.mjs <file.cpuprofile> [top] [skip-ms]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Where a frame's code lives: a package, SmartPay's own build, Node's internals, or V8 pseudo-frames. */
function areaOf(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/([^/]+)\//.exec(url);
  if (own) return `smartpay:${own[1]}`;
  if (url.startsWith('node:')) return 'node:internal';
  return url.split('/').slice(-2).join('/');
}

function shortUrl(url) {
  if (!url) return '';
  const pkg = /node_modules\/(.*)$/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/(dist\/.*)$/.exec(url);
  if (own) return own[1];
  return url.replace(/^file:\/\//, '');
}

/** `skipMs`: ignore the first milliseconds of the profile (start-up, warm-up). */
export function summariseProfile(file, top = 25, skipMs = 0) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  // timeDeltas[i] is the time before samples[i]; attribute each interval to the sample that ends it.
  let clock = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    clock += profile.timeDeltas[i] ?? 0;
    if (clock < skipMs * 1000) continue;
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const functions = new Map();
  const areas = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, micros] of self) {
    const node = byId.get(id);
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    total += micros;
    if (name === '(idle)') {
      idle += micros;
      continue;
    }
    const key = `${name} ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(key, (functions.get(key) ?? 0) + micros);
    const area = areaOf(url, name);
    areas.set(area, (areas.get(area) ?? 0) + micros);
  }
  const busy = total - idle;

  // Inclusive time of SmartPay's own functions (dist/): the sample's whole stack, each function once.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ownKey = new Map();
  for (const n of profile.nodes) {
    const { functionName, url, lineNumber } = n.callFrame;
    if (url && /\/dist\//.test(url) && !/node_modules/.test(url)) ownKey.set(n.id, `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`);
  }
  const inclusive = new Map();
  for (const [id, micros] of self) {
    const keys = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = ownKey.get(at);
      if (key) keys.add(key);
    }
    for (const key of keys) inclusive.set(key, (inclusive.get(key) ?? 0) + micros);
  }
  const ranked = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({ name, ms: Math.round(micros / 1000), pct: Math.round((micros / busy) * 1000) / 10 }));
  return {
    totalMs: Math.round(total / 1000),
    idleMs: Math.round(idle / 1000),
    busyMs: Math.round(busy / 1000),
    functions: ranked(functions),
    areas: ranked(areas),
    ownInclusive: ranked(inclusive),
  };
}

export function profileMarkdown(summary) {
  const rows = (list) => list.map((f, i) => `| ${i + 1} | \`${f.name.replaceAll('|', '\\|')}\` | ${f.ms} | ${f.pct}% |`).join('\n');
  return [
    `Sampled ${summary.totalMs} ms, of which ${summary.idleMs} ms idle; percentages are of the ${summary.busyMs} ms busy.`,
    '',
    'Top self time by function:',
    '',
    '| # | function (file:line) | self ms | % busy |',
    '| --- | --- | --- | --- |',
    rows(summary.functions),
    '',
    'Self time by package / area:',
    '',
    '| # | area | self ms | % busy |',
    '| --- | --- | --- | --- |',
    rows(summary.areas),
    '',
    'Inclusive time of SmartPay’s own functions (everything they call, libraries included):',
    '',
    '| # | function (file:line) | inclusive ms | % busy |',
    '| --- | --- | --- | --- |',
    rows(summary.ownInclusive ?? []),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node bench/profile-summary.mjs <file.cpuprofile> [top] [skip-ms]\n');
    process.exit(1);
  }
  process.stdout.write(`${profileMarkdown(summariseProfile(file, Number(process.argv[3] ?? 25), Number(process.argv[4] ?? 0)))}\n`);
}
