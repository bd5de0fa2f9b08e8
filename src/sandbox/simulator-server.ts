import type { IncomingMessage } from 'node:http';
import { FaultListener, type WireResponse } from './fault-listener';
import type { SimRequest, SimResponse } from './sim-types';

const MAX_BODY_BYTES = 1024 * 1024;

export interface SimulatorServerOptions {
  host: string;
  /** 0 = a random free port below the kernel's ephemeral range, kept across `down` → clear (see FaultListener). */
  port: number;
  /** Added to every answer (benchmarks: a gateway is never instantaneous). */
  baseLatencyMs?: number;
  /** Content-Type of JSON answers, as the imitated service spells it. */
  jsonContentType: string;
  handle: (req: SimRequest) => Promise<SimResponse>;
  /** Paths that accept HTML-form bodies (a 3-D Secure challenge page); every other body must be JSON. */
  acceptsForm?: (path: string) => boolean;
  /** The body of an injected `http_500`, as the imitated service's edge would send it. */
  serverError: () => SimResponse;
  /** Largest request body read (default 1 MB); Postmark takes batches of up to 50 MB. */
  maxBodyBytes?: number;
  /** The answer to a body over `maxBodyBytes`, in the imitated service's shape. */
  payloadTooLarge?: () => SimResponse;
}

/**
 * One loopback HTTP listener that plays a JSON API (Culqi, Mercado Pago, Postmark), with the fault injection
 * of FaultListener: requests arrive parsed (path, query, JSON or form body) and answers leave as JSON in the
 * imitated service's own content type.
 */
export class SimulatorServer extends FaultListener<SimRequest> {
  constructor(options: SimulatorServerOptions) {
    const wire = (r: SimResponse): WireResponse => ({
      status: r.status,
      text: r.text ?? (r.body === undefined ? '' : JSON.stringify(r.body)),
      contentType: r.contentType ?? options.jsonContentType,
      headers: r.headers,
    });
    super({
      host: options.host,
      port: options.port,
      baseLatencyMs: options.baseLatencyMs,
      name: 'simulator',
      read: async (req) => {
        const raw = await readBody(req, options.maxBodyBytes ?? MAX_BODY_BYTES);
        if (raw === null) return { answer: wire(options.payloadTooLarge?.() ?? { status: 413, body: { message: 'request entity too large' } }) };
        return { request: toSimRequest(req, raw, options.acceptsForm ?? (() => false)) };
      },
      handle: async (req) => wire(await options.handle(req)),
      serverError: () => wire(options.serverError()),
    });
  }
}

/** The whole body, or null when it is larger than the simulators accept. */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function toSimRequest(req: IncomingMessage, raw: string, acceptsForm: (path: string) => boolean): SimRequest {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  let body: unknown;
  let invalidJson = false;
  if (raw.trim() !== '') {
    const type = req.headers['content-type'] ?? '';
    if (type.includes('application/x-www-form-urlencoded') && acceptsForm(path)) {
      body = Object.fromEntries(new URLSearchParams(raw));
    } else {
      try {
        body = JSON.parse(raw);
      } catch {
        invalidJson = true;
      }
    }
  }
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    query: url.searchParams,
    headers: req.headers,
    body,
    invalidJson,
    params: {},
    remoteAddress: req.socket.remoteAddress ?? '127.0.0.1',
  };
}
