// The load generator: its own process (forked by run.mjs, driven over the IPC channel), open-loop.
//
// A phase sends payments at a fixed rate: payment i is due at t0 + i/rate whatever happened to the earlier
// ones, and its latency is counted from that due time to the end of its last response. A server that
// falls behind therefore shows its queue in the numbers instead of slowing the generator down
// (no coordinated omission). One payment is:
//   smartpay / yardstick: POST /v1/orders, then POST /v1/orders/{id}/charges with a Culqi card token;
//   baseline:            POST <culqi>/v2/charges with the token (what an app does without SmartPay).
// A consumption phase (`workload: 'consume'`, the credits suite) sends POST /v1/customers/{id}/credits/consume
// instead, one request per consumption, spread over a pool of customers (runConsumePhase).
// Card tokens are single use and cost a gateway round trip, so they are made before the timed span
// (`tokens: 'pool'`) or, for long runs, by a background feeder that keeps a few seconds' worth ready
// (`tokens: 'stream'`; a payment that ever has to wait for a token is counted as `token_starved`).
import { Pool } from 'undici';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { summarise } from './lib/stats.mjs';

const EMAIL = 'bench@example.com';
const TEST_CARD = { card_number: '4111111111111111', cvv: '123', expiration_month: '09', expiration_year: '2030', email: EMAIL };
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const pools = new Map();

/** One keep-alive connection pool per origin; only loopback origins are ever contacted. */
function poolFor(origin) {
  let pool = pools.get(origin);
  if (!pool) {
    const host = new URL(origin).hostname;
    if (!LOOPBACK.has(host)) throw new Error(`refusing to send load to ${origin}: only loopback addresses are allowed`);
    pool = new Pool(origin, {
      connections: 256,
      pipelining: 1,
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
      keepAliveTimeout: 4_000,
      connect: { timeout: 10_000 },
    });
    pools.set(origin, pool);
  }
  return pool;
}

/** `http://127.0.0.1:1234/v2` → { origin, base: '/v2' }. */
function split(url) {
  const u = new URL(url);
  return { origin: u.origin, base: u.pathname.replace(/\/$/, '') };
}

async function post(origin, path, headers, payload, signal) {
  const { statusCode, body } = await poolFor(origin).request({
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
    signal,
  });
  const text = await body.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // a non-JSON body is reported by status only
  }
  return { status: statusCode, json };
}

function errorKey(step, res) {
  const code = res.json?.code ?? res.json?.type ?? '';
  return `${step} ${res.status}${code ? ` ${code}` : ''}`;
}

function networkKey(step, err) {
  return `${step} ${err?.code ?? err?.name ?? 'error'}`;
}

// ---------------------------------------------------------------- card tokens

