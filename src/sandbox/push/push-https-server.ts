import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { isIPv6, type Socket } from 'node:net';
import type { FaultSpec } from '../fault-spec';

// The push simulator's loopback listener. It is HTTPS (web-push refuses anything else), so the plain-HTTP
// SimulatorServer cannot carry it; the fault semantics are the same as there (api.md "Sandbox"): `down`
// closes the port, `http_500` answers 500 without processing, `timeout`/`latency` process and answer late,
// `reset` processes and drops the connection unanswered; `count` limits a fault to the next N requests.

/** Where random ports come from: below Linux's ephemeral range, as SimulatorServer does (see there why). */
const STATIC_PORTS = { from: 20_000, to: 32_000 };

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

export class PushHttpsServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private fault: FaultSpec | null = null;
  private boundPort: number;
  private listening = false;
  private closed = false;
  /** Requests that reached the simulator (refused connections never do). */
  requestsReceived = 0;

  constructor(private readonly options: PushHttpsServerOptions) {
    this.boundPort = options.port;
    this.server = createServer({ key: options.tls.key, cert: options.tls.cert }, (req, res) => {
      this.onRequest(req, res).catch((err: unknown) => {
        console.error('[sandbox] push simulator request failed', err);
        if (!res.headersSent && !res.destroyed) this.write(res, { status: 500, text: 'sandbox internal error' });
      });
    });
    this.server.keepAliveTimeout = 5_000;
    // Raw TCP sockets: destroying them also ends connections still in the TLS handshake.
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get port(): number {
    return this.boundPort;
  }

  get origin(): string {
    const host = isIPv6(this.options.host) ? `[${this.options.host}]` : this.options.host;
    return `https://${host}:${this.boundPort}`;
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
    // Keep-alive connections would otherwise still carry pushes to a "down" service.
    this.server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** The fault this request suffers, counting it against `count`. */
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
    const { body, bodyBytes } = await readBody(req, this.options.keepBodyBytes);
    if (!this.listening || this.closed) {
      // Raced with `down`/close: the service is gone, so nothing is processed.
      req.socket.destroy();
      return;
    }
    this.requestsReceived += 1;
    const fault = this.takeFault();
    if (fault?.mode === 'http_500') {
      this.write(res, { status: 500, text: 'Internal Server Error' });
      return;
    }
    const result = this.options.handle({ method: (req.method ?? 'GET').toUpperCase(), url: req.url ?? '/', headers: req.headers, body, bodyBytes });
    if (fault?.mode === 'reset') {
      // Processed, then the connection is lost before any answer: the sender cannot know the push went out.
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

  private write(res: ServerResponse, result: PushHttpResponse): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(result.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(result.text), ...result.headers });
    res.end(result.text);
  }
}

async function readBody(req: IncomingMessage, keepBytes: number): Promise<{ body: Buffer; bodyBytes: number }> {
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
  return { body: Buffer.concat(chunks), bodyBytes };
}
