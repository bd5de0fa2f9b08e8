/**
 * design.md invariant 7 (nothing secret leaks) for the gateway path, and the proof that the Mercado
 * Pago simulator signs its webhooks like the real service (the official SDK's validator accepts them).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { InvalidWebhookSignatureError, SignatureFailureReason, WebhookSignatureValidator } from 'mercadopago';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { charge, createOrder, CULQI_VISA, expectCharge, getCharge, type Client } from '../support/charge-fixtures';
import { culqiCardToken, culqiYapeToken, mercadoPagoCardToken, type SandboxInfo } from '../support/sandbox-client';
import { bearer, type TestApp } from '../support/test-app';
import { LOG_DIR, recordSecret, TEST_DB } from '../support/test-env';
import { containsCardNumber } from '../../src/common/card-data';
import { startSandboxApp } from '../support/sandbox-app';

/** An e-mail address whose local part is not masked (`a***@x.com` is the masked form). */
const FULL_EMAIL = /[A-Za-z0-9._%+-]{2,}(?:@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
/** A CVV or security code left in clear next to its key. */
const CLEAR_CVV = /"(cvv|cvc|security_code)"\s*:\s*"?\d/i;
/** 3-D Secure results: the cryptogram (cavv) and xid are treated as secrets; the DS transaction id is a reference. */
const AUTH = { eci: '05', xid: 'WGlkU2VjcmV0VmFsdWUxMjM0NQ==', cavv: 'Q2F2dlNlY3JldFZhbHVlOTg3NjU0', protocol_version: '2.1.0', directory_server_transaction_id: '7a1d2f30-0b7e-4c1a-9f1e-2b9c3d4e5f60' };

describe('no secret reaches the gateway call log or the logs', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  let closed = false;
  /** Everything that must never be stored or logged in clear. */
  const secrets = new Set<string>();
  const emails = ['ana.secret@example.com', 'review@culqi.com', 'payer.secret@example.com'];
  const cards = [CULQI_VISA, '4000040000000008', '4456530000001096', '4009175332806176', '5361956806117557'];
  const chargeIds: string[] = [];

  const keep = <T extends string>(secret: T): T => {
    secrets.add(secret);
    recordSecret(secret);
    return secret;
  };
  const mpToken = async (holder: string, card?: string): Promise<string> => {
    // The card-data guard's false positive on hex token ids is reported separately; draw another one.
    for (;;) {
      const token = await mercadoPagoCardToken(info, holder, card);
      if (!containsCardNumber(token)) return keep(token);
    }
  };
  const culqiToken = async (card: string, email = 'payer.secret@example.com') => keep(await culqiCardToken(info, card, { email, cvv: '4242' }));
  const paid = async (gateway: string, source: Record<string, unknown>, extra: Record<string, unknown> = {}, status = 'succeeded') => {
    const orderId = await createOrder(c, { email: 'ana.secret@example.com' });
    const body = expectCharge(await charge(c, orderId, { gateway, source, ...extra }), status);
    chargeIds.push(body.id as string);
    return { orderId, chargeId: body.id as string };
  };

  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp());
    keep(info.culqi.secret_key);
    keep(info.mercadopago.access_token);
    keep(info.mercadopago.webhook_secret);
    keep(AUTH.xid);
    keep(AUTH.cavv);

    // Successes, declines, 3-D Secure and Yape on both gateways…
    const culqiOk = await paid('culqi', { type: 'card_token', token: await culqiToken(CULQI_VISA) });
    await paid('culqi', { type: 'card_token', token: await culqiToken('4000040000000008') }, {}, 'failed');
    const mpOk = await paid('mercadopago', { type: 'card_token', token: await mpToken('APRO') });
    await paid('mercadopago', { type: 'card_token', token: await mpToken('FUND') }, {}, 'failed');
    await paid('culqi', { type: 'yape_token', token: keep(await culqiYapeToken(info, 11800)) });
    const review = await paid('culqi', { type: 'card_token', token: await culqiToken('4456530000001096', 'review@culqi.com') }, { email: 'review@culqi.com' }, 'requires_action');
    const authenticated = await t.http.post(`/v1/charges/${review.chargeId}/authenticate`).set(bearer(c.key)).send({ authentication_3ds: AUTH });
    expect(authenticated.body.status).toBe('succeeded');
    const challenge = await paid('mercadopago', { type: 'card_token', token: await mpToken('APRO', '5361956806117557') }, { three_ds: { mode: 'optional' } }, 'requires_action');
    expect(challenge.chargeId).toMatch(/^ch_/);
    // …refunds on both…
    for (const order of [culqiOk, mpOk]) {
      expect((await t.http.post('/v1/refunds').set(bearer(c.key)).send({ order_id: order.orderId, amount: 1000 })).status).toBe(201);
      expect((await t.http.post('/v1/refunds').set(bearer(c.key)).send({ order_id: order.orderId })).status).toBe(201);
    }
    // …and a card saved at both gateways, charged, then deleted.
    const customer = await t.http.post('/v1/customers').set(bearer(c.key)).send({ email: 'payer.secret@example.com', name: 'Ana Quispe' });
    const pm = await t.http
      .post(`/v1/customers/${customer.body.id}/payment-methods`)
      .set(bearer(c.key))
      .send({ tokens: { culqi: await culqiToken(CULQI_VISA), mercadopago: await mpToken('APRO', CULQI_VISA) } });
    expect(pm.status, JSON.stringify(pm.body)).toBe(201);
    const savedOrder = await createOrder(c, { customerId: customer.body.id });
    const savedCharge = expectCharge(await charge(c, savedOrder, { gateway: 'culqi', source: { type: 'payment_method', payment_method_id: pm.body.id } }), 'succeeded');
    chargeIds.push(savedCharge.id as string);
    // At Mercado Pago a saved card is charged through a token made from its card id. (The outcome is not
    // the point here: see payment-methods.test.ts for the open payer.email defect.)
    const mpSaved = await charge(c, await createOrder(c, { customerId: customer.body.id }), { gateway: 'mercadopago', source: { type: 'payment_method', payment_method_id: pm.body.id } });
    expect(mpSaved.status, JSON.stringify(mpSaved.body)).toBe(201);
    chargeIds.push(mpSaved.body.id as string);
    expect((await t.http.delete(`/v1/customers/${customer.body.id}/payment-methods/${pm.body.id}`).set(bearer(c.key))).status).toBe(200);
  });
  afterAll(async () => {
    if (!closed) await t.close();
  });

  /** Names what leaks from one piece of stored or logged text. */
  function leaksIn(text: string): string[] {
    const found: string[] = [];
    for (const secret of secrets) if (text.includes(secret) || text.includes(encodeURIComponent(secret))) found.push(`secret ${secret.slice(0, 6)}…`);
    for (const card of cards) if (text.includes(card)) found.push(`card ${card.slice(0, 6)}…`);
    for (const email of emails) if (text.includes(email) || text.includes(encodeURIComponent(email))) found.push(`e-mail ${email}`);
    const anyEmail = FULL_EMAIL.exec(text);
    if (anyEmail) found.push(`e-mail ${anyEmail[0]}`);
    if (CLEAR_CVV.test(text)) found.push('a CVV');
    return found;
  }

  it('GET /v1/charges/{id}: no token, card number, CVV, key or full e-mail in any gateway call', async () => {
    expect(chargeIds.length).toBeGreaterThanOrEqual(8);
    let calls = 0;
    for (const id of chargeIds) {
      const detail = await getCharge(c, id);
      expect(detail.gateway_calls.length).toBeGreaterThan(0);
      for (const call of detail.gateway_calls) {
        calls++;
        const stored = [call.path, call.request_body ?? '', call.response_body ?? ''].join('\n');
        expect(leaksIn(stored), `${call.operation} ${call.path}`).toEqual([]);
      }
    }
    expect(calls).toBeGreaterThanOrEqual(10);
  });

  it('the whole gateway_calls table (charges, refunds, saved cards) is clean too', async () => {
    const rows = (await t.app.get(MikroORM).em.fork().getConnection().execute('select * from gateway_calls')) as Record<string, unknown>[];
    const operations = new Set(rows.map((r) => r.operation as string));
    // The run really exercised every kind of call.
    for (const op of ['create_charge', 'complete_3ds', 'create_payment', 'create_refund', 'create_customer', 'create_card', 'delete_card', 'create_card_token']) {
      expect(operations, op).toContain(op);
    }
    for (const row of rows) {
      const stored = [row.path, row.request_body ?? '', row.response_body ?? ''].join('\n');
      expect(leaksIn(String(stored)), `${String(row.operation)} ${String(row.path)}`).toEqual([]);
    }
  });

  it('the log file of the run holds none of them', async () => {
    // Close first: the logger writes asynchronously and flushes on shutdown.
    await t.close();
    closed = true;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const text = readFileSync(join(LOG_DIR, `${TEST_DB}-${process.pid}.log`), 'utf8');
    expect(text).toContain('/charges');
    expect(leaksIn(text)).toEqual([]);
  });
});

