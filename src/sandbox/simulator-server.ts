import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FaultSpec } from './fault-spec';
import type { SimRequest, SimResponse } from './sim-types';

const MAX_BODY_BYTES = 1024 * 1024;
/** Where random simulator ports come from: below Linux's default ephemeral range (32768–60999). */
const STATIC_PORTS = { from: 20_000, to: 32_000 };

export interface SimulatorServerOptions {
  host: string;
  /**
   * 0 = a random free port below the kernel's ephemeral range, kept across `down` → clear so the base URL
   * stays valid. Not an ephemeral port (`listen(0)`): while `down` frees it, any outgoing connection of the
   * machine could take it as its local port and the simulator could not come back.
   */
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
 * One loopback HTTP listener that plays an outside service, with fault injection (api.md "Sandbox"):
 * `down` closes the port, `http_500` answers 500 without processing, `timeout`/`latency` process and answer
 * late, `reset` processes and drops the connection unanswered.
 */
export class SimulatorServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private fault: FaultSpec | null = null;
  private boundPort: number;
  private listening = false;
  private closed = false;
  /** Requests that reached the simulator (refused connections never do). */
  requestsReceived = 0;

  constructor(private readonly options: SimulatorServerOptions) {
    this.boundPort = options.port;
    this.server = createServer((req, res) => {
      this.onRequest(req, res).catch((err: unknown) => {
        console.error('[sandbox] simulator request failed', err);
        if (!res.headersSent && !res.destroyed) this.write(res, { status: 500, body: { message: 'sandbox internal error' } });
      });
    });
    this.server.keepAliveTimeout = 5_000;
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get port(): number {
    return this.boundPort;
  }

  get origin(): string {
    return `http://${this.options.host}:${this.boundPort}`;
  }

  get currentFault(): FaultSpec | null {
    return this.fault ? { ...this.fault } : null;
  }

  async start(): Promise<void> {
    if (this.boundPort !== 0) return this.listen();
    for (let attempt = 0; ; attempt++) {
      this.boundPort = STATIC_PORTS.from + Math.floor(Math.random() * (STATIC_PORTS.to - STATIC_PORTS.from));
      try {
        return await this.listen();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 50) throw err;
      }
    }
  }

  /** Replaces the current fault. `down` closes the listener now; leaving `down` reopens it on the same port. */
  async setFault(spec: FaultSpec): Promise<void> {
    if (this.closed) throw new Error('simulator closed');
    this.fault = { ...spec };
    if (spec.mode === 'down') await this.stopListening();
    else if (!this.listening) await this.listen();
  }

  async clearFault(): Promise<void> {
    this.fault = null;
    if (!this.closed && !this.listening) await this.listen();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fault = null;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.stopListening();
  }

  private async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.boundPort, this.options.host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    const address = this.server.address();
    if (address && typeof address === 'object') this.boundPort = address.port;
    this.listening = true;
  }

  private async stopListening(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Keep-alive connections would otherwise still carry requests to a "down" service.
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** The fault this call suffers, counting it against `count`. */
  private takeFault(): FaultSpec | null {
    const fault = this.fault;
    if (!fault) return null;
    if (fault.remaining !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.fault = null;
    }
    return { ...fault };
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req, this.options.maxBodyBytes ?? MAX_BODY_BYTES);
    if (raw === null) {
      this.write(res, this.options.payloadTooLarge?.() ?? { status: 413, body: { message: 'request entity too large' } });
      return;
    }
    if (!this.listening || this.closed) {
      // Raced with `down`/close: the service is gone, so nothing is processed.
      req.socket.destroy();
      return;
    }
    this.requestsReceived += 1;
    const fault = this.takeFault();
    if (fault?.mode === 'http_500') {
      this.write(res, this.options.serverError());
      return;
    }
    const result = await this.options.handle(toSimRequest(req, raw, this.options.acceptsForm ?? (() => false)));
    if (fault?.mode === 'reset') {
      // Processed, then the connection is lost before any answer: the ambiguous failure.
      req.socket.destroy();
      return;
    }
    const delay = fault?.mode === 'timeout' || fault?.mode === 'latency' ? fault.latencyMs : (this.options.baseLatencyMs ?? 0);
    if (delay <= 0) {
      this.write(res, result);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.write(res, result);
    }, delay);
    this.timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }

  private write(res: ServerResponse, result: SimResponse): void {
    if (res.destroyed || res.writableEnded) return;
    const text = result.text ?? (result.body === undefined ? '' : JSON.stringify(result.body));
    const contentType = result.contentType ?? this.options.jsonContentType;
    res.writeHead(result.status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), ...result.headers });
    res.end(text);
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
