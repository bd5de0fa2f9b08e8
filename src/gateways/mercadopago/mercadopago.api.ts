import type { CallContext, GatewayCallRecord } from '../payment-gateway.port';
import type { GatewayHttpClient, GatewayHttpRequest, GatewayHttpResult } from '../http/gateway-http.client';
import { maskEmail, REDACTED } from '../http/redact';
import { withRetries, type RetryRun } from './mercadopago.retry';
import { retryPolicyOf, type MercadoPagoSettings, type RetryPolicy } from './mercadopago.settings';

export type MercadoPagoOperation =
  | 'create_payment'
  | 'get_card_token'
  | 'search_payment_methods'
  | 'get_payment'
  | 'search_payments'
  | 'create_refund'
  | 'list_refunds'
  | 'create_customer'
  | 'search_customers'
  | 'create_card'
  | 'create_card_token'
  | 'delete_card';

export interface MercadoPagoCall {
  operation: MercadoPagoOperation;
  method: GatewayHttpRequest['method'];
  path: string;
  body?: unknown;
  idempotencyKey?: string;
  /**
   * Values the generic redaction cannot recognise (a Mercado Pago card token id in a URL path or in
   * a response `id`, an e-mail in a query string): scrubbed from this call's log records.
   */
  secrets?: string[];
  emails?: string[];
  /** Secrets only known from the answer (the id of a card token just created). */
  responseSecrets?: (json: unknown) => (string | null)[];
}

/** Authenticated calls to Mercado Pago through the shared GatewayHttpClient (timeouts, call log). */
export class MercadoPagoApi {
  readonly policy: RetryPolicy;

  constructor(
    private readonly settings: MercadoPagoSettings,
    private readonly http: GatewayHttpClient,
  ) {
    this.policy = retryPolicyOf(settings);
  }

  async once(call: MercadoPagoCall, ctx: CallContext): Promise<GatewayHttpResult> {
    const before = ctx.calls.length;
    const headers: Record<string, string> = { Authorization: `Bearer ${this.settings.accessToken}` };
    if (call.idempotencyKey !== undefined) headers['X-Idempotency-Key'] = call.idempotencyKey;
    const result = await this.http.send(
      {
        gateway: 'mercadopago',
        operation: call.operation,
        method: call.method,
        baseUrl: this.settings.apiUrl,
        path: call.path,
        headers,
        body: call.body,
        timeoutMs: this.settings.timeoutMs,
      },
      ctx,
    );
    const learned = result.kind === 'response' && call.responseSecrets ? call.responseSecrets(result.json) : [];
    const secrets = [...(call.secrets ?? []), ...learned.filter((s): s is string => s !== null)];
    scrub(ctx.calls.slice(before), secrets, call.emails ?? []);
    return result;
  }

  /** The same call (same body, same idempotency key) until it stops failing ambiguously. */
  retried(call: MercadoPagoCall, ctx: CallContext): Promise<RetryRun> {
    return withRetries(this.policy, () => this.once(call, ctx));
  }
}

function scrub(records: GatewayCallRecord[], secrets: string[], emails: string[]): void {
  const replacements: [string, string][] = [];
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    replacements.push([secret, REDACTED], [encodeURIComponent(secret), REDACTED]);
  }
  for (const email of emails) {
    replacements.push([email, maskEmail(email)], [encodeURIComponent(email), encodeURIComponent(maskEmail(email))]);
  }
  if (replacements.length === 0) return;
  const clean = (value: string): string => replacements.reduce((acc, [from, to]) => acc.split(from).join(to), value);
  for (const record of records) {
    record.path = clean(record.path);
    if (record.requestBody !== null) record.requestBody = clean(record.requestBody);
    if (record.responseBody !== null) record.responseBody = clean(record.responseBody);
  }
}
