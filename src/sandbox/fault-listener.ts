import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIPv6, type Socket } from 'node:net';
import type { FaultSpec } from './fault-spec';

/** Where random simulator ports come from: below Linux's default ephemeral range (32768–60999). */
const STATIC_PORTS = { from: 20_000, to: 32_000 };

/** An answer as it goes on the wire. */
export interface WireResponse {
  status: number;
  text: string;
  contentType: string;
  headers?: Record<string, string>;
}

/** What reading a request gave: the request for the simulator, or an answer that ends it at once (413…). */
export type ReadResult<R> = { request: R } | { answer: WireResponse };

export interface FaultListenerOptions<R> {
  host: string;
  /**
   * 0 = a random free port below the kernel's ephemeral range, kept across `down` → clear so the base URL
   * stays valid. Not an ephemeral port (`listen(0)`): while `down` frees it, any outgoing connection of the
   * machine could take it as its local port and the simulator could not come back.
   */
  port: number;
  /** HTTPS with this key and certificate (the push service: web-push speaks nothing else); plain HTTP without. */
  tls?: { key: string; cert: string };
  /** Added to every answer (benchmarks: a service is never instantaneous). */
  baseLatencyMs?: number;
  read: (req: IncomingMessage) => Promise<ReadResult<R>>;
  handle: (request: R) => Promise<WireResponse> | WireResponse;
  /** The answer to an injected `http_500`, as the imitated service's edge would send it. */
  serverError: () => WireResponse;
  /** Logged when a request fails inside the simulator. */
  name: string;
}

/**
 * One loopback listener that plays an outside service, with fault injection (api.md "Sandbox"): `down`
 * closes the port, `http_500` answers 500 without processing, `timeout`/`latency` process and answer late,
 * `reset` processes and drops the connection unanswered; `count` limits a fault to the next N requests.
 * The simulators supply how a request is read and answered; the listener owns sockets, ports and faults.
 */
export class FaultListener<R> {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private fault: FaultSpec | null = null;
  private boundPort: number;
  private listening = false;
  private closed = false;
  /** Requests that reached the simulator (refused connections never do). */
  requestsReceived = 0;

  constructor(private readonly options: FaultListenerOptions<R>) {
    this.boundPort = options.port;
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      this.onRequest(req, res).catch((err: unknown) => {
        console.error(`[sandbox] ${options.name} request failed`, err);
        if (!res.headersSent && !res.destroyed) this.write(res, { status: 500, text: 'sandbox internal error', contentType: 'text/plain; charset=utf-8' });
      });
    };
    this.server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) : createHttpServer(onRequest);
    this.server.keepAliveTimeout = 5_000;
    // Raw TCP sockets: destroying them also ends connections still in a TLS handshake.
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
    return `${this.options.tls ? 'https' : 'http'}://${host}:${this.boundPort}`;
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
    const read = await this.options.read(req);
    if ('answer' in read) {
      this.write(res, read.answer);
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
    const result = await this.options.handle(read.request);
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

  private write(res: ServerResponse, result: WireResponse): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(result.status, { 'Content-Type': result.contentType, 'Content-Length': Buffer.byteLength(result.text), ...result.headers });
    res.end(result.text);
  }
}
