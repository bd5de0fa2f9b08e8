import { Injectable, Optional } from '@nestjs/common';
import { request } from 'undici';
import type { GatewayId } from '../../config/app-config';
import type { CallContext } from '../payment-gateway.port';
import { GatewayCircuitBreakers } from '../resilience/gateway-circuit-breakers';
import { REFUSED } from '../resilience/gateway-circuit';
import type { GatewayErrorClass } from './gateway-call.entity';
import { gatewayHttpAgent } from './gateway-http-agent';
import { redactBody, redactText } from './redact';

export interface GatewayHttpRequest {
  gateway: GatewayId;
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  baseUrl: string;
  /** Path and query relative to baseUrl, e.g. `/charges` or `/v1/payments/search?external_reference=…`. */
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
}

export type GatewayHttpResult =
  | { kind: 'response'; status: number; text: string; json: unknown }
  /**
   * No HTTP answer. `notSent` is true only when the request certainly never reached the gateway
   * (connection refused, DNS or TLS failure, or the gateway's circuit is open so nothing was sent):
   * the one case where trying another gateway is safe.
   */
  | { kind: 'error'; errorClass: GatewayErrorClass; message: string; notSent: boolean };

/** Sent on every gateway call (fetch sent `node`): lets the gateways' support find SmartPay's traffic. */
const USER_AGENT = 'SmartPay/0.1';

/** Failures before any byte of the request was written: the gateway certainly never saw it. */
const NOT_SENT = new Map<string, GatewayErrorClass>([
  ['ECONNREFUSED', 'connection_refused'],
  ['ENOTFOUND', 'dns'],
  ['EAI_AGAIN', 'dns'],
  ['CERT_HAS_EXPIRED', 'tls'],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
  ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
]);

/**
 * undici's own timeouts and aborts. The per-call timer is what normally fires; these only show up if an
 * undici limit is hit first. `UND_ERR_ABORTED` can only come from that timer (nothing else aborts).
 * `UND_ERR_CONNECT_TIMEOUT` means no TCP/TLS connection was made, so strictly nothing was sent, but it
 * stays `timeout` with notSent false: the same stalled connect ends as our own abort whenever the call's
 * timeout is shorter than the pool's connect timeout, and that abort cannot tell "still connecting" from
 * "sent, awaiting the answer". Reporting it as not sent would make failover (a second charge on another
 * gateway) depend on which timer happened to fire first.
 */
const TIMEOUT_CODES = new Set(['UND_ERR_ABORTED', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The single door to gateway HTTP: the per-gateway circuit breaker, timeouts, error classification
 * and the call log. It never retries: whether a retry is safe depends on the gateway and the
 * operation, which the adapters know. Without breakers (unit tests, contract tests) every call goes out.
 */
@Injectable()
export class GatewayHttpClient {
  constructor(@Optional() private readonly breakers?: GatewayCircuitBreakers) {}

  async send(req: GatewayHttpRequest, ctx: CallContext): Promise<GatewayHttpResult> {
    const started = Date.now();
    const url = joinUrl(req.baseUrl, req.path);
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const call = () => this.exchange(req, url, payload);
    const outcome = this.breakers ? await this.breakers.for(req.gateway).run(call) : await call();
    // An open circuit: the network was never touched, so the attempt certainly was not processed.
    const result: GatewayHttpResult =
      outcome === REFUSED ? { kind: 'error', errorClass: 'circuit_open', message: `${req.gateway} circuit is open`, notSent: true } : outcome;
    ctx.calls.push({
      gateway: req.gateway,
      operation: req.operation,
      method: req.method,
      path: loggedPath(url),
      httpStatus: result.kind === 'response' ? result.status : null,
      durationMs: Date.now() - started,
      errorClass: result.kind === 'error' ? result.errorClass : result.status >= 500 ? 'http_5xx' : result.status >= 400 ? 'http_4xx' : null,
      requestBody: redactBody(payload),
      responseBody: result.kind === 'response' ? redactBody(result.text) : null,
      at: new Date(started),
    });
    return result;
  }

  /**
   * One exchange over the shared keep-alive pool with undici's `request()` (far cheaper per call than
   * `fetch`, which builds WHATWG Request/Response objects and web streams). One timer bounds the whole
   * exchange, connect and queueing included, up to the last byte of the body. The body is always read
   * to the end (or destroyed by the abort), which hands the socket back to the pool.
   * Unlike `fetch`, redirects are not followed and no compressed encoding is asked for: gateway APIs
   * answer directly, and a redirected POST must not be replayed as something else.
   */
  private async exchange(req: GatewayHttpRequest, url: string, payload: string | undefined): Promise<GatewayHttpResult> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new CallTimeout()), req.timeoutMs);
    try {
      const response = await request(url, {
        dispatcher: gatewayHttpAgent,
        method: req.method,
        headers: { Accept: 'application/json', 'User-Agent': USER_AGENT, ...(payload !== undefined ? { 'Content-Type': 'application/json' } : {}), ...req.headers },
        body: payload,
        signal: abort.signal,
      });
      const text = await response.body.text();
      return { kind: 'response', status: response.statusCode, text, json: parseJson(text) };
    } catch (err) {
      return classifyError(err);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The abort reason of a call that ran out of time (named like the DOMException `AbortSignal.timeout` uses). */
class CallTimeout extends Error {
  override name = 'TimeoutError';
  constructor() {
    super('no answer within the timeout');
  }
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

interface ErrorShape {
  name?: string;
  message?: string;
  code?: string;
  cause?: { code?: string; name?: string; message?: string };
  errors?: { code?: string }[];
}

/**
 * undici's `request()` puts the code on the error itself (`ECONNREFUSED`, `UND_ERR_SOCKET`, TLS codes);
 * `fetch` wrapped it in `cause`; Node's dual-stack connect reports an AggregateError whose attempts
 * carry it. All three shapes are read.
 */
function classifyError(err: unknown): GatewayHttpResult {
  const e = (err ?? {}) as ErrorShape;
  const code = e.code ?? e.cause?.code ?? e.errors?.[0]?.code ?? '';
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.cause?.name === 'TimeoutError' || TIMEOUT_CODES.has(code)) {
    return { kind: 'error', errorClass: 'timeout', message: 'no answer within the timeout', notSent: false };
  }
  const notSent = NOT_SENT.get(code);
  if (notSent) return { kind: 'error', errorClass: notSent, message: code, notSent: true };
  // Anything else (reset, socket closed mid-answer, pool closed or destroyed) may have reached the gateway.
  return { kind: 'error', errorClass: 'reset', message: code || e.cause?.message || e.message || 'connection lost', notSent: false };
}

/** Path and query as logged: query values are scrubbed (an e-mail or token can travel there); paths carry only resource ids. */
function loggedPath(url: string): string {
  const parsed = new URL(url);
  const query = [...parsed.searchParams].map(([k, v]) => `${k}=${encodeURIComponent(redactText(v))}`).join('&');
  return parsed.pathname + (query ? `?${query}` : '');
}
