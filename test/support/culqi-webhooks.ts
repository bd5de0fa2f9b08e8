/** Culqi's `charge.creation.succeeded` webhook for a charge, posted to SmartPay as Culqi would (Basic auth). */
import { randomBase62 } from '../../src/common/secrets';
import type { TestApp } from './test-app';

export function postCulqiChargeSucceeded(t: TestApp, auth: { user: string; password: string }, culqiChargeId: string): Promise<Response> {
  return fetch(`${t.url}/webhooks/culqi`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` },
    body: JSON.stringify({
      object: 'event',
      id: `evt_test_${randomBase62(16)}`,
      type: 'charge.creation.succeeded',
      creation_date: Date.now(),
      data: JSON.stringify({ object: 'charge', id: culqiChargeId, metadata: {} }),
    }),
  });
}
