import { Injectable, Optional } from '@nestjs/common';
import type { GatewayId } from '../../config/app-config';
import type { CallContext } from '../payment-gateway.port';
import { GatewayCircuitBreakers } from '../resilience/gateway-circuit-breakers';
import { REFUSED } from '../resilience/gateway-circuit';
import type { GatewayErrorClass } from './gateway-call.entity';
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

const NOT_SENT: Record<string, GatewayErrorClass> = {
  ECONNREFUSED: 'connection_refused',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  CERT_HAS_EXPIRED: 'tls',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls',
};

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

  private async exchange(req: GatewayHttpRequest, url: string, payload: string | undefined): Promise<GatewayHttpResult> {
    try {
      const response = await fetch(url, {
        method: req.method,
        headers: { Accept: 'application/json', ...(payload !== undefined ? { 'Content-Type': 'application/json' } : {}), ...req.headers },
        body: payload,
        signal: AbortSignal.timeout(req.timeoutMs),
      });
      const text = await response.text();
      return { kind: 'response', status: response.status, text, json: parseJson(text) };
    } catch (err) {
      return classifyError(err);
    }
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

function classifyError(err: unknown): GatewayHttpResult {
  const e = err as { name?: string; message?: string; cause?: { code?: string; name?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.cause?.name === 'TimeoutError') {
    return { kind: 'error', errorClass: 'timeout', message: 'no answer within the timeout', notSent: false };
  }
  const code = e.cause?.code ?? '';
  const notSent = NOT_SENT[code];
  if (notSent) return { kind: 'error', errorClass: notSent, message: code, notSent: true };
  // Anything else (reset, socket closed mid-answer) may have reached the gateway.
  return { kind: 'error', errorClass: 'reset', message: code || e.cause?.message || e.message || 'connection lost', notSent: false };
}

/** Path and query as logged: query values are scrubbed (an e-mail or token can travel there); paths carry only resource ids. */
function loggedPath(url: string): string {
  const parsed = new URL(url);
  const query = [...parsed.searchParams].map(([k, v]) => `${k}=${encodeURIComponent(redactText(v))}`).join('&');
  return parsed.pathname + (query ? `?${query}` : '');
}
