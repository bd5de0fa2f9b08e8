/**
 * Contract tests against the REAL Culqi and Mercado Pago test environments. They run only when test
 * credentials are in the environment (never in CI here: these machines cannot reach the gateways):
 *   CULQI_TEST_PUBLIC_KEY, CULQI_TEST_SECRET_KEY            (pk_test_… / sk_test_…)
 *   MERCADOPAGO_TEST_PUBLIC_KEY, MERCADOPAGO_TEST_ACCESS_TOKEN (test credentials or a test user's)
 * Optional base URLs: CULQI_API_URL, CULQI_SECURE_URL, MERCADOPAGO_API_URL.
 * They drive the same adapters SmartPay uses, tokenizing documented test cards the way a front end would.
 */
import { describe, expect, it } from 'vitest';
import { CulqiGateway } from '../../src/gateways/culqi/culqi.gateway';
import { GatewayHttpClient } from '../../src/gateways/http/gateway-http.client';
import { MercadoPagoGateway } from '../../src/gateways/mercadopago/mercadopago.gateway';
import type { CallContext } from '../../src/gateways/payment-gateway.port';
import { newId } from '../../src/common/ids';

const env = process.env;
const culqi = env.CULQI_TEST_PUBLIC_KEY && env.CULQI_TEST_SECRET_KEY ? { pk: env.CULQI_TEST_PUBLIC_KEY, sk: env.CULQI_TEST_SECRET_KEY } : null;
const mp = env.MERCADOPAGO_TEST_PUBLIC_KEY && env.MERCADOPAGO_TEST_ACCESS_TOKEN ? { pk: env.MERCADOPAGO_TEST_PUBLIC_KEY, at: env.MERCADOPAGO_TEST_ACCESS_TOKEN } : null;
if (!culqi) console.log('SKIPPED: Culqi contract tests (set CULQI_TEST_PUBLIC_KEY and CULQI_TEST_SECRET_KEY to run them against the real Culqi test environment)');
if (!mp) console.log('SKIPPED: Mercado Pago contract tests (set MERCADOPAGO_TEST_PUBLIC_KEY and MERCADOPAGO_TEST_ACCESS_TOKEN to run them)');

const ctx = (): CallContext => ({ appId: 'contract', calls: [] });
const http = new GatewayHttpClient();

async function post(url: string, body: unknown, auth?: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { Authorization: `Bearer ${auth}` } : {}) }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}

describe.skipIf(!culqi)('real Culqi test environment', () => {
  const secureUrl = env.CULQI_SECURE_URL ?? 'https://secure.culqi.com/v2';
  const gateway = new CulqiGateway({ apiUrl: env.CULQI_API_URL ?? 'https://api.culqi.com/v2', secureUrl, secretKey: culqi?.sk ?? '', publicKey: culqi?.pk ?? '', timeoutMs: 30_000 }, http);
  const token = async (card: string, cvv: string, month: string) =>
    (await post(`${secureUrl}/tokens`, { card_number: card, cvv, expiration_month: month, expiration_year: '2030', email: 'contract@example.com' }, culqi?.pk)).id as string;
  const request = (source: string) => ({
    chargeId: newId('charge'),
    amount: 1000,
    currency: 'PEN' as const,
    email: 'contract@example.com',
    description: 'SmartPay contract test',
    source: { type: 'card_token' as const, token: source },
    installments: 1,
    attemptedAt: new Date(),
  });

  it('charges a success card and finds it again by our charge id', async () => {
    const req = request(await token('4111111111111111', '123', '09'));
    const outcome = await gateway.charge(req, ctx());
    expect(outcome.status).toBe('succeeded');
    const found = await gateway.findChargeByReference({ chargeId: req.chargeId, attemptedAt: req.attemptedAt, amount: 1000, currency: 'PEN' }, ctx());
    expect('found' in found && found.found).toBe(true);
  });

  it('normalises a documented decline', async () => {
    const outcome = await gateway.charge(request(await token('4000040000000008', '295', '03')), ctx());
    expect(outcome).toMatchObject({ status: 'failed', failure: { code: 'card_declined', declineCode: 'insufficient_funds' } });
  });
});

describe.skipIf(!mp)('real Mercado Pago test environment', () => {
  const apiUrl = env.MERCADOPAGO_API_URL ?? 'https://api.mercadopago.com';
  const gateway = new MercadoPagoGateway({ apiUrl, accessToken: mp?.at ?? '', publicKey: mp?.pk ?? '', timeoutMs: 30_000 }, http);
  const token = async (holder: string) =>
    (
      await post(`${apiUrl}/v1/card_tokens?public_key=${mp?.pk ?? ''}`, {
        card_number: '4009175332806176',
        expiration_month: 11,
        expiration_year: 2030,
        security_code: '123',
        cardholder: { name: holder, identification: { type: 'DNI', number: '123456789' } },
      })
    ).id as string;
  const request = (source: string) => ({
    chargeId: newId('charge'),
    amount: 1050,
    currency: 'PEN' as const,
    email: 'test_user_contract@testuser.com',
    description: 'SmartPay contract test',
    source: { type: 'card_token' as const, token: source },
    installments: 1,
    attemptedAt: new Date(),
  });

  it('approves APRO and finds it by external_reference', async () => {
    const req = request(await token('APRO'));
    expect((await gateway.charge(req, ctx())).status).toBe('succeeded');
    const found = await gateway.findChargeByReference({ chargeId: req.chargeId, attemptedAt: req.attemptedAt, amount: 1050, currency: 'PEN' }, ctx());
    expect('found' in found && found.found).toBe(true);
  });

  it('normalises FUND as insufficient_funds', async () => {
    const outcome = await gateway.charge(request(await token('FUND')), ctx());
    expect(outcome).toMatchObject({ status: 'failed', failure: { declineCode: 'insufficient_funds' } });
  });
});
