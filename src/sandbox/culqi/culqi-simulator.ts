import { SimRouter } from '../sim-router';
import type { Clock, SimRequest, SimResponse } from '../sim-types';
import { SimulatorServer } from '../simulator-server';
import { WebhookSender } from '../webhook-sender';
import { registerChargeRoutes } from './culqi-charge-routes';
import { culqiId, type CulqiContext, type KeyRole } from './culqi-context';
import { registerCustomerRoutes } from './culqi-customer-routes';
import { CulqiErrors } from './culqi-errors';
import { listPage } from './culqi-list';
import type { CulqiEvent, CulqiOrder } from './culqi-objects';
import { moveOrder, registerOrderRoutes } from './culqi-order-routes';
import { registerRefundRoutes } from './culqi-refund-routes';
import { CulqiStore } from './culqi-store';
import { registerTokenRoutes } from './culqi-token-routes';

export interface CulqiWebhookTarget {
  url: string;
  /** Optional HTTP Basic auth, as configured per webhook in CulqiPanel (culqi.md §8.1). */
  user?: string;
  password?: string;
}

export interface CulqiSimulatorOptions {
  host: string;
  port: number;
  publicKey: string;
  secretKey: string;
  now: Clock;
  /** Card and Yape tokens expire 5 minutes after creation; tests shorten it. */
  tokenTtlMs: number;
  /** HTTP status of parameter_error: 422 per the docs (unconfirmed on the wire, culqi.md §6.2). */
  parameterErrorStatus: number;
  baseLatencyMs: number;
  webhook: CulqiWebhookTarget | null;
  /** Event types to deliver (as subscribed in the panel); undefined = all. */
  webhookEvents?: string[];
  webhookRetryDelaysMs: number[];
}

/**
 * Culqi API v2 in miniature, on its own loopback port: it plays both api.culqi.com and secure.culqi.com
 * (one server, both base URLs `http://127.0.0.1:<port>/v2`).
 */
export class CulqiSimulator {
  readonly store = new CulqiStore();
  readonly server: SimulatorServer;
  readonly webhooks: WebhookSender;
  private readonly ctx: CulqiContext;
  private readonly router = new SimRouter();
  private webhook: CulqiWebhookTarget | null;

  constructor(private readonly options: CulqiSimulatorOptions) {
    const errors = new CulqiErrors(options.parameterErrorStatus);
    this.webhook = options.webhook;
    this.webhooks = new WebhookSender({ retryDelaysMs: options.webhookRetryDelaysMs, timeoutMs: 5_000 });
    this.server = new SimulatorServer({
      host: options.host,
      port: options.port,
      baseLatencyMs: options.baseLatencyMs,
      jsonContentType: 'application/json;charset=UTF-8',
      handle: (req) => this.handle(req),
      serverError: () => errors.server(),
    });
    this.ctx = {
      store: this.store,
      now: options.now,
      errors,
      tokenTtlMs: options.tokenTtlMs,
      apiBase: () => this.baseUrl,
      authorize: (req, role) => this.authorize(req, role),
      emit: (type, data) => this.emit(type, data),
    };
    registerTokenRoutes(this.router, this.ctx);
    registerChargeRoutes(this.router, this.ctx);
    registerRefundRoutes(this.router, this.ctx);
    registerCustomerRoutes(this.router, this.ctx);
    registerOrderRoutes(this.router, this.ctx);
    this.registerEventRoutes();
  }

  get publicKey(): string {
    return this.options.publicKey;
  }

  get secretKey(): string {
    return this.options.secretKey;
  }

  /** Both the api and the secure base URL. */
  get baseUrl(): string {
    return `${this.server.origin}/v2`;
  }

  get webhookTarget(): CulqiWebhookTarget | null {
    return this.webhook ? { ...this.webhook } : null;
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  setWebhookTarget(target: CulqiWebhookTarget | null): void {
    this.webhook = target ? { ...target } : null;
  }

  /** Control hook: moves an order to paid/expired/deleted (or confirms it) and sends order.status.changed. */
  moveOrder(id: string, state: unknown): { order: CulqiOrder } | { status: number; error: string } {
    return moveOrder(this.ctx, id, state);
  }

  async close(): Promise<void> {
    await this.server.close();
    await this.webhooks.close();
  }

  private async handle(req: SimRequest): Promise<SimResponse> {
    const match = this.router.match(req.method, req.path);
    if (match.kind === 'not_found') return this.ctx.errors.routeNotFound();
    if (match.kind === 'method_not_allowed') return this.ctx.errors.methodNotAllowed();
    if (req.invalidJson) return this.ctx.errors.invalidRequest();
    return match.handler({ ...req, params: match.params });
  }

  private authorize(req: SimRequest, role: KeyRole): SimResponse | null {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const key = match?.[1];
    const ok =
      (role !== 'public' && key === this.options.secretKey) || (role !== 'secret' && key === this.options.publicKey);
    return ok ? null : this.ctx.errors.authentication();
  }

  /** Records the event and POSTs it to the configured target: `data` travels as a JSON string (§8.2). */
  private emit(type: string, data: unknown): void {
    const event: CulqiEvent = { object: 'event', id: culqiId('evt'), type, creation_date: this.options.now(), data: JSON.stringify(data) };
    this.store.events.add(event);
    const target = this.webhook;
    if (!target || (this.options.webhookEvents && !this.options.webhookEvents.includes(type))) return;
    const auth = target.user !== undefined ? `Basic ${Buffer.from(`${target.user}:${target.password ?? ''}`).toString('base64')}` : undefined;
    this.webhooks.send({
      url: target.url,
      event: type,
      body: JSON.stringify(event),
      headers: (): Record<string, string> => (auth ? { Authorization: auth } : {}),
    });
  }

  private registerEventRoutes(): void {
    this.router.add('GET', '/v2/events', (req) => {
      const denied = this.authorize(req, 'secret');
      if (denied) return denied;
      const type = req.query.get('type');
      const events = this.store.events.newestFirst().filter((e) => type === null || e.type === type);
      return listPage(this.ctx, req, 'events', events, (e) => e.creation_date);
    });
    this.router.add('GET', '/v2/events/:id', (req) => {
      const denied = this.authorize(req, 'secret');
      if (denied) return denied;
      const event = this.store.events.get(req.params.id ?? '');
      return event ? { status: 200, body: event } : this.ctx.errors.notFound('el evento', req.params.id ?? '');
    });
  }
}
