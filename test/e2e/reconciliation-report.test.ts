import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Charge } from '../../src/charges/charge.entity';
import { ReconciliationReportService } from '../../src/reconciliation/reconciliation-report.service';
import { CULQI_VISA, charge, clientOf, createOrder, expectCharge, expectProblem, type Client } from '../support/charge-fixtures';
import { clearFault, culqiCardToken, injectFault, mercadoPagoCardToken, type SandboxInfo } from '../support/sandbox-client';
import { bearer, type TestApp } from '../support/test-app';
import { startSandboxApp } from '../support/sandbox-app';

/** Culqi's published stolen-card test number: declined, and the decline is kept as a charge. */
const CULQI_STOLEN = '4000020000000000';

interface Entry {
  gateway: string;
  gateway_charge_id: string | null;
  gateway_amount: number | null;
  gateway_status: string | null;
  charge_id: string | null;
  amount: number | null;
  status: string | null;
}
interface Report {
  object: string;
  from: string;
  to: string;
  matched: number;
  missing_locally: Entry[];
  missing_at_gateway: Entry[];
  amount_mismatches: Entry[];
  status_mismatches: Entry[];
}

describe('reconciliation report through the sandboxes', () => {
  let t: TestApp;
  let info: SandboxInfo;
  let a: Client;
  let b: Client;
  const started = new Date(Date.now() - 60_000);
  /** Charges made through SmartPay, per tenant: id → { gateway charge id, amount }. */
  const made = { a: new Map<string, Record<string, unknown>>(), b: new Map<string, Record<string, unknown>>() };

  beforeAll(async () => {
    // A `down` fault below must not open a circuit for the tests after it (the circuit is failover.test.ts's subject).
    ({ t, info } = await startSandboxApp({ CIRCUIT_BREAKER_THRESHOLD: '1000' }));
    a = clientOf(t);
    b = clientOf(t, (await t.newTenant('Tenant B')).apiKey);
  });
  afterAll(async () => t.close());

  const period = () => ({ from: started.toISOString(), to: new Date(Date.now() + 60_000).toISOString() });

  async function report(c: Client): Promise<Report> {
    const res = await t.http.get('/v1/reconciliation/report').query(period()).set(bearer(c.key));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Report;
  }

  const adminReport = (): Promise<Report> => {
    const { from, to } = period();
    return t.app.get(ReconciliationReportService).report(null, new Date(from), new Date(to));
  };

  async function pay(c: Client, gateway: 'culqi' | 'mercadopago', card: string, amount: number, expected: 'succeeded' | 'failed') {
    const orderId = await createOrder(c, { amount });
    const token = gateway === 'culqi' ? await culqiCardToken(info, card) : await mercadoPagoCardToken(info, card);
    const body = expectCharge(await charge(c, orderId, { gateway, source: { type: 'card_token', token } }), expected);
    expect(body.gateway_charge_id).toEqual(expect.any(String));
    (c === a ? made.a : made.b).set(body.id as string, body);
    return body;
  }

  const noDiscrepancies = { missing_locally: [], missing_at_gateway: [], amount_mismatches: [], status_mismatches: [] };

  it('paid and declined orders on both gateways are matched with zero discrepancies, per tenant', async () => {
    await pay(a, 'culqi', CULQI_VISA, 11800, 'succeeded');
    await pay(a, 'culqi', CULQI_VISA, 2500, 'succeeded');
    await pay(a, 'culqi', CULQI_STOLEN, 3000, 'failed');
    await pay(a, 'mercadopago', 'APRO', 1050, 'succeeded');
    await pay(a, 'mercadopago', 'OTHE', 990, 'failed');
    await pay(b, 'culqi', CULQI_VISA, 4000, 'succeeded');
    await pay(b, 'mercadopago', 'APRO', 5000, 'succeeded');

    const ra = await report(a);
    expect(ra).toEqual({ object: 'reconciliation_report', ...period(), to: ra.to, matched: 5, ...noDiscrepancies });
    expect(ra.from).toBe(started.toISOString());
    expect(await report(b)).toMatchObject({ matched: 2, ...noDiscrepancies });
    expect(await adminReport()).toMatchObject({ matched: 7, ...noDiscrepancies });
  });

  it('charges made directly at the simulators are missing locally in the operator report only', async () => {
    const culqiToken = await culqiCardToken(info, CULQI_VISA);
    const culqi = await fetch(`${info.culqi.base_url}/charges`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${info.culqi.secret_key}` },
      body: JSON.stringify({ amount: 7700, currency_code: 'PEN', email: 'x@example.com', source_id: culqiToken, description: 'Cargo directo', metadata: { smartpay_charge_id: 'ch_unknown_to_smartpay' } }),
    });
    expect(culqi.status).toBe(201);
    const culqiCharge = (await culqi.json()) as { id: string };

    const mpToken = await mercadoPagoCardToken(info, 'APRO');
    const mp = await fetch(`${info.mercadopago.base_url}/v1/payments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${info.mercadopago.access_token}`, 'X-Idempotency-Key': randomUUID() },
      body: JSON.stringify({ transaction_amount: 12.34, token: mpToken, description: 'Pago directo', installments: 1, payment_method_id: 'visa', payer: { email: 'x@example.com' }, external_reference: 'ch_ghost_reference' }),
    });
    expect(mp.status).toBe(201);
    const mpPayment = (await mp.json()) as { id: number };

    // Gateway accounts are shared by every app: a charge naming no known SmartPay charge is nobody's to see.
    expect(await report(a)).toMatchObject({ matched: 5, ...noDiscrepancies });
    expect(await report(b)).toMatchObject({ matched: 2, ...noDiscrepancies });
    const admin = await adminReport();
    expect(admin.matched).toBe(7);
    expect(admin.missing_locally).toEqual([
      { gateway: 'culqi', gateway_charge_id: culqiCharge.id, gateway_amount: 7700, gateway_status: 'succeeded', charge_id: null, amount: null, status: null },
      { gateway: 'mercadopago', gateway_charge_id: String(mpPayment.id), gateway_amount: 1234, gateway_status: 'succeeded', charge_id: null, amount: null, status: null },
    ]);
    expect(admin).toMatchObject({ missing_at_gateway: [], amount_mismatches: [], status_mismatches: [] });
  });

  it("an amount changed in the database is an amount mismatch in its own app's report only", async () => {
    const [chargeId, body] = [...made.a].find(([, c]) => c.gateway === 'mercadopago' && c.status === 'succeeded')!;
    const orm = t.app.get(MikroORM);
    expect(await orm.em.fork().nativeUpdate(Charge, { id: chargeId }, { amount: 1049 })).toBe(1);

    const ra = await report(a);
    expect(ra.matched).toBe(4);
    expect(ra.amount_mismatches).toEqual([
      { gateway: 'mercadopago', gateway_charge_id: body.gateway_charge_id, gateway_amount: 1050, gateway_status: 'succeeded', charge_id: chargeId, amount: 1049, status: 'succeeded' },
    ]);
    expect(ra).toMatchObject({ missing_locally: [], missing_at_gateway: [], status_mismatches: [] });
    // Tenant isolation: B sees only its own two charges, none of A's.
    expect(await report(b)).toMatchObject({ matched: 2, ...noDiscrepancies });
    expect((await adminReport()).amount_mismatches.map((e) => e.charge_id)).toEqual([chargeId]);
  });

  it('a local status the gateway contradicts, and a recorded gateway charge it does not have, are reported', async () => {
    const [declinedId, declined] = [...made.a].find(([, c]) => c.gateway === 'culqi' && c.status === 'failed')!;
    const [lostId] = [...made.a].find(([, c]) => c.gateway === 'culqi' && c.status === 'succeeded')!;
    const em = t.app.get(MikroORM).em.fork();
    await em.nativeUpdate(Charge, { id: declinedId }, { status: 'succeeded' });
    await em.nativeUpdate(Charge, { id: lostId }, { gatewayChargeId: 'chr_test_neverexisted0000' });

    const ra = await report(a);
    expect(ra.status_mismatches).toEqual([
      { gateway: 'culqi', gateway_charge_id: declined.gateway_charge_id, gateway_amount: 3000, gateway_status: 'failed', charge_id: declinedId, amount: 3000, status: 'succeeded' },
    ]);
    expect(ra.missing_at_gateway).toEqual([
      { gateway: 'culqi', gateway_charge_id: null, gateway_amount: null, gateway_status: null, charge_id: lostId, amount: expect.any(Number), status: 'succeeded' },
    ]);
    // Its real gateway charge still names it, so it is a second charge for it rather than nobody's.
    expect(ra.missing_locally).toEqual([expect.objectContaining({ gateway: 'culqi', charge_id: lostId, gateway_status: 'succeeded' })]);
    expect(await report(b)).toMatchObject({ matched: 2, ...noDiscrepancies });
  });

  it('validates the period: strict query, ISO timestamps, to after from, at most 31 days', async () => {
    const get = (query: Record<string, string>) => t.http.get('/v1/reconciliation/report').query(query).set(bearer(a.key));
    expectProblem(await get({ from: '2026-03-01T00:00:00Z' }), 400, 'validation_error');
    expectProblem(await get({ from: 'yesterday', to: '2026-03-02T00:00:00Z' }), 400, 'validation_error');
    expectProblem(await get({ from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }), 400, 'validation_error');
    expectProblem(await get({ from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:01Z' }), 400, 'validation_error');
    expectProblem(await get({ from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', app_id: 'x' }), 400, 'validation_error');
    const ok = await get({ from: '2026-03-01T00:00:00-05:00', to: '2026-03-31T23:59:59-05:00' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ from: '2026-03-01T05:00:00.000Z', matched: 0 });
    const anonymous = await t.http.get('/v1/reconciliation/report').query(period());
    expectProblem(anonymous, 401, 'authentication_required');
  });

  it('a gateway that cannot be listed fails the report instead of answering a partial one', async () => {
    await injectFault(info, 'mercadopago', { mode: 'down' });
    try {
      expectProblem(await t.http.get('/v1/reconciliation/report').query(period()).set(bearer(a.key)), 503, 'gateway_unavailable');
    } finally {
      await clearFault(info, 'mercadopago');
    }
  });
});
