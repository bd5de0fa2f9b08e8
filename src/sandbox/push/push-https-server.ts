import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { FaultListener } from '../fault-listener';

// The push simulator's loopback listener: HTTPS (web-push refuses anything else) with the fault injection
// every simulator has (FaultListener); bodies are bytes (encrypted pushes), answers are text.

export interface PushHttpRequest {
  method: string;
  /** The request target as sent (path and query), which the endpoint URL is built from. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The body, cut at `keepBodyBytes`. */
  body: Buffer;
  /** The full body size, so an oversized body can be reported as such. */
  bodyBytes: number;
}

export interface PushHttpResponse {
  status: number;
  text: string;
  headers?: Record<string, string>;
}

export interface PushHttpsServerOptions {
  host: string;
  /** 0 = a random free port, kept across `down` → clear so endpoints handed out stay valid. */
  port: number;
  tls: { key: string; cert: string };
  /** Largest part of a body kept in memory; larger bodies are still read to the end and counted. */
  keepBodyBytes: number;
  /** Added to every answer (benchmarks). */
  baseLatencyMs?: number;
  handle: (req: PushHttpRequest) => PushHttpResponse;
}

const TEXT = 'text/plain; charset=utf-8';

export class PushHttpsServer extends FaultListener<PushHttpRequest> {
  constructor(options: PushHttpsServerOptions) {
    super({
      host: options.host,
      port: options.port,
      tls: options.tls,
      baseLatencyMs: options.baseLatencyMs,
      name: 'push simulator',
      read: async (req) => ({ request: await readPush(req, options.keepBodyBytes) }),
      handle: (req) => ({ ...options.handle(req), contentType: TEXT }),
      serverError: () => ({ status: 500, text: 'Internal Server Error', contentType: TEXT }),
    });
  }
}

async function readPush(req: IncomingMessage, keepBytes: number): Promise<PushHttpRequest> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let bodyBytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bodyBytes += chunk.length;
    if (kept < keepBytes) {
      const part = chunk.subarray(0, keepBytes - kept);
      chunks.push(part);
      kept += part.length;
    }
  }
  return { method: (req.method ?? 'GET').toUpperCase(), url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks), bodyBytes };
}
