import { Inject, Injectable, Optional } from '@nestjs/common';
import type { GatewayId } from '../../config/app-config';
import type { CallContext } from '../payment-gateway.port';
import { GatewayCallMetrics } from './gateway-call.metrics';
import { GatewayCircuitBreakers } from '../resilience/gateway-circuit-breakers';
import { REFUSED } from '../resilience/gateway-circuit';
import type { GatewayErrorClass } from './gateway-call.entity';
import { GatewayExchange } from './gateway-exchange';
import { type GatewayHttpAgent, gatewayHttpAgent } from './gateway-http-agent';
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
   * (connection refused, DNS or TLS failure, the call gave up while still in the pool's queue, or the
   * gateway's circuit is open so nothing was sent): the one case where trying another gateway is safe.
   */
  | { kind: 'error'; errorClass: GatewayErrorClass; message: string; notSent: boolean };

/** Sent on every gateway call (fetch sent `node`): lets the gateways' support find SmartPay's traffic. */
const USER_AGENT = 'SmartPay/0.1';

export interface GatewayHttpOptions {
  /** The pool the calls go through; the process-wide `gatewayHttpAgent` unless a test brings its own. */
  agent?: GatewayHttpAgent;
  /**
   * How long a call may wait before its request is written: for a free connection in the pool's queue,
   * and for opening one. Unset: each call's own `timeoutMs` again (so a call ends within about twice it).
   */
  queueTimeoutMs?: number;
}

/** Nest token for GatewayHttpOptions; nothing provides it today, so the defaults apply. */
export const GATEWAY_HTTP_OPTIONS = Symbol('GATEWAY_HTTP_OPTIONS');

/**
 * The single door to gateway HTTP: the per-gateway circuit breaker, timeouts, error classification
 * and the call log. It never retries: whether a retry is safe depends on the gateway and the
 * operation, which the adapters know. Without breakers (unit tests, contract tests) every call goes out.
 */
@Injectable()
export class GatewayHttpClient {
  private readonly agent: GatewayHttpAgent;
  private readonly queueTimeoutMs: number | undefined;

  constructor(
    @Optional() private readonly breakers?: GatewayCircuitBreakers,
    @Optional() @Inject(GATEWAY_HTTP_OPTIONS) options?: GatewayHttpOptions,
    @Optional() private readonly metrics?: GatewayCallMetrics,
  ) {
    this.agent = options?.agent ?? gatewayHttpAgent;
    this.queueTimeoutMs = options?.queueTimeoutMs;
  }

  async send(req: GatewayHttpRequest, ctx: CallContext): Promise<GatewayHttpResult> {
    const started = Date.now();
    const url = new URL(joinUrl(req.baseUrl, req.path));
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const call = () => this.exchange(req, url, payload);
    const outcome = this.breakers ? await this.breakers.for(req.gateway).run(call) : await call();
    // An open circuit: the network was never touched, so the attempt certainly was not processed.
    const result: GatewayHttpResult =
      outcome === REFUSED ? { kind: 'error', errorClass: 'circuit_open', message: `${req.gateway} circuit is open`, notSent: true } : outcome;
    // The caller's whole wait, pool queue included (the gateway's own share is bounded by timeoutMs).
    const durationMs = Date.now() - started;
    const errorClass = result.kind === 'error' ? result.errorClass : result.status >= 500 ? 'http_5xx' : result.status >= 400 ? 'http_4xx' : null;
    this.metrics?.observe(req.gateway, req.operation, errorClass ?? 'ok', durationMs);
    ctx.calls.push({
      gateway: req.gateway,
      operation: req.operation,
      method: req.method,
      path: loggedPath(url),
      httpStatus: result.kind === 'response' ? result.status : null,
      durationMs,
      errorClass,
      requestBody: redactBody(payload),
      responseBody: result.kind === 'response' ? redactBody(result.text) : null,
      at: new Date(started),
    });
    return result;
  }

  /**
   * One exchange over the keep-alive pool, dispatched straight to undici with our own handler
   * (GatewayExchange: cheaper than `request()`'s streams, and it sees the moment the request is
   * written). The gateway timeout (`timeoutMs`) runs from that moment to the last byte of the body;
   * the wait before it (pool queue, connect) has its own bound, `queueTimeoutMs`. The body is always
   * read to the end (or the socket destroyed by the abort), which hands the socket back to the pool.
   * Unlike `fetch`, redirects are not followed and no compressed encoding is asked for: gateway APIs
   * answer directly, and a redirected POST must not be replayed as something else.
   */
  private exchange(req: GatewayHttpRequest, url: URL, payload: string | undefined): Promise<GatewayHttpResult> {
    const exchange = new GatewayExchange({ timeoutMs: req.timeoutMs, queueTimeoutMs: this.queueTimeoutMs ?? req.timeoutMs });
    this.agent.dispatch(
      {
        origin: url.origin,
        path: url.pathname + url.search,
        method: req.method,
        headers: { Accept: 'application/json', 'User-Agent': USER_AGENT, ...(payload !== undefined ? { 'Content-Type': 'application/json' } : {}), ...req.headers },
        body: payload,
      },
      exchange,
    );
    return exchange.result;
  }
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** Path and query as logged: query values are scrubbed (an e-mail or token can travel there); paths carry only resource ids. */
function loggedPath(parsed: URL): string {
  const query = [...parsed.searchParams].map(([k, v]) => `${k}=${encodeURIComponent(redactText(v))}`).join('&');
  return parsed.pathname + (query ? `?${query}` : '');
}
