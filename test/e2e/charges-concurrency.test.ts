/**
 * Issue 3 acceptance / design.md invariant 1 (no double charge): concurrent charge requests on one
 * order, without Idempotency-Key and each with its own valid token, produce exactly one gateway
 * charge and a paid order; the others get 409. A charge racing a cancel never lets both win.
 */
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { charge, createOrder, CULQI_VISA, getOrder, mpToken, type Client } from '../support/charge-fixtures';
import { culqiCardToken, culqiChargesFor, type SandboxInfo } from '../support/sandbox-client';
import { bearer, type TestApp } from '../support/test-app';
import { startSandboxApp } from '../support/sandbox-app';

/** Runs `make` for 0..n-1, at most `width` at a time (tokenizing is setup, not the race under test). */
async function inBatches<T>(n: number, width: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < n; start += width) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(width, n - start) }, (_, k) => make(start + k)))));
  }
  return out;
}

/** Exactly one 201 succeeded; every other answer a 409 that says the order is taken. */
function expectSingleWinner(responses: Response[]): Response {
  const winners = responses.filter((r) => r.status === 201);
  expect(winners, JSON.stringify(winners.map((w) => w.body))).toHaveLength(1);
  expect(winners[0]!.body.status).toBe('succeeded');
  const others = responses.filter((r) => r.status !== 201);
  const unexpected = others.filter((r) => r.status !== 409 || !['order_processing', 'order_already_paid'].includes(r.body.code as string));
  expect(unexpected.map((r) => [r.status, r.body.code]), 'answers other than 409 order_processing/order_already_paid').toEqual([]);
  return winners[0]!;
}

async function mercadoPagoPaymentsForAny(info: SandboxInfo, references: Set<string>): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${info.control_url}/mercadopago/_payments`);
  const all = ((await res.json()) as { data: Record<string, unknown>[] }).data;
  return all.filter((p) => references.has(p.external_reference as string));
}

describe('charges under concurrency', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp());
  });
  afterAll(async () => t.close());

  const chargeIdsOf = async (orderId: string): Promise<Set<string>> => {
    const res = await t.http.get(`/v1/orders/${orderId}/charges`).set(bearer(c.key));
    expect(res.status).toBe(200);
    return new Set((res.body.data as { id: string }[]).map((ch) => ch.id));
  };

  it('100 concurrent Culqi charges on one order → one Culqi charge, a paid order, 99 × 409', async () => {
    const orderId = await createOrder(c);
    const tokens = await inBatches(100, 20, () => culqiCardToken(info, CULQI_VISA));
    expect(new Set(tokens).size).toBe(100);
    const before = await culqiChargesFor(info);

    const responses = await Promise.all(tokens.map((token) => charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token } })));

    const winner = expectSingleWinner(responses);
    const order = await getOrder(c, orderId);
    expect(order).toMatchObject({ status: 'paid', gateway: 'culqi' });
    expect((order.latest_charge as { id: string }).id).toBe(winner.body.id);
    // Only the winning attempt exists locally, and Culqi processed exactly one charge for this order.
    const ours = await chargeIdsOf(orderId);
    expect([...ours]).toEqual([winner.body.id]);
    const after = await culqiChargesFor(info);
    const fresh = after.filter((ch) => !before.some((b) => b.id === ch.id));
    expect(fresh).toHaveLength(1);
    expect((fresh[0]!.metadata as Record<string, string>).smartpay_charge_id).toBe(winner.body.id);
    expect(await culqiChargesFor(info, winner.body.id as string)).toHaveLength(1);
  }, 60_000);

  it('40 concurrent Mercado Pago charges on one order → one payment, a paid order, 39 × 409', async () => {
    const orderId = await createOrder(c);
    const tokens = await inBatches(40, 20, () => mpToken(info, 'APRO'));
    expect(new Set(tokens).size).toBe(40);

    const responses = await Promise.all(tokens.map((token) => charge(c, orderId, { gateway: 'mercadopago', source: { type: 'card_token', token } })));

    const winner = expectSingleWinner(responses);
    expect((await getOrder(c, orderId)).status).toBe('paid');
    const ours = await chargeIdsOf(orderId);
    expect([...ours]).toEqual([winner.body.id]);
    const payments = await mercadoPagoPaymentsForAny(info, ours);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ status: 'approved', external_reference: winner.body.id });
  }, 60_000);

  it('a charge racing a cancel: never both succeed, and the order ends consistent', async () => {
    const outcomes = { charged: 0, canceled: 0 };
    for (let round = 0; round < 12; round++) {
      const orderId = await createOrder(c);
      const token = await culqiCardToken(info, CULQI_VISA);
      // Alternate who is sent first so both interleavings happen.
      const cancel = () => t.http.post(`/v1/orders/${orderId}/cancel`).set(bearer(c.key));
      const pay = () => charge(c, orderId, { gateway: 'culqi', source: { type: 'card_token', token } });
      let payRes: Response;
      let cancelRes: Response;
      if (round % 2 === 0) [payRes, cancelRes] = await Promise.all([pay(), cancel()]);
      else [cancelRes, payRes] = await Promise.all([cancel(), pay()]);

      const charged = payRes.status === 201 && payRes.body.status === 'succeeded';
      const canceled = cancelRes.status === 200;
      expect(charged && canceled, `round ${round}: both the charge and the cancel succeeded`).toBe(false);
      expect(charged || canceled, `round ${round}: ${JSON.stringify([payRes.body, cancelRes.body])}`).toBe(true);
      const order = await getOrder(c, orderId);
      const held = (await Promise.all([...(await chargeIdsOf(orderId))].map((id) => culqiChargesFor(info, id)))).flat();
      if (charged) {
        expect(order.status).toBe('paid');
        expect(cancelRes.status).toBe(409);
        expect(cancelRes.body.code).toBe('order_not_cancelable');
        expect(held).toHaveLength(1);
        outcomes.charged++;
      } else {
        expect(order.status).toBe('canceled');
        expect(payRes.status).toBe(409);
        expect(payRes.body.code).toBe('order_not_payable');
        // A canceled order never has money at the gateway.
        expect(held).toHaveLength(0);
        outcomes.canceled++;
      }
    }
    expect(outcomes.charged + outcomes.canceled).toBe(12);
  }, 60_000);
});
