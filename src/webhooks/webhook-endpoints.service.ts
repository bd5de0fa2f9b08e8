import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { Clock } from '../common/clock';
import { SecretBox } from '../common/crypto/secret-box';
import { ApiError } from '../common/errors/api-error';
import { isId } from '../common/ids';
import { type IdempotencyScope, scopedId } from '../common/idempotency/idempotency-scope';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { presentWebhookEndpoint } from './webhook-endpoint.presenter';
import type { CreateWebhookEndpointInput, UpdateWebhookEndpointInput } from './webhook-endpoint.schemas';
import { WebhookHttpSender } from './webhook-http.sender';
import { generateWebhookSecret } from './webhook-signature';

/** Endpoints one app may have: enough for every environment of a client app, few enough to bound fan-out. */
export const MAX_ENDPOINTS_PER_APP = 20;
/** After a rotation the previous secret keeps signing this long, so receivers can switch without losing events. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3_600_000;

/** Webhook endpoints of an app: where its events go and the secret they are signed with. */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly box: SecretBox,
    private readonly http: WebhookHttpSender,
  ) {}

  async create(caller: AuthedCaller, input: CreateWebhookEndpointInput, scope: IdempotencyScope | null = null) {
    const id = scopedId('webhookEndpoint', scope);
    const existing = await this.em.fork().findOne(WebhookEndpoint, { id, appId: caller.appId });
    // A retry of an Idempotency-Key whose first attempt created it and died: its secret is shown again.
    if (existing) return presentWebhookEndpoint(existing, await this.box.open(existing.secretCiphertext));
    await this.assertAllowed(input.url);
    const count = await this.em.count(WebhookEndpoint, { appId: caller.appId, deletedAt: null });
    if (count >= MAX_ENDPOINTS_PER_APP) throw new ApiError('webhook_endpoint_limit_reached', `At most ${MAX_ENDPOINTS_PER_APP} endpoints per app`);
    const secret = generateWebhookSecret();
    const now = this.clock.now();
    const endpoint = Object.assign(new WebhookEndpoint(), {
      id,
      appId: caller.appId,
      url: input.url,
      description: input.description ?? null,
      events: input.events,
      status: 'enabled',
      secretCiphertext: await this.box.seal(secret),
      createdAt: now,
      updatedAt: now,
    } satisfies Partial<WebhookEndpoint>);
    await this.em.fork().insert(WebhookEndpoint, endpoint);
    return presentWebhookEndpoint(endpoint, secret);
  }

  async list(caller: AuthedCaller) {
    const rows = await this.em.find(WebhookEndpoint, { appId: caller.appId, deletedAt: null }, { orderBy: { id: 'desc' } });
    return { object: 'list' as const, data: rows.map((e) => presentWebhookEndpoint(e)), has_more: false, next_cursor: null };
  }

  async get(caller: AuthedCaller, id: string) {
    return presentWebhookEndpoint(await this.load(caller, id));
  }

  async update(caller: AuthedCaller, id: string, input: UpdateWebhookEndpointInput) {
    const endpoint = await this.load(caller, id);
    if (input.url !== undefined) {
      await this.assertAllowed(input.url);
      endpoint.url = input.url;
    }
    if (input.events !== undefined) endpoint.events = input.events;
    if (input.description !== undefined) endpoint.description = input.description;
    const now = this.clock.now();
    if (input.status === 'enabled' && endpoint.status !== 'enabled') {
      endpoint.status = 'enabled';
      endpoint.disabledAt = null;
      endpoint.disabledReason = null;
    } else if (input.status === 'disabled' && endpoint.status !== 'disabled') {
      endpoint.status = 'disabled';
      endpoint.disabledAt = now;
      endpoint.disabledReason = 'disabled through the API';
    }
    endpoint.updatedAt = now;
    await this.em.flush();
    return presentWebhookEndpoint(endpoint);
  }

  async delete(caller: AuthedCaller, id: string) {
    const endpoint = await this.load(caller, id);
    endpoint.deletedAt = this.clock.now();
    endpoint.updatedAt = endpoint.deletedAt;
    await this.em.flush();
    return { id: endpoint.id, object: 'webhook_endpoint' as const, deleted: true };
  }

  /** A new secret; the current one keeps signing (as a second signature) for 24 h. */
  async rotateSecret(caller: AuthedCaller, id: string) {
    const endpoint = await this.load(caller, id);
    const secret = generateWebhookSecret();
    const now = this.clock.now();
    endpoint.previousSecretCiphertext = endpoint.secretCiphertext;
    endpoint.previousSecretExpiresAt = new Date(now.getTime() + PREVIOUS_SECRET_GRACE_MS);
    endpoint.secretCiphertext = await this.box.seal(secret);
    endpoint.updatedAt = now;
    await this.em.flush();
    return presentWebhookEndpoint(endpoint, secret);
  }

  /** The app's endpoint (not deleted), 404 otherwise. */
  async load(caller: AuthedCaller, id: string): Promise<WebhookEndpoint> {
    if (!isId('webhookEndpoint', id)) throw ApiError.notFound('webhook endpoint');
    const endpoint = await this.em.findOne(WebhookEndpoint, { id, appId: caller.appId, deletedAt: null });
    if (!endpoint) throw ApiError.notFound('webhook endpoint');
    return endpoint;
  }

  /** The secrets a delivery is signed with now: the current one, and the previous one within its grace. */
  async signingSecrets(endpoint: WebhookEndpoint, now: Date): Promise<string[]> {
    const secrets = [await this.box.open(endpoint.secretCiphertext)];
    if (endpoint.previousSecretCiphertext && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
      secrets.push(await this.box.open(endpoint.previousSecretCiphertext));
    }
    return secrets;
  }

  private async assertAllowed(url: string): Promise<void> {
    const problem = await this.http.targets.checkUrlAndAddresses(url);
    if (problem) throw new ApiError('webhook_url_not_allowed', `${problem}; webhooks go to public http(s) URLs (private networks only when SMARTPAY_WEBHOOK_ALLOWED_NETWORKS allows them)`, { param: 'url' });
  }
}