async function createToken(culqi) {
  const { origin, base } = split(culqi.url);
  let last;
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      const res = await post(origin, `${base}/tokens`, { authorization: `Bearer ${culqi.publicKey}` }, TEST_CARD);
      if (res.status === 201 && res.json?.id) return res.json.id;
      last = new Error(`token creation answered ${res.status}`);
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

async function tokenPool(culqi, count, concurrency = 96) {
  const tokens = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      tokens[i] = await createToken(culqi);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return tokens;
}

/** Keeps `buffer` tokens ready during a long phase; `take()` waits only when the feeder fell behind. */
class TokenFeeder {
  constructor(culqi, buffer) {
    this.culqi = culqi;
    this.buffer = buffer;
    this.ready = [];
    this.waiters = [];
    this.inFlight = 0;
    this.stopped = false;
    this.starved = 0;
    this.failures = 0;
    this.fill();
  }

  fill() {
    while (!this.stopped && this.inFlight < 24 && this.ready.length + this.inFlight < this.buffer + this.waiters.length) {
      this.inFlight++;
      createToken(this.culqi)
        .then((token) => {
          const waiter = this.waiters.shift();
          if (waiter) waiter(token);
          else this.ready.push(token);
        })
        .catch(() => {
          this.failures++;
        })
        .finally(() => {
          this.inFlight--;
          // A failing token endpoint (an injected fault) is retried after a pause, not in a tight loop.
          setTimeout(() => this.fill(), this.failures > 0 && this.ready.length === 0 ? 50 : 0);
        });
    }
  }

  async take() {
    const token = this.ready.shift();
    this.fill();
    if (token) return token;
    this.starved++;
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.fill();
    });
  }

  async waitFull(timeoutMs = 30_000) {
    const deadline = performance.now() + timeoutMs;
    while (this.ready.length < this.buffer && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  stop() {
    this.stopped = true;
  }
}

// ---------------------------------------------------------------- one payment

/** create order + charge against SmartPay or the yardstick (same API subset). */
async function payViaService(target, token, amount, timing, signal) {
  const { origin } = split(target.url);
  const auth = { authorization: `Bearer ${target.apiKey}` };
  const idem = () => (target.idempotency ? { 'idempotency-key': randomUUID() } : {});
  let step = 'order';
  try {
    const order = await post(origin, '/v1/orders', { ...auth, ...idem() }, { amount, currency: 'PEN' }, signal);
    timing.orderEnd = performance.now();
    if (order.status !== 201 || !order.json?.id) return { ok: false, key: errorKey('order', order) };
    step = 'charge';
    const charge = await post(
      origin,
      `/v1/orders/${order.json.id}/charges`,
      { ...auth, ...idem() },
      { gateway: 'culqi', email: EMAIL, source: { type: 'card_token', token } },
      signal,
    );
    if (charge.status !== 201) return { ok: false, key: errorKey('charge', charge), orderId: order.json.id };
    const c = charge.json ?? {};
    if (c.status !== 'succeeded') {
      const failure = c.failure ? `:${c.failure.code}${c.failure.decline_code ? `/${c.failure.decline_code}` : ''}` : '';
      return { ok: false, key: `charge 201 ${c.status}${failure}`, chargeId: c.id, orderId: order.json.id, status: c.status };
    }
    return { ok: true, chargeId: c.id, orderId: order.json.id, status: c.status };
  } catch (err) {
    return { ok: false, key: networkKey(step, err) };
  }
}

/** The gateway directly, as an app without SmartPay would call it. */
async function payDirect(target, token, amount, signal) {
  const { origin, base } = split(target.url);
  try {
    const res = await post(
      origin,
      `${base}/charges`,
      { authorization: `Bearer ${target.secretKey}` },
      { amount, currency_code: 'PEN', email: EMAIL, source_id: token, description: 'Pedido benchmark', capture: true, metadata: { bench: 'baseline' } },
      signal,
    );
    if (res.status === 201 && res.json?.outcome?.type === 'venta_exitosa') return { ok: true };
    return { ok: false, key: errorKey('culqi', res) };
  } catch (err) {
    return { ok: false, key: networkKey('culqi', err) };
  }
}

// ---------------------------------------------------------------- a phase

/**
 * msg: { target: { kind: 'smartpay'|'yardstick'|'baseline', url, apiKey?, secretKey?, idempotency? },
 *        culqi: { url, publicKey }, rate, durationS, amount, tokens: 'pool'|'stream', windowS, collectIds,
 *        drainTimeoutS }
 */
async function runPhase(msg) {
  const { target, culqi, rate, durationS } = msg;
  const amount = msg.amount ?? 1000;
  const windowMs = (msg.windowS ?? 10) * 1000;
  const count = Math.max(1, Math.round(rate * durationS));
  const interval = 1000 / rate;

  const setupStart = performance.now();
  let tokens = null;
  let feeder = null;
  if ((msg.tokens ?? 'pool') === 'pool') tokens = await tokenPool(culqi, count);
  else {
    feeder = new TokenFeeder(culqi, Math.max(50, Math.ceil(rate * 5)));
    await feeder.waitFull();
  }
  const tokenSetupMs = performance.now() - setupStart;

  const latency = new Float64Array(count).fill(NaN);
  const service = new Float64Array(count).fill(NaN);
  const orderStep = [];
  const chargeStep = [];
  const ok = new Uint8Array(count);
  const errors = {};
  const windows = [];
  const chargeIds = [];
  let completed = 0;
  let maxLag = 0;
  let closed = false;
  let lastEnd = 0;

  const windowOf = (i) => {
    const w = Math.floor((i * interval) / windowMs);
    windows[w] ??= { startS: (w * windowMs) / 1000, ok: [], errors: {}, offered: 0 };
    return windows[w];
  };

  // At the drain deadline every request still queued or in flight is aborted, so the next phase starts
  // on a server that is not still working through this one's backlog (they count as `unfinished`).
  const abort = new AbortController();
  const t0 = performance.now() + 20;
  const startedAtEpoch = Date.now() + 20;
  const due = (i) => t0 + i * interval;

  const finished = new Promise((resolveAll) => {
    const fire = (i) => {
      const start = performance.now();
      maxLag = Math.max(maxLag, start - due(i));
      const w = windowOf(i);
      w.offered++;
      const timing = { orderEnd: null };
      const token = tokens ? tokens[i] : null;
      const run = async () => {
        const tok = token ?? (await feeder.take());
        return target.kind === 'baseline' ? payDirect(target, tok, amount, abort.signal) : payViaService(target, tok, amount, timing, abort.signal);
      };
      run().then((res) => {
        if (closed) return;
        const end = performance.now();
        lastEnd = Math.max(lastEnd, end);
        completed++;
        latency[i] = end - due(i);
        service[i] = end - start;
        if (timing.orderEnd !== null) {
          orderStep.push(timing.orderEnd - start);
          if (res.ok) chargeStep.push(end - timing.orderEnd);
        }
        if (res.ok) {
          ok[i] = 1;
          w.ok.push(latency[i]);
        } else {
          errors[res.key] = (errors[res.key] ?? 0) + 1;
          w.errors[res.key] = (w.errors[res.key] ?? 0) + 1;
        }
        if (msg.collectIds && res.chargeId) chargeIds.push([res.chargeId, res.orderId, res.status ?? null, res.ok ? 1 : 0]);
        if (completed === count) resolveAll();
      });
    };
    pumpOpenLoop(count, t0, due, fire, () => setTimeout(resolveAll, (msg.drainTimeoutS ?? 30) * 1000).unref());
  });
  await finished;
  closed = true;
  abort.abort();
  if (feeder) feeder.stop();

  const unfinished = count - completed;
  if (unfinished > 0) errors.unfinished = unfinished;
  if (feeder?.starved) errors.token_starved_waits = feeder.starved;
  const okLatencies = [];
  const allLatencies = [];
  for (let i = 0; i < count; i++) {
    if (!Number.isNaN(latency[i])) allLatencies.push(latency[i]);
    if (ok[i]) okLatencies.push(latency[i]);
  }
  const okCount = okLatencies.length;
  const wallS = (Math.max(lastEnd, due(count - 1)) - t0) / 1000;
  return {
    kind: target.kind,
    rate,
    durationS,
    offered: count,
    completed,
    ok: okCount,
    errorCount: count - okCount,
    errors,
    latency: summarise(okLatencies),
    latencyAll: summarise(allLatencies),
    orderStep: summarise(orderStep),
    chargeStep: summarise(chargeStep),
    serviceTime: summarise(Array.from(service).filter((x) => !Number.isNaN(x))),
    startedAtEpoch,
    schedulerLagMaxMs: Math.round(maxLag * 10) / 10,
    tokenSetupMs: Math.round(tokenSetupMs),
    wallS: Math.round(wallS * 100) / 100,
    throughput: Math.round((okCount / Math.max(wallS, durationS)) * 10) / 10,
    windows: windows.filter(Boolean).map((w) => ({
      startS: w.startS,
      offered: w.offered,
      ok: w.ok.length,
      errors: w.errors,
      latency: summarise(w.ok),
    })),
    chargeIds: msg.collectIds ? chargeIds : undefined,
  };
}

// ---------------------------------------------------------------- a consumption phase (credits)

/**
 * Open-loop credit consumption: request i is due at t0 + i/rate and is `POST /v1/customers/{c}/credits/consume
 * {credits, reference}` for customer c = customers[i % customers.length], with a reference unique to the phase
 * and the request. A 201 is a consumption; 409/422/404 are definite refusals (nothing debited); anything else
 * (5xx, a network error, a request aborted at the drain deadline) may or may not have been committed, so its
 * (customer, reference) is handed back as `unresolved`: the orchestrator sends it again (the reference makes
 * that safe) to learn its outcome before the invariant check.
 *
 * msg: { workload: 'consume', target: { url, apiKey }, customers: [id], credits, referencePrefix, rate,
 *        durationS, drainTimeoutS, windowS }
 */
async function runConsumePhase(msg) {
  const { target, customers, rate, durationS } = msg;
  const credits = msg.credits ?? 1;
  const prefix = msg.referencePrefix ?? randomUUID();
  const count = Math.max(1, Math.round(rate * durationS));
  const interval = 1000 / rate;
  const { origin } = split(target.url);
  const auth = { authorization: `Bearer ${target.apiKey}` };

  const latency = new Float64Array(count).fill(NaN);
  const service = new Float64Array(count).fill(NaN);
  const ok = new Uint8Array(count);
  const answered = new Uint8Array(count);
  const errors = {};
  const okByCustomer = {};
  let replayed = 0;
  let completed = 0;
  let maxLag = 0;
  let closed = false;
  let lastEnd = 0;

  const abort = new AbortController();
  const t0 = performance.now() + 20;
  const startedAtEpoch = Date.now() + 20;
  const due = (i) => t0 + i * interval;
  const customerOf = (i) => customers[i % customers.length];
  const referenceOf = (i) => `${prefix}-${i}`;

  const consume = async (i) => {
    try {
      const { statusCode, headers, body } = await poolFor(origin).request({
        path: `/v1/customers/${customerOf(i)}/credits/consume`,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ credits, reference: referenceOf(i) }),
        signal: abort.signal,
      });
      const text = await body.text();
      if (statusCode === 201) return { ok: true, replayed: headers['idempotent-replayed'] === 'true' };
      let json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        // reported by status only
      }
      return { ok: false, key: errorKey('consume', { status: statusCode, json }), definite: statusCode >= 400 && statusCode < 500 };
    } catch (err) {
      return { ok: false, key: networkKey('consume', err), definite: false };
    }
  };

  await new Promise((resolveAll) => {
    const fire = (i) => {
      const start = performance.now();
      maxLag = Math.max(maxLag, start - due(i));
      consume(i).then((res) => {
        if (closed) return;
        const end = performance.now();
        lastEnd = Math.max(lastEnd, end);
        completed++;
        latency[i] = end - due(i);
        service[i] = end - start;
        if (res.ok) {
          ok[i] = 1;
          answered[i] = 1;
          if (res.replayed) replayed++;
          const c = customerOf(i);
          okByCustomer[c] = (okByCustomer[c] ?? 0) + 1;
        } else {
          if (res.definite) answered[i] = 1;
          errors[res.key] = (errors[res.key] ?? 0) + 1;
        }
        if (completed === count) resolveAll();
      });
    };
    pumpOpenLoop(count, t0, due, fire, () => setTimeout(resolveAll, (msg.drainTimeoutS ?? 30) * 1000).unref());
  });
  closed = true;
  abort.abort();

  const unfinished = count - completed;
  if (unfinished > 0) errors.unfinished = unfinished;
  const okLatencies = [];
  const allLatencies = [];
  const unresolved = [];
  for (let i = 0; i < count; i++) {
    if (!Number.isNaN(latency[i])) allLatencies.push(latency[i]);
    if (ok[i]) okLatencies.push(latency[i]);
    if (!answered[i]) unresolved.push([customerOf(i), referenceOf(i)]);
  }
  const okCount = okLatencies.length;
  const wallS = (Math.max(lastEnd, due(count - 1)) - t0) / 1000;
  return {
    workload: 'consume',
    rate,
    durationS,
    customers: customers.length,
    offered: count,
    completed,
    ok: okCount,
    errorCount: count - okCount,
    errors,
    replayed,
    latency: summarise(okLatencies),
    latencyAll: summarise(allLatencies),
    serviceTime: summarise(Array.from(service).filter((x) => !Number.isNaN(x))),
    startedAtEpoch,
    schedulerLagMaxMs: Math.round(maxLag * 10) / 10,
    wallS: Math.round(wallS * 100) / 100,
    throughput: Math.round((okCount / Math.max(wallS, durationS)) * 10) / 10,
    okByCustomer,
    unresolved,
  };
}

process.on('message', async (msg) => {
  if (msg?.cmd === 'exit') {
    await Promise.allSettled([...pools.values()].map((p) => p.destroy()));
    process.exit(0);
  }
  if (msg?.cmd !== 'phase') return;
  try {
    const result = msg.workload === 'consume' ? await runConsumePhase(msg) : await runPhase(msg);
    process.send({ id: msg.id, result });
  } catch (err) {
    process.send({ id: msg.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});

// The orchestrator went away (crash, kill): nothing left to do.
process.on('disconnect', () => process.exit(0));

/**
 * Open loop: request i is sent at its due time whatever happened to the earlier ones (no coordinated
 * omission); `afterLast` runs once the last one is sent (the drain bound).
 */
function pumpOpenLoop(count, t0, due, fire, afterLast) {
  let next = 0;
  const pump = () => {
    const now = performance.now();
    while (next < count && due(next) <= now) fire(next++);
    if (next < count) setTimeout(pump, Math.max(0, due(next) - performance.now()));
    else afterLast();
  };
  setTimeout(pump, Math.max(0, t0 - performance.now()));
}
