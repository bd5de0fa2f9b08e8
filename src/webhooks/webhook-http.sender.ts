import { Injectable } from '@nestjs/common';
import { Agent, request } from 'undici';
import { OutboundTargets } from '../common/http/outbound-targets';
import { AppConfig } from '../config/app-config';

export type WebhookPostResult =
  | { kind: 'response'; status: number; durationMs: number; excerpt: string | null }
  | { kind: 'error'; error: string; durationMs: number };

/** What is kept of an endpoint's answer: enough to diagnose, never a whole page. */
const EXCERPT_BYTES = 1024;
const EXCERPT_CHARS = 500;

/**
 * POSTs signed events to client apps' endpoints over its own connection pool (never the gateways'),
 * with a timeout per attempt (SMARTPAY_WEBHOOK_TIMEOUT) and the outbound target policy: outside sandbox
 * mode only public addresses, checked when the name is resolved for each connection. Redirects are not
 * followed (a 3xx is a failed attempt: the endpoint must answer itself).
 */
@Injectable()
export class WebhookHttpSender {
  readonly targets: OutboundTargets;
  private readonly agent: Agent;

  constructor(private readonly config: AppConfig) {
    this.targets = new OutboundTargets({ allowAny: config.webhooks.allowAnyTarget, allowedNetworks: config.webhooks.allowedNetworks });
    this.agent = new Agent({
      connections: 16,
      keepAliveTimeout: 4_000,
      connect: { timeout: config.webhooks.timeoutMs, lookup: this.targets.lookup as never },
    });
  }

  async post(url: string, headers: Record<string, string>, body: string): Promise<WebhookPostResult> {
    const started = Date.now();
    const refused = this.targets.checkUrl(url);
    if (refused) return { kind: 'error', error: `refused target: ${refused}`, durationMs: 0 };
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.config.webhooks.timeoutMs);
    try {
      const response = await request(url, {
        dispatcher: this.agent,
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'SmartPay-Webhooks/0.1', ...headers },
        body,
        signal: abort.signal,
      });
      const excerpt = await readExcerpt(response.body);
      return { kind: 'response', status: response.statusCode, durationMs: Date.now() - started, excerpt };
    } catch (err) {
      return { kind: 'error', error: describe(err, abort.signal.aborted, this.config.webhooks.timeoutMs), durationMs: Date.now() - started };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** The first bytes of the body as text (control characters dropped); the rest is discarded. */
async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= EXCERPT_BYTES) break;
  }
  // Leaving early: the socket is dropped rather than read to the end of a large answer.
  if (size >= EXCERPT_BYTES) body.destroy();
  const text = [...Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8')].filter(printable).join('').trim();
  return text === '' ? null : text.slice(0, EXCERPT_CHARS);
}

/** Tabs and line breaks stay; other control characters are dropped. */
function printable(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code === 9 || code === 10 || code === 13 || (code >= 32 && code !== 127);
}

function describe(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no answer within ${timeoutMs} ms`;
  const e = (err ?? {}) as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const message = (e.message ?? e.cause?.message ?? 'request failed').slice(0, 200);
  return code ? `${code}: ${message}` : message;
}
