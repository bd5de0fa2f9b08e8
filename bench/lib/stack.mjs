// Starting the processes under test: the gateway sandbox, SmartPay (production build), the yardstick and the
// round-robin proxy. Every one is a separate process on 127.0.0.1.
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNode, waitFor, jsonFromStdout, httpReady, runNode } from './procs.mjs';

export const BENCH_DIR = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

/** A random alphanumeric string (API keys). */
export function alnum(length) {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (b) => chars[b % chars.length]).join('');
}

/** A free loopback port (tiny race between closing and reuse; fine on a bench machine). */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The standalone gateway sandbox; culqi { url, publicKey, secretKey } and the control URL. */
export async function startSandbox(ctx, { latencyMs, name = 'sandbox' }) {
  const child = startNode(name, [join(ctx.dist, 'sandbox/main.js')], {
    cwd: ctx.workDir,
    logDir: ctx.workDir,
    env: {
      SANDBOX_HOST: '127.0.0.1',
      SANDBOX_CONTROL_PORT: '0',
      SANDBOX_LATENCY_MS: String(latencyMs),
      SANDBOX_CULQI_PUBLIC_KEY: `pk_test_${alnum(24)}`,
      SANDBOX_CULQI_SECRET_KEY: `sk_test_${alnum(24)}`,
      // The SUNAT stand-in's XSD check (about 0.3 s of CPU a document) is SUNAT's work, not SmartPay's: off, so it
      // does not take the cores SmartPay is measured on when `--invoicing` has SmartPay invoice every paid order.
      SANDBOX_SUNAT_SCHEMA_VALIDATION: 'off',
    },
  });
  const description = await waitFor(child, 'sandbox description', jsonFromStdout(child), 20_000);
  ctx.memory.watch(name, child.pid);
  return {
    name,
    child,
    description,
    latencyMs,
    control: description.control_url,
    culqi: { url: description.culqi.base_url, publicKey: description.culqi.public_key, secretKey: description.culqi.secret_key },
  };
}

/** Sets (or clears, with null) a fault on the sandbox's Culqi simulator. */
export async function setCulqiFault(sandbox, fault) {
  const res = await fetch(`${sandbox.control}/culqi/_faults`, {
    method: fault ? 'POST' : 'DELETE',
    headers: { 'content-type': 'application/json' },
    body: fault ? JSON.stringify(fault) : undefined,
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`sandbox fault ${JSON.stringify(fault)} refused: ${JSON.stringify(body)}`);
  return body;
}

/** Charges the sandbox's Culqi holds with this amount (cheap: Culqi's own list with limit=1). */
export async function culqiChargeCount(sandbox, amount) {
  const url = `${sandbox.culqi.url}/charges?limit=1${amount === undefined ? '' : `&amount=${amount}`}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${sandbox.culqi.secretKey}` } });
  const body = await res.json();
  if (!res.ok) throw new Error(`culqi charge list answered ${res.status}`);
  return body.data.length + (body.paging?.remaining_items ?? 0);
}

function smartpayEnv(sandbox, { databaseUrl, port, apiKey, logFile, extra = {} }) {
  const d = sandbox.description;
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    SMARTPAY_SANDBOX: 'off',
    SMARTPAY_BOOTSTRAP_API_KEY: apiKey,
    // Production requires it (webhook secrets are encrypted at rest); a fixed one suits a benchmark.
    SMARTPAY_ENCRYPTION_KEY: '00'.repeat(32),
    LOG_LEVEL: 'info',
    LOG_FILE: logFile,
    CULQI_SECRET_KEY: d.culqi.secret_key,
    CULQI_PUBLIC_KEY: d.culqi.public_key,
    CULQI_API_URL: d.culqi.base_url,
    CULQI_SECURE_URL: d.culqi.secure_url,
    MERCADOPAGO_ACCESS_TOKEN: d.mercadopago.access_token,
    MERCADOPAGO_PUBLIC_KEY: d.mercadopago.public_key,
    MERCADOPAGO_API_URL: d.mercadopago.base_url,
    MERCADOPAGO_WEBHOOK_SECRET: d.mercadopago.webhook_secret,
    // One key sends hundreds of requests a second here: the limiter runs on every /v1 request (its cost is
    // measured) but never answers 429.
    SMARTPAY_RATE_LIMIT_API: '1000000/1s',
    ...extra,
  };
}

