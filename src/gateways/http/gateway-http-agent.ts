import { Agent, Client, Pool, type Dispatcher } from 'undici';

/** A call's undici handler, told one more thing by the pool: when its request got a connection. */
export interface GatewayDispatchHandler extends Dispatcher.DispatchHandler {
  /**
   * The request left the pool's queue for a connection of its own, which may still be connecting. From
   * here on, what it waits for (TCP/TLS connect) depends on the gateway and the network, not on SmartPay.
   */
  onConnectionAssigned(): void;
}

export interface GatewayHttpAgentOptions {
  /** Sockets per origin; calls beyond them wait in the pool's queue. */
  connections: number;
  /** undici's connector; only tests replace it (e.g. with one that never connects). */
  connect?: Agent.Options['connect'];
}

/**
 * The connection pool every gateway call goes through: one per process (`gatewayHttpAgent`), shared by
 * the server and the CLI, so connections to Culqi and Mercado Pago are reused across calls instead of
 * opened per call.
 *
 * - `connections`: at most 128 sockets per origin. Calls beyond that wait in the pool's queue. That wait
 *   is SmartPay's own (a saturated process, or every socket busy) and does NOT count against the call's
 *   gateway timeout, whose clock starts when the request is written to a socket; the wait has its own,
 *   separate bound (GatewayHttpClient's `queueTimeoutMs`), and a call dropped there was never sent.
 * - `keepAliveTimeout`: an idle socket is kept 4 s when the gateway says nothing; when it sends a
 *   `Keep-Alive: timeout=…` hint, undici closes ours a margin earlier than the gateway would, so a POST
 *   is not written onto a socket the gateway is closing (that would surface as an ambiguous `reset`).
 * - pipelining stays undici's default of 1: a request is written only once its socket is free, so
 *   "written" happens once per request, at the `onRequestStart` the exchange relies on.
 *
 * Each origin's pool makes its connections as `AssigningClient`s, which report the moment the pool hands
 * a request to one of them (`onConnectionAssigned`): that tells "still in the pool's queue" from "opening
 * a connection for it" when a call gives up before its request was written.
 *
 * The shared pool is never closed on purpose: undici unrefs idle sockets and its timers, so an idle pool
 * does not keep the process (or a test worker) alive, and closing a shared pool from one Nest app's
 * shutdown hook would break another app (tests run several in one process) or a hook that still calls a
 * gateway. Pools made for a test are closed by it.
 */
export class GatewayHttpAgent {
  /** The handler of each dispatched request, by its options object (the one undici hands from agent to pool to connection). */
  private readonly handlers = new WeakMap<Dispatcher.DispatchOptions, GatewayDispatchHandler>();
  private readonly agent: Agent;

  constructor(options: GatewayHttpAgentOptions) {
    const handlers = this.handlers;
    this.agent = new Agent({
      connections: options.connections,
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 60_000,
      ...(options.connect ? { connect: options.connect } : {}),
      // Always a Pool (undici's default factory makes a bare Client for connections: 1), with our clients.
      factory: (origin, poolOptions) => new Pool(origin, { ...poolOptions, factory: (o, clientOptions) => new AssigningClient(o, clientOptions, handlers) }),
    });
  }

  /** Starts one request; everything that happens to it afterwards reaches `handler`. */
  dispatch(options: Dispatcher.DispatchOptions, handler: GatewayDispatchHandler): void {
    this.handlers.set(options, handler);
    this.agent.dispatch(options, handler);
  }

  /** Waits for the requests in flight or queued, then closes the sockets (tests). */
  close(): Promise<void> {
    return this.agent.close();
  }

  /** Drops everything at once (tests). */
  destroy(): Promise<void> {
    return this.agent.destroy();
  }
}

/** One connection of a pool; reports each request the pool hands it before undici queues it there. */
class AssigningClient extends Client {
  constructor(
    origin: string | URL,
    options: Client.Options,
    private readonly handlers: WeakMap<Dispatcher.DispatchOptions, GatewayDispatchHandler>,
  ) {
    super(origin, options);
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.handlers.get(options)?.onConnectionAssigned();
    return super.dispatch(options, handler);
  }
}

export const gatewayHttpAgent = new GatewayHttpAgent({ connections: 128 });