describe('Mercado Pago sandbox webhooks verify with the official SDK', () => {
  let t: TestApp;
  let info: SandboxInfo;
  let server: Server;
  let hookUrl: string;
  const received: { url: URL; headers: IncomingMessage['headers']; body: string }[] = [];

  beforeAll(async () => {
    ({ t, info } = await startSandboxApp());
    recordSecret(info.mercadopago.webhook_secret);
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ url: new URL(req.url ?? '/', 'http://receiver.local'), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/mp?source_news=webhooks`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  async function waitFor(count: number): Promise<void> {
    for (let i = 0; i < 100 && received.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received.length).toBeGreaterThanOrEqual(count);
  }

  /** A payment created straight at the simulator's REST API, as any integrator would. */
  async function createPayment(): Promise<string> {
    let token: string;
    do token = await mercadoPagoCardToken(info, 'APRO');
    while (containsCardNumber(token));
    const res = await fetch(`${info.mercadopago.base_url}/v1/payments`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${info.mercadopago.access_token}`, 'Content-Type': 'application/json', 'X-Idempotency-Key': `webhook-test-${token}` },
      body: JSON.stringify({
        transaction_amount: 25.5,
        token,
        description: 'Webhook signature check',
        installments: 1,
        payment_method_id: 'visa',
        payer: { email: 'buyer@example.com' },
        notification_url: hookUrl,
      }),
    });
    expect(res.status).toBe(201);
    return String(((await res.json()) as { id: number }).id);
  }

  const validate = (n: number, overrides: { secret?: string; dataId?: string } = {}) => {
    const hook = received[n]!;
    WebhookSignatureValidator.validate({
      xSignature: hook.headers['x-signature'],
      xRequestId: hook.headers['x-request-id'],
      dataId: overrides.dataId ?? hook.url.searchParams.get('data.id'),
      secret: overrides.secret ?? info.mercadopago.webhook_secret,
      toleranceSeconds: 300,
    });
  };

  it('accepts the payment.created notification the simulator sends', async () => {
    const paymentId = await createPayment();
    await waitFor(1);
    const hook = received[0]!;
    expect(hook.url.pathname).toBe('/webhooks/mp');
    expect(hook.url.searchParams.get('source_news')).toBe('webhooks');
    expect(hook.url.searchParams.get('type')).toBe('payment');
    expect(hook.url.searchParams.get('data.id')).toBe(paymentId);
    expect(JSON.parse(hook.body)).toMatchObject({ type: 'payment', action: 'payment.created', live_mode: false, data: { id: paymentId } });
    expect(hook.headers['x-signature']).toMatch(/^ts=\d+,v1=[0-9a-f]{64}$/);
    expect(() => validate(0)).not.toThrow();
  });

  it('rejects the same notification with a wrong secret or another data.id (the check is real)', () => {
    const reasonOf = (fn: () => void): string | undefined => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidWebhookSignatureError);
        return (err as InvalidWebhookSignatureError).reason;
      }
      return undefined;
    };
    expect(reasonOf(() => validate(0, { secret: `${info.mercadopago.webhook_secret}x` }))).toBe(SignatureFailureReason.SignatureMismatch);
    expect(reasonOf(() => validate(0, { dataId: '1' }))).toBe(SignatureFailureReason.SignatureMismatch);
  });

  it('accepts a later payment.updated, signed afresh', async () => {
    const paymentId = await createPayment();
    await waitFor(2);
    const moved = await fetch(`${info.control_url}/mercadopago/_payments/${paymentId}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'charged_back' }),
    });
    expect(moved.status).toBe(200);
    await waitFor(3);
    const updated = received.findIndex((h) => JSON.parse(h.body).action === 'payment.updated');
    expect(updated).toBeGreaterThanOrEqual(0);
    expect(received[updated]!.url.searchParams.get('data.id')).toBe(paymentId);
    expect(received[updated]!.headers['x-request-id']).not.toBe(received[1]!.headers['x-request-id']);
    expect(() => validate(updated)).not.toThrow();
  });
});
