import type { Dispatcher } from 'undici';
import type { GatewayErrorClass } from './gateway-call.entity';
import type { GatewayDispatchHandler } from './gateway-http-agent';
import type { GatewayHttpResult } from './gateway-http.client';

export interface ExchangeLimits {
  /** The gateway's time: from the moment the request is written to a socket to the last byte of the answer. */
  timeoutMs: number;
  /** SmartPay's time before that moment: waiting in the pool's queue for a connection, and opening it. */
  queueTimeoutMs: number;
}

/**
 * `queued`: in the pool's queue; `connecting`: handed to a connection that is not yet open; `sent`: written
 * to a socket; `done`: settled (answered, failed, or given up — a request given up before `sent` is
 * dropped by undici without a byte written when its turn comes).
 */
type Phase = 'queued' | 'connecting' | 'sent' | 'done';

const timedOut = (): GatewayHttpResult => ({ kind: 'error', errorClass: 'timeout', message: 'no answer within the timeout', notSent: false });
const queueTimedOut = (): GatewayHttpResult => ({
  kind: 'error',
  errorClass: 'pool_queue_timeout',
  message: 'no free connection within the queue timeout; not sent',
  notSent: true,
});

/**
 * One request/answer with a gateway, as undici's dispatch handler: it collects the answer and runs the
 * two bounds of ExchangeLimits, one after the other, each with one timer:
 *
 * 1. From the call until the request is written, `queueTimeoutMs`. Giving up while still in the pool's
 *    queue is `pool_queue_timeout`, notSent (certainly not sent: undici writes a request only after
 *    `onRequestStart`, which then aborts it). Giving up while its connection is still being opened stays
 *    `timeout`, as before this bound existed: a connect that does not complete is the gateway's (or the
 *    network's) doing and must keep counting for its circuit.
 * 2. From `onRequestStart` to the end of the body, `timeoutMs`. undici calls `onRequestStart` (its
 *    `onConnect` for legacy handlers) in `writeH1`, on a connected socket, synchronously just before it
 *    writes the request line and headers, and only there: it is the dispatch moment, after any queueing
 *    and connecting (and, on a reused keep-alive socket, after the one loop turn undici 7.30 waits so that
 *    a FIN or RST the gateway already sent is seen before anything is written onto that socket).
 */
export class GatewayExchange implements GatewayDispatchHandler {
  readonly result: Promise<GatewayHttpResult>;
  private settle!: (result: GatewayHttpResult) => void;
  private phase: Phase = 'queued';
  private timer: NodeJS.Timeout;
  private controller: Dispatcher.DispatchController | null = null;
  private status = 0;
  private chunks: Buffer[] = [];

  constructor(private readonly limits: ExchangeLimits) {
    this.result = new Promise((resolve) => (this.settle = resolve));
    this.timer = setTimeout(() => this.expire('queue'), limits.queueTimeoutMs);
  }

  onConnectionAssigned(): void {
    if (this.phase === 'queued') this.phase = 'connecting';
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // Given up while waiting: abort before undici writes anything (it checks right after this callback).
    if (this.phase === 'done') return controller.abort(new GaveUpBeforeSending());
    if (this.phase === 'sent') return; // cannot happen without pipelining; the running timer stays
    this.phase = 'sent';
    this.controller = controller;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.expire('exchange'), this.limits.timeoutMs);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    if (statusCode >= 200) this.status = statusCode; // 1xx are interim
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.phase !== 'done') this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const text = decodeUtf8(this.chunks);
    this.finish({ kind: 'response', status: this.status, text, json: parseJson(text) });
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.finish(classifyError(err));
  }

  /**
   * A bound ran out — maybe only on our side. When the event loop was blocked (a saturated SmartPay), due
   * timers run at the start of the next loop turn, BEFORE that turn polls the sockets: an answer that
   * arrived during the block is still unread in the socket buffer, and timing out then would blame the
   * gateway for our own lag. `setImmediate` runs right after that poll phase, when undici has read and
   * parsed whatever had arrived (and a socket freed meanwhile has taken the next queued request). So the
   * call gives up only if, after I/O had that one chance, it is still unfinished (resp. still unsent): a
   * gateway that is really late, or a body that stopped arriving, is still cut.
   */
  private expire(bound: 'queue' | 'exchange'): void {
    setImmediate(() => {
      if (bound === 'exchange' && this.phase === 'sent') {
        this.finish(timedOut());
        this.controller?.abort(new CallTimeout()); // destroys the socket; its onResponseError is ignored
      } else if (bound === 'queue' && this.phase === 'queued') {
        this.finish(queueTimedOut());
      } else if (bound === 'queue' && this.phase === 'connecting') {
        this.finish(timedOut());
      }
    });
  }

  private finish(result: GatewayHttpResult): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    clearTimeout(this.timer);
    this.chunks = [];
    this.settle(result);
  }
}

/** The abort reason of a call that ran out of time (named like the DOMException `AbortSignal.timeout` uses). */
class CallTimeout extends Error {
  override name = 'TimeoutError';
  constructor() {
    super('no answer within the timeout');
  }
}

/** The abort reason of a request dropped before it was written (its call has already settled). */
class GaveUpBeforeSending extends Error {
  constructor() {
    super('gave up before the request was written');
  }
}

/** UTF-8, without a leading byte order mark (as undici's `body.text()` did). */
function decodeUtf8(chunks: Buffer[]): string {
  if (chunks.length === 0) return '';
  const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  const start = buffer.length > 2 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  return buffer.toString('utf8', start);
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

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
 * undici's own timeouts. The exchange's timers are what normally fire; these only show up if an undici
 * limit is hit first. `UND_ERR_CONNECT_TIMEOUT` means no TCP/TLS connection was made, so strictly nothing
 * was sent, but it stays `timeout` with notSent false, as does a connect that outlasts `queueTimeoutMs`.
 * The exchange could now report both as not sent (it knows no byte was written); that would let a stalled
 * connect fail over to another gateway, a decision of its own that is not taken here.
 */
const TIMEOUT_CODES = new Set(['UND_ERR_ABORTED', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

interface ErrorShape {
  name?: string;
  message?: string;
  code?: string;
  cause?: { code?: string; name?: string; message?: string };
  errors?: { code?: string }[];
}

/**
 * undici puts the code on the error itself (`ECONNREFUSED`, `UND_ERR_SOCKET`, TLS codes); `fetch`
 * wrapped it in `cause`; Node's dual-stack connect reports an AggregateError whose attempts carry it.
 * All three shapes are read.
 */
function classifyError(err: unknown): GatewayHttpResult {
  const e = (err ?? {}) as ErrorShape;
  const code = e.code ?? e.cause?.code ?? e.errors?.[0]?.code ?? '';
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.cause?.name === 'TimeoutError' || TIMEOUT_CODES.has(code)) return timedOut();
  const notSent = NOT_SENT.get(code);
  if (notSent) return { kind: 'error', errorClass: notSent, message: code, notSent: true };
  // Anything else (reset, socket closed mid-answer, pool closed or destroyed) may have reached the gateway.
  return { kind: 'error', errorClass: 'reset', message: code || e.cause?.message || e.message || 'connection lost', notSent: false };
}
