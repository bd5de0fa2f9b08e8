import { SimRouter } from '../sim-router';
import type { Clock, SimRequest, SimResponse } from '../sim-types';
import { SimulatorServer } from '../simulator-server';
import { WebhookSender } from '../webhook-sender';
import { registerCardTokenRoutes } from './mp-card-token-routes';
import type { MpContext, PaymentAction } from './mp-context';
import { registerCustomerRoutes } from './mp-customer-routes';
import { mpError, serverError, unauthorized } from './mp-errors';
import { notificationTarget, signatureHeaders } from './mp-notifications';
import type { PaymentRecord } from './mp-objects';
import { applyOutcome } from './mp-payment-builder';
import { registerPaymentRoutes } from './mp-payment-routes';
import { registerRefundRoutes } from './mp-refund-routes';
import { MpStore } from './mp-store';
import { DEFAULT_STATUS_DETAIL } from './mp-test-cards';
import { expireChallenges, registerThreeDsRoutes } from './mp-three-ds';
import { mpDate } from './mp-values';

export interface MercadoPagoSimulatorOptions {
  host: string;
  port: number;
  publicKey: string;
  accessToken: string;
  webhookSecret: string;
  /** The seller's user id (collector_id, user_id in notifications). */
  userId: number;
  now: Clock;
  /** Card tokens stay usable this long (7 days per Mercado Pago's own notes). */
  tokenTtlMs: number;
  /** A 3-D Secure challenge not completed in time is cancelled (about 5 minutes, mercadopago.md §7). */
  challengeTtlMs: number;
  baseLatencyMs: number;
  webhookRetryDelaysMs: number[];
}

const PAYMENT_STATUSES = Object.keys(DEFAULT_STATUS_DETAIL);

/** Mercado Pago's REST API in miniature (base URL `http://127.0.0.1:<port>`), notifications included. */
export class MercadoPagoSimulator {
  readonly store = new MpStore();
  readonly server: SimulatorServer;
  readonly webhooks: WebhookSender;
  private readonly ctx: MpContext;
  private readonly router = new SimRouter();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: MercadoPagoSimulatorOptions) {
    this.webhooks = new WebhookSender({ retryDelaysMs: options.webhookRetryDelaysMs, timeoutMs: 22_000 });
    this.server = new SimulatorServer({
      host: options.host,
      port: options.port,
      baseLatencyMs: options.baseLatencyMs,
      jsonContentType: 'application/json; charset=utf-8',
      acceptsForm: (path) => path.startsWith('/3ds/'),
      handle: (req) => this.handle(req),
      serverError,
    });
    this.ctx = {
      store: this.store,
      now: options.now,
      origin: () => this.baseUrl,
      publicKey: options.publicKey,
      userId: options.userId,
      tokenTtlMs: options.tokenTtlMs,
      challengeTtlMs: options.challengeTtlMs,
      authorize: (req, publicKeyToo) => this.authorize(req, publicKeyToo ?? false),
      notify: (record, action) => this.notify(record, action),
    };
    registerCardTokenRoutes(this.router, this.ctx);
    registerPaymentRoutes(this.router, this.ctx);
    registerRefundRoutes(this.router, this.ctx);
    registerCustomerRoutes(this.router, this.ctx);
    registerThreeDsRoutes(this.router, this.ctx);
    // Lapsed 3-D Secure challenges are cancelled even when nobody reads the payment.
    this.sweeper = setInterval(() => expireChallenges(this.ctx), 1_000);
    this.sweeper.unref();
  }

  get baseUrl(): string {
    return this.server.origin;
  }

  get publicKey(): string {
    return this.options.publicKey;
  }

  get accessToken(): string {
    return this.options.accessToken;
  }

  get webhookSecret(): string {
    return this.options.webhookSecret;
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  /** All payments, newest first (control endpoint; the real search is GET /v1/payments/search). */
  payments(): Record<string, unknown>[] {
    expireChallenges(this.ctx);
    return this.store.payments.newestFirst().map((r) => structuredClone(r.json));
  }

  /** Control hook: moves a payment as the real service would later (approval, chargeback…) and notifies. */
  setPaymentStatus(id: string, status: unknown, statusDetail: unknown): { payment: Record<string, unknown> } | { status: number; error: string } {
    const record = this.store.payments.get(id);
    if (!record) return { status: 404, error: `payment ${id} not found` };
    if (typeof status !== 'string' || !PAYMENT_STATUSES.includes(status)) return { status: 400, error: `status must be one of ${PAYMENT_STATUSES.join(', ')}` };
    if (statusDetail !== undefined && (typeof statusDetail !== 'string' || statusDetail === '')) return { status: 400, error: 'status_detail must be a non-empty string' };
    applyOutcome(this.ctx, record, { status, status_detail: statusDetail ?? DEFAULT_STATUS_DETAIL[status] ?? status });
    this.notify(record, 'payment.updated');
    return { payment: structuredClone(record.json) };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.server.close();
    await this.webhooks.close();
  }

  private async handle(req: SimRequest): Promise<SimResponse> {
    const match = this.router.match(req.method, req.path);
    if (match.kind === 'not_found') return mpError(404, 'not_found', 'resource not found');
    if (match.kind === 'method_not_allowed') return mpError(405, 'method_not_allowed', 'method not allowed');
    if (req.invalidJson) return mpError(400, 'bad_request', 'JSON parse error', [{ code: 1, description: 'Params Error' }]);
    return match.handler({ ...req, params: match.params });
  }

  private authorize(req: SimRequest, publicKeyToo: boolean): SimResponse | null {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer === this.options.accessToken) return null;
    if (publicKeyToo && req.query.get('public_key') === this.options.publicKey) return null;
    return unauthorized(bearer === undefined && req.query.get('public_key') === null);
  }

  /** POSTs the notification of §6 to the payment's notification_url, signed afresh on every attempt. */
  private notify(record: PaymentRecord, action: PaymentAction): void {
    const notificationUrl = record.json.notification_url;
    if (!notificationUrl) return;
    const dataId = String(record.json.id);
    const body = JSON.stringify({
      id: this.store.nextNotificationId(),
      live_mode: false,
      type: 'payment',
      date_created: mpDate(this.options.now()),
      user_id: this.options.userId,
      api_version: 'v1',
      action,
      data: { id: dataId },
    });
    this.webhooks.send({
      url: notificationTarget(notificationUrl, record.json.id),
      event: action,
      body,
      headers: () => signatureHeaders(this.options.webhookSecret, dataId, Date.now()),
    });
  }
}
