/** Production host; Mercado Pago has no separate sandbox host (test credentials run against it too). */
export const MERCADOPAGO_API_URL = 'https://api.mercadopago.com';

/**
 * What the Mercado Pago adapter needs, as a plain object: the lead wires it from AppConfig
 * (MERCADOPAGO_* variables) or from the sandbox.
 */
export interface MercadoPagoSettings {
  /** https://api.mercadopago.com, or any compatible endpoint (sandbox, replayer, proxy). */
  apiUrl: string;
  accessToken: string;
  /** Publishable key: only used for the BIN lookup, as MercadoPago.js does. */
  publicKey: string;
  /** Panel secret for webhook `x-signature` verification. */
  webhookSecret?: string;
  /** Per attempt, not per operation. */
  timeoutMs: number;
  /** Extra attempts after the first on ambiguous failures (same X-Idempotency-Key). Default 2. */
  maxRetries?: number;
  /** First backoff delay; doubles per attempt, with jitter. Default 200 ms. */
  retryBaseDelayMs?: number;
}

export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
}

export function retryPolicyOf(settings: MercadoPagoSettings): RetryPolicy {
  return { maxRetries: settings.maxRetries ?? 2, baseDelayMs: settings.retryBaseDelayMs ?? 200 };
}
