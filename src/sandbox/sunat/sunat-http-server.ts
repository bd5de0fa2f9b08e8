import type { IncomingMessage } from 'node:http';
import { FaultListener, type WireResponse } from '../fault-listener';

// The SUNAT simulator's loopback listener: plain HTTP with the fault injection every simulator has
// (FaultListener); bodies are SOAP text, answers are SOAP (text/xml) or the bare pages of SUNAT's web tier.

export interface SunatHttpRequest {
  method: string;
  /** Path without query and trailing slash. */
  path: string;
  body: string;
}

export interface SunatHttpServerOptions {
  host: string;
  /** 0 = a random free port, kept across `down` → clear so the billService URL stays valid. */
  port: number;
  baseLatencyMs?: number;
  handle: (req: SunatHttpRequest) => Promise<WireResponse>;
}

/** Zips of a few documents are a few KB; 10 MB leaves room for large summaries without reading anything. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const HTML = 'text/html; charset=utf-8';

export class SunatHttpServer extends FaultListener<SunatHttpRequest> {
  constructor(options: SunatHttpServerOptions) {
    super({
      host: options.host,
      port: options.port,
      baseLatencyMs: options.baseLatencyMs,
      name: 'sunat simulator',
      read: async (req) => {
        const body = await readBody(req);
        if (body === null) return { answer: { status: 413, text: '<html><body><h1>413 Request Entity Too Large</h1></body></html>', contentType: HTML } };
        const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
        const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
        return { request: { method: (req.method ?? 'GET').toUpperCase(), path, body } };
      },
      handle: (req) => options.handle(req),
      // What an application server's edge sends when the service behind it fails: HTML, not a SOAP fault.
      serverError: () => ({ status: 500, text: '<html><body><h1>500 Internal Server Error</h1></body></html>', contentType: HTML }),
    });
  }
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
