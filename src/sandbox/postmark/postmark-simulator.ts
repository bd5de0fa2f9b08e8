import { randomDigits, uuid } from '../random-values';
import { SimRouter } from '../sim-router';
import type { Clock, SimRequest, SimResponse } from '../sim-types';
import { SimulatorServer } from '../simulator-server';
import { WebhookSender } from '../webhook-sender';
import { addressProblem } from './postmark-addresses';
import { isTestToken, sameToken, tokenOf, type PostmarkContext } from './postmark-context';
import { invalidToken, methodNotAllowed, PM_ERRORS, payloadTooLarge, pmError, routeNotFound, serverError } from './postmark-errors';
import { recipientsOf } from './postmark-outbound';
import { registerReadRoutes } from './postmark-read-routes';
import { registerSendRoutes } from './postmark-send-routes';
import { PostmarkStore, type InactiveEntry, type OutgoingMessage, type StoredMessage } from './postmark-store';
import { fateOf, inactiveByName, type RecipientFate } from './postmark-test-addresses';
import { bouncePayload, DELIVERY_DETAILS, deliveryPayload, spamComplaintPayload, type BounceKind } from './postmark-webhooks';

/**
 * Postmark's HTTP API in miniature (postmark.md A1–A2), on its own loopback port: the official `postmark`
 * client works against it with `{ useHttps: false, requestHost: "127.0.0.1:<port>" }`.
 *
 * Endpoints: POST /email, /email/batch, /email/withTemplate, /email/batchWithTemplates; POST /templates,
 * GET /templates/{idOrAlias}; GET /messages/outbound, /messages/outbound/{id}/details. Every call needs
 * `X-Postmark-Server-Token: <serverToken>` (401, ErrorCode 10); sends also take `POSTMARK_API_TEST`, which
 * validates and answers without storing or delivering anything.
 *
 * Test data (the address alone decides, see postmark-test-addresses.ts):
 *   From `…@unknown-sender.test`       → 422 ErrorCode 400      From `…@unconfirmed-sender.test` → 422 ErrorCode 401
 *   To `inactive@…` / `inactive+…@…`   → 422 ErrorCode 406 (also any address on the inactive list)
 *   To `hardbounce…@…`                 → 200, then Bounce HardBounce (Inactive) and the address turns inactive
 *   To `softbounce…@…`                 → 200, then Bounce SoftBounce (stays active)
 *   To `spam…@…`                       → 200, Delivery, then SpamComplaint and the address turns inactive
 *   any other recipient                → 200, then Delivery
 * Events follow the answer by `eventDelayMs` and go to one webhook target (Postmark configures one per
 * message stream; the simulator has one for all), with HTTP Basic auth when a user is set.
 */

export interface PostmarkWebhookTarget {
  url: string;
  /** HTTP Basic auth, as Postmark's webhook `HttpAuth` (or `https://user:pass@host/…`) sends it. */
  user?: string;
  password?: string;
}

export interface PostmarkSimulatorOptions {
  host: string;
  port: number;
  serverToken: string;
  now: Clock;
  baseLatencyMs: number;
  webhook: PostmarkWebhookTarget | null;
  webhookRetryDelaysMs: number[];
  /** From accepting a message to its first event (default 25 ms), so the API answer arrives first. */
  eventDelayMs?: number;
}

/** A batch may carry up to 50 MB (postmark.md A1); single messages are held to 10 MB by validation. */
const MAX_REQUEST_BYTES = 50 * 1024 * 1024;
const DEFAULT_EVENT_DELAY_MS = 25;

/** `https://user:pass@host/…` → the URL without credentials plus Basic auth (fetch refuses credentials in URLs). */
function normaliseTarget(target: PostmarkWebhookTarget | null): PostmarkWebhookTarget | null {
  if (!target) return null;
  const url = new URL(target.url);
  if (url.username === '' && url.password === '') return { ...target };
  const user = target.user ?? decodeURIComponent(url.username);
  const password = target.password ?? decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  return { url: url.toString(), user, password };
}

export class PostmarkSimulator {
  readonly store = new PostmarkStore();
  readonly server: SimulatorServer;
  readonly webhooks: WebhookSender;
  /** Postmark's numeric server id, carried by every webhook. */
  readonly serverId = Number(randomDigits(7));
  private readonly router = new SimRouter();
  private readonly ctx: PostmarkContext;
  private readonly timers = new Set<NodeJS.Timeout>();
  private webhook: PostmarkWebhookTarget | null;
  private closed = false;

  constructor(private readonly options: PostmarkSimulatorOptions) {
    this.webhook = normaliseTarget(options.webhook);
    this.webhooks = new WebhookSender({ retryDelaysMs: options.webhookRetryDelaysMs, timeoutMs: 10_000 });
    this.server = new SimulatorServer({
      host: options.host,
      port: options.port,
      baseLatencyMs: options.baseLatencyMs,
      jsonContentType: 'application/json; charset=utf-8',
      handle: (req) => this.handle(req),
      serverError,
      maxBodyBytes: MAX_REQUEST_BYTES,
      payloadTooLarge,
    });
    this.ctx = { store: this.store, now: options.now, serverId: this.serverId, accept: (m) => this.accept(m) };
    registerSendRoutes(this.router, this.ctx);
    registerReadRoutes(this.router, this.ctx);
  }

  /** The origin: the official client builds `http://<requestHost>/email`. */
  get baseUrl(): string {
    return this.server.origin;
  }

  get serverToken(): string {
    return this.options.serverToken;
  }