/**
 * `--invoicing`: SmartPay invoices every paid order as production would (SUNAT_ISSUERS with a PEM certificate made
 * here, submitting to the sandbox's SUNAT stand-in): numbering, UBL, signing, the submission job and the receipt's
 * PDF all run beside the payments. Without it the bench (SMARTPAY_SANDBOX=off, no issuers) measures the payment
 * path alone.
 */
export function invoicingEnv(ctx, sandbox) {
  const require = createRequire(import.meta.url);
  const { generateDemoCredentials } = require(join(ctx.dist, 'invoices/ubl/signing-credentials.js'));
  const signing = generateDemoCredentials({ ruc: '20000000001', legalName: 'SMARTPAY BENCH S.A.C.', validDays: 30 });
  const pemFile = join(ctx.workDir, 'cpe.pem');
  writeFileSync(pemFile, `${signing.privateKeyPem}\n${signing.certificatePem}`);
  const sunat = sandbox.description.sunat;
  return {
    SUNAT_ISSUERS: JSON.stringify([
      {
        app: '*',
        ruc: '20000000001',
        legal_name: 'SMARTPAY BENCH S.A.C.',
        address: { line: 'AV. JAVIER PRADO ESTE 123', district: 'SAN ISIDRO', province: 'LIMA', department: 'LIMA', ubigeo: '150131' },
        certificate: { pem_file: pemFile },
        sol_user: 'MODDATOS',
        sol_password: 'moddatos',
        bill_service_url: sunat.bill_service_url ?? `${sunat.base_url}/ol-ti-itcpfegem-beta/billService`,
      },
    ]),
  };
}

/** Any `smartpay` CLI command against the stack's database (e.g. `reports:rollup`). */
export async function smartpayCli(ctx, sandbox, databaseUrl, args) {
  const env = smartpayEnv(sandbox, { databaseUrl, port: 0, apiKey: ctx.apiKey, logFile: join(ctx.workDir, 'cli.log') });
  await runNode([join(ctx.dist, 'cli/main.js'), ...args], { cwd: ctx.workDir, env });
}

/** `smartpay migrate` for a fresh database (production never migrates on its own). */
export async function migrateSmartPay(ctx, sandbox, databaseUrl) {
  const env = smartpayEnv(sandbox, { databaseUrl, port: 0, apiKey: ctx.apiKey, logFile: join(ctx.workDir, 'migrate.log') });
  await runNode([join(ctx.dist, 'cli/main.js'), 'migrate'], { cwd: ctx.workDir, env });
}

/**
 * One SmartPay instance from the production build. `countSql` preloads bench/sql-counter.cjs (statement
 * counters, read with sqlCounts()); `nodeArgs` e.g. ['--cpu-prof', ...].
 */
export async function startSmartPay(ctx, sandbox, { name, databaseUrl, extraEnv = {}, nodeArgs = [], countSql = true }) {
  const port = await freePort();
  const logFile = join(ctx.workDir, `${name}.log`);
  const countFile = join(ctx.workDir, `${name}.sqlcount.json`);
  const env = smartpayEnv(sandbox, { databaseUrl, port, apiKey: ctx.apiKey, logFile, extra: { ...extraEnv, BENCH_SQL_COUNT_FILE: countFile } });
  const preload = countSql ? ['-r', join(BENCH_DIR, 'sql-counter.cjs')] : [];
  const child = startNode(name, [...preload, join(ctx.dist, 'main.js')], { cwd: ctx.workDir, logDir: ctx.workDir, env, nodeArgs });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(child, 'GET /health/ready', httpReady(`${url}/health/ready`), 60_000);
  ctx.memory.watch(name, child.pid);
  return { name, child, url, databaseUrl, logFile, countFile, countSql, apiKey: ctx.apiKey };
}

