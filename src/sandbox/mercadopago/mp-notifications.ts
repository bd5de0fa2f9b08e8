import { createHmac, randomUUID } from 'node:crypto';

/**
 * `x-signature: ts=<unix seconds>,v1=<hex HMAC-SHA256(secret, "id:<data.id>;request-id:<x-request-id>;ts:<ts>;")>`
 * (mercadopago.md §6), signed over the id exactly as it appears in the query string.
 */
export function signatureHeaders(secret: string, dataId: string, nowMs: number): Record<string, string> {
  const requestId = randomUUID();
  const ts = String(Math.floor(nowMs / 1000));
  const v1 = createHmac('sha256', secret).update(`id:${dataId};request-id:${requestId};ts:${ts};`).digest('hex');
  return { 'x-request-id': requestId, 'x-signature': `ts=${ts},v1=${v1}` };
}

/** The payment's notification_url plus `data.id=<id>&type=payment`, keeping its own query (source_news=…). */
export function notificationTarget(notificationUrl: string, paymentId: number): string {
  const url = new URL(notificationUrl);
  url.searchParams.set('data.id', String(paymentId));
  url.searchParams.set('type', 'payment');
  return url.toString();
}