  get webhookTarget(): PostmarkWebhookTarget | null {
    return this.webhook ? { ...this.webhook } : null;
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  setWebhookTarget(target: PostmarkWebhookTarget | null): void {
    this.webhook = normaliseTarget(target);
  }

  /** Accepted messages, newest first (control endpoint). */
  messages(): StoredMessage[] {
    return this.store.messages.newestFirst();
  }

  clearMessages(): void {
    this.store.clearMessages();
  }

  inactiveAddresses(): InactiveEntry[] {
    return this.store.inactiveList();
  }

  /** Control hook: a manual suppression. Null when the address is not valid. */
  deactivate(email: string): InactiveEntry | null {
    if (addressProblem(email) !== null) return null;
    return this.store.deactivate(email, 'ManualSuppression', true, new Date(this.options.now()).toISOString());
  }

  /** Control hook: true when the address was inactive (listed, or by its name) and is active now. */
  reactivate(email: string): boolean {
    return this.store.reactivate(email, inactiveByName(email));
  }

  /** Resolves once no event is scheduled and no webhook attempt is running or waiting (tests). */
  async idle(): Promise<void> {
    for (;;) {
      while (this.timers.size > 0) await new Promise((r) => setTimeout(r, 5));
      await this.webhooks.idle();
      if (this.timers.size === 0) return;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.server.close();
    await this.webhooks.close();
  }

  /** Route, then token, then the JSON checks every POST shares, then the route itself. */
  private async handle(req: SimRequest): Promise<SimResponse> {
    const match = this.router.match(req.method, req.path);
    if (match.kind === 'not_found') return routeNotFound(req.method, req.path);
    if (match.kind === 'method_not_allowed') return methodNotAllowed(req.method, req.path);
    const token = tokenOf(req);
    const testAllowed = req.path.startsWith('/email') && isTestToken(req);
    if (!testAllowed && !sameToken(token, this.options.serverToken)) return invalidToken(token === undefined || token.trim() === '');
    if (req.method === 'POST') {
      // Postmark's own code for this is 409 "JSON required" (postmark.md A1), answered as its other request
      // errors (422 + ErrorCode), so a client sees a Postmark error rather than a bare 415.
      if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? '').trim())) {
        return pmError(422, PM_ERRORS.jsonRequired, "JSON required: send the body as JSON with 'Content-Type: application/json' and 'Accept: application/json'.");
      }
      if (req.invalidJson || req.body === undefined) return pmError(422, PM_ERRORS.invalidJson, 'Invalid JSON: the request body could not be parsed as JSON.');
    }
    return match.handler({ ...req, params: match.params });
  }

  /** Stores the message and schedules one fate per distinct recipient, after the answer has gone out. */
  private accept(message: OutgoingMessage): StoredMessage {
    const stored: StoredMessage = { ...message, MessageID: uuid(), received_at: this.isoNow(), events: [] };
    this.store.messages.add(stored);
    for (const recipient of recipientsOf(stored)) {
      const fate = fateOf(recipient);
      this.later(() => this.firstEvent(stored, recipient, fate));
    }
    return stored;
  }

  private firstEvent(m: StoredMessage, recipient: string, fate: RecipientFate): void {
    switch (fate) {
      case 'delivered':
        this.delivered(m, recipient);
        break;
      case 'spam_complaint':
        this.delivered(m, recipient);
        this.later(() => this.spamComplaint(m, recipient));
        break;
      case 'hard_bounce':
        this.bounced(m, recipient, 'HardBounce');
        break;
      case 'soft_bounce':
        this.bounced(m, recipient, 'SoftBounce');
        break;
    }
  }

  private delivered(m: StoredMessage, recipient: string): void {
    const at = this.isoNow();
    m.events.push({ Recipient: recipient, Type: 'Delivered', ReceivedAt: at, Details: { DeliveryMessage: DELIVERY_DETAILS, DestinationServer: 'mx.sandbox.invalid', DestinationIP: '127.0.0.1' } });
    this.post('Delivery', deliveryPayload(m, recipient, { serverId: this.serverId, at }));
  }

  private bounced(m: StoredMessage, recipient: string, kind: BounceKind): void {
    const at = this.isoNow();
    const id = this.store.bounceId();
    const payload = bouncePayload(m, recipient, kind, id, { serverId: this.serverId, at });
    if (kind === 'HardBounce') this.store.deactivate(recipient, 'HardBounce', true, at);
    m.events.push({ Recipient: recipient, Type: 'Bounced', ReceivedAt: at, Details: { Summary: payload.Description, BounceID: id } });
    this.post('Bounce', payload);
  }

  private spamComplaint(m: StoredMessage, recipient: string): void {
    const at = this.isoNow();
    const payload = spamComplaintPayload(m, recipient, this.store.bounceId(), { serverId: this.serverId, at });
    this.store.deactivate(recipient, 'SpamComplaint', false, at);
    m.events.push({ Recipient: recipient, Type: 'SpamComplaint', ReceivedAt: at, Details: { Summary: payload.Description } });
    this.post('SpamComplaint', payload);
  }

  /** Postmark does not sign webhooks (postmark.md A2): Basic auth is the protection it offers. */
  private post(recordType: string, payload: Record<string, unknown>): void {
    const target = this.webhook;
    if (!target) return;
    const auth = target.user !== undefined ? `Basic ${Buffer.from(`${target.user}:${target.password ?? ''}`).toString('base64')}` : undefined;
    this.webhooks.send({
      url: target.url,
      event: recordType,
      body: JSON.stringify(payload),
      headers: (): Record<string, string> => (auth ? { Authorization: auth } : {}),
    });
  }

  private later(fn: () => void): void {
    if (this.closed) return;
    const delay = (this.options.eventDelayMs ?? DEFAULT_EVENT_DELAY_MS) + this.options.baseLatencyMs;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) fn();
    }, delay);
    this.timers.add(timer);
  }

  private isoNow(): string {
    return new Date(this.options.now()).toISOString();
  }
}