/** The statement counters of a SmartPay started with countSql (null otherwise). */
export async function sqlCounts(instance) {
  if (!instance.countSql || !instance.child.alive) return null;
  const before = existsSync(instance.countFile) ? readFileSync(instance.countFile, 'utf8') : '';
  instance.child.proc.kill('SIGUSR2');
  for (let i = 0; i < 50; i++) {
    await sleep(20);
    if (existsSync(instance.countFile)) {
      const text = readFileSync(instance.countFile, 'utf8');
      if (text && text !== before) {
        try {
          const parsed = JSON.parse(text);
          return { ...parsed.counts, bySql: parsed.bySql ?? {} };
        } catch {
          // half-written; read again
        }
      }
    }
  }
  return null;
}

export async function startYardstick(ctx, sandbox, { name, databaseUrl }) {
  const child = startNode(name, [join(BENCH_DIR, 'yardstick.mjs')], {
    cwd: ctx.workDir,
    logDir: ctx.workDir,
    env: { YARDSTICK_DB: databaseUrl, YARDSTICK_API_KEY: ctx.apiKey, CULQI_API_URL: sandbox.culqi.url, CULQI_SECRET_KEY: sandbox.culqi.secretKey, YARDSTICK_PORT: '0' },
  });
  const { port } = await waitFor(child, 'yardstick port', jsonFromStdout(child), 20_000);
  ctx.memory.watch(name, child.pid);
  return { name, child, url: `http://127.0.0.1:${port}`, databaseUrl, apiKey: ctx.apiKey };
}

/** bench/credits-yardstick.mjs: the plain-SQL reference for credit consumption (no gateway). */
export async function startCreditsYardstick(ctx, { name, databaseUrl, groupCommit = false, batch = false }) {
  const child = startNode(name, [join(BENCH_DIR, 'credits-yardstick.mjs')], {
    cwd: ctx.workDir,
    logDir: ctx.workDir,
    env: { YARDSTICK_DB: databaseUrl, YARDSTICK_API_KEY: ctx.apiKey, YARDSTICK_PORT: '0', YARDSTICK_GROUP_COMMIT: groupCommit ? '1' : '0', YARDSTICK_BATCH: batch ? '1' : '0' },
  });
  const { port } = await waitFor(child, 'credits yardstick port', jsonFromStdout(child), 20_000);
  ctx.memory.watch(name, child.pid);
  return { name, child, url: `http://127.0.0.1:${port}`, databaseUrl, apiKey: ctx.apiKey };
}

export async function yardstickStats(instance) {
  const res = await fetch(`${instance.url}/_stats`);
  return res.json();
}

export async function startProxy(ctx, upstreamUrls, { name = 'proxy' } = {}) {
  const upstreams = upstreamUrls.map((u) => new URL(u).host).join(',');
  const child = startNode(name, [join(BENCH_DIR, 'proxy.mjs')], { cwd: ctx.workDir, logDir: ctx.workDir, env: { PROXY_UPSTREAMS: upstreams, PROXY_PORT: '0' } });
  const { port } = await waitFor(child, 'proxy port', jsonFromStdout(child), 20_000);
  ctx.memory.watch(name, child.pid);
  return { name, child, url: `http://127.0.0.1:${port}`, apiKey: ctx.apiKey };
}

/** Stops a started process and returns its peak memory. */
export async function stopInstance(ctx, instance) {
  const peak = ctx.memory.unwatch(instance.name);
  await instance.child.stop();
  return peak;
}
