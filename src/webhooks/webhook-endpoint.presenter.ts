import type { WebhookEndpoint } from './webhook-endpoint.entity';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The public WebhookEndpoint object; the secret only when it was just created or rotated. */
export function presentWebhookEndpoint(e: WebhookEndpoint, secret?: string) {
  return {
    id: e.id,
    object: 'webhook_endpoint' as const,
    url: e.url,
    events: e.events,
    description: e.description,
    status: e.status,
    disabled_reason: e.disabledReason,
    ...(secret !== undefined ? { secret } : {}),
    previous_secret_expires_at: iso(e.previousSecretExpiresAt),
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}
