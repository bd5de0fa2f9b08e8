/**
 * Issue 10, item 5 — refunding a credit-package purchase: the refund reverses its share of that
 * purchase's credits (`refund_reversal`) in the step that reserves it, a full refund in pieces reverses
 * exactly what was granted, used purchased credits block the refund (422 `credits_already_consumed`,
 * naming what is refundable) unless `allow_consumed_credits` forces it, and a refund that fails gives the
 * credits back. Through the real HTTP API and the in-process sandboxes, on SQLite and MariaDB/MySQL.
 */
import type { Response } from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../../src/common/clock';
import { CreditPurchaseGrants } from '../../src/credits/credit-purchase-grants';
import { RefundSyncService } from '../../src/refunds/refund-sync.service';
import { culqiCharge, expectProblem, getOrder, payWithCulqi, type Client } from '../support/charge-fixtures';
import { consume, createCustomer, createPackageOrder, expectLedgerConsistent, getBalance, ledger, waitForBalance, type LedgerEntry } from '../support/credits';
import { startSandboxApp } from '../support/sandbox-app';
import { clearFault, injectFault, type SandboxInfo } from '../support/sandbox-client';
import { bearer, type TestApp } from '../support/test-app';
import { until } from '../support/wait';

const DAY = 86_400_000;

interface Purchase {
  customerId: string;
  orderId: string;
  /** The order's amount (the package's PEN price). */
  amount: number;
  gatewayChargeId: string;
  /** The purchased and the bonus lot ids. */
  mainLot: string;
  bonusLot: string;
}

describe('refunding a credit-package purchase', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  let clock: Clock;
  let realNow: () => Date;

  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp({
      JOBS_POLL_INTERVAL: '50ms',
      // The bonus lot expires before the purchased one (the restore test moves the clock between them).
      CREDIT_BONUS_VALIDITY_DAYS: '30',
      // Gateway faults must not open a circuit for the tests after them (circuits: failover.test.ts).
      CIRCUIT_BREAKER_THRESHOLD: '1000',
    }));
    clock = t.app.get(Clock);
    realNow = clock.now.bind(clock);
  });
  afterEach(() => {
    clock.now = realNow;
  });
  afterAll(async () => t.close());

  const refund = (body: Record<string, unknown>, client = c): Promise<Response> => client.t.http.post('/v1/refunds').set(bearer(client.key)).send(body);
  const reversals = async (customerId: string): Promise<LedgerEntry[]> => (await ledger(c, customerId)).filter((e) => e.type === 'refund_reversal');
  const sum = (entries: LedgerEntry[]): number => entries.reduce((s, e) => s + e.credits, 0);

  /** A customer who bought Professional (500 + 50) with a Culqi test card, once the credits are granted. */
  async function buyProfessional(client = c): Promise<Purchase> {
    const customerId = await createCustomer(client);
    const orderId = await createPackageOrder(client, customerId, 'professional');
    const paid = await payWithCulqi(client, info, orderId);
    const balance = await waitForBalance(client, customerId, 550);
    const lotOf = (kind: string) => balance.lots.find((l) => l.kind === kind && l.order_id === orderId)!.id;
    const order = await getOrder(client, orderId);
    return { customerId, orderId, amount: order.amount as number, gatewayChargeId: paid.gateway_charge_id as string, mainLot: lotOf('purchased'), bonusLot: lotOf('bonus') };
  }

  /** The purchased lot's unused credits (a lot at 0 is no longer listed). */
  async function mainLeft(p: Purchase): Promise<number> {
    return (await getBalance(c, p.customerId)).lots.find((l) => l.id === p.mainLot)?.remaining ?? 0;
  }

  it('a full refund reverses all 550 credits in one refund_reversal entry; the balance is 0', async () => {
    const p = await buyProfessional();
    const res = await refund({ order_id: p.orderId });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'succeeded', amount: p.amount });
    expect(await getOrder(c, p.orderId)).toMatchObject({ status: 'refunded', amount_refundable: 0 });

    expect((await getBalance(c, p.customerId)).balance).toBe(0);
    const entries = await reversals(p.customerId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ credits: -550, balance_after: 0, order_id: p.orderId, refund_id: res.body.id });
    expect(entries[0]!.lots).toEqual(
      expect.arrayContaining([
        { lot_id: p.mainLot, credits: -500 },
        { lot_id: p.bonusLot, credits: -50 },
      ]),
    );
    expect(await expectLedgerConsistent(t, p.customerId)).toBe(0);
  });

  it('two halves reverse 275 each, exactly all 550 in total', async () => {
    const p = await buyProfessional();
    const half = Math.floor(p.amount / 2);
    const first = await refund({ order_id: p.orderId, amount: half });
    expect(first.body).toMatchObject({ status: 'succeeded', amount: half });
    expect((await getBalance(c, p.customerId)).balance).toBe(275);
    await expectLedgerConsistent(t, p.customerId);

    const rest = await refund({ order_id: p.orderId });
    expect(rest.body).toMatchObject({ status: 'succeeded', amount: p.amount - half });
    expect((await getBalance(c, p.customerId)).balance).toBe(0);
    const entries = await reversals(p.customerId);
    expect(entries.map((e) => e.credits)).toEqual([-275, -275]);
    expect(entries.map((e) => e.refund_id)).toEqual([first.body.id, rest.body.id]);
    expect(await expectLedgerConsistent(t, p.customerId)).toBe(0);
  });

  it('three uneven pieces round up each time, but never reverse more than the purchase gave: exactly 500 + 50', async () => {
    const p = await buyProfessional();
    const third = Math.floor(p.amount / 3);
    for (const amount of [third, third]) {
      expect((await refund({ order_id: p.orderId, amount })).body).toMatchObject({ status: 'succeeded', amount });
    }
    expect((await refund({ order_id: p.orderId })).body).toMatchObject({ status: 'succeeded', amount: p.amount - 2 * third });
    const entries = await reversals(p.customerId);
    expect(entries).toHaveLength(3);
    const fromLot = (lot: string) => entries.flatMap((e) => e.lots).filter((m) => m.lot_id === lot).reduce((s, m) => s + m.credits, 0);
    expect(fromLot(p.mainLot)).toBe(-500);
    expect(fromLot(p.bonusLot)).toBe(-50);
    expect(sum(entries)).toBe(-550);
    expect(await expectLedgerConsistent(t, p.customerId)).toBe(0);
  });

  it('concurrent partial refunds reverse their shares once each and never more than the purchase', async () => {
    const p = await buyProfessional();
    const quarter = Math.floor(p.amount / 4);
    const responses = await Promise.all(Array.from({ length: 6 }, () => refund({ order_id: p.orderId, amount: quarter })));
    const ok = responses.filter((r) => r.status === 201 && r.body.status === 'succeeded');
    expect(ok, JSON.stringify(responses.map((r) => [r.status, r.body.code ?? r.body.status]))).toHaveLength(4);
    // The losers: nothing left to reserve, or the order already reads refunded.
    for (const r of responses.filter((x) => x.status !== 201)) expect(['amount_exceeds_refundable', 'order_not_refundable']).toContain(r.body.code);
    const entries = await reversals(p.customerId);
    expect(entries).toHaveLength(4);
    // Each quarter takes ceil(500/4) = 125 and ceil(50/4) = 13, capped at what the purchase gave: 550 in all.
    expect(sum(entries)).toBe(-550);
    await expectLedgerConsistent(t, p.customerId);
    // The few minor units left over refund without credits to reverse.
    const rest = p.amount - 4 * quarter;
    if (rest > 0) expect((await refund({ order_id: p.orderId })).body).toMatchObject({ status: 'succeeded', amount: rest });
    expect(sum(await reversals(p.customerId))).toBe(-550);
    expect(await expectLedgerConsistent(t, p.customerId)).toBe(0);
  });

  it('300 credits used: a full refund → 422 credits_already_consumed naming the refundable amount; that amount refunds', async () => {
    const p = await buyProfessional();
    expect((await consume(c, p.customerId, 300, 'job-300')).status).toBe(201);
    const left = await mainLeft(p);
    // Bonus credits go first (they expire sooner), so 250 purchased credits are left.
    expect(left).toBe(250);
    const refundable = Math.floor((p.amount * left) / 500);

    const refused = await refund({ order_id: p.orderId });
    expectProblem(refused, 422, 'credits_already_consumed');
    expect(refused.body.detail).toContain(`at most ${refundable} can be refunded`);
    expect(refused.body.detail).toContain('allow_consumed_credits');
    // Nothing happened: no reservation, no gateway refund, no reversal.
    expect(await getOrder(c, p.orderId)).toMatchObject({ status: 'paid', amount_refunded: 0, amount_refundable: p.amount });
    expect((await culqiCharge(info, p.gatewayChargeId)).amount_refunded).toBe(0);
    expect(await reversals(p.customerId)).toHaveLength(0);
    expect((await getBalance(c, p.customerId)).balance).toBe(250);
    // One minor unit more than named is refused too.
    expectProblem(await refund({ order_id: p.orderId, amount: refundable + 1 }), 422, 'credits_already_consumed');

    const ok = await refund({ order_id: p.orderId, amount: refundable });
    expect(ok.body).toMatchObject({ status: 'succeeded', amount: refundable });
    const [entry] = await reversals(p.customerId);
    expect(entry).toMatchObject({ credits: -250, lots: [{ lot_id: p.mainLot, credits: -250 }], refund_id: ok.body.id });
    expect(await expectLedgerConsistent(t, p.customerId)).toBe(0);
    expect(await getOrder(c, p.orderId)).toMatchObject({ status: 'partially_refunded', amount_refunded: refundable });

    // The rest of the money has no unused credits behind it any more.
    const more = await refund({ order_id: p.orderId });
    expectProblem(more, 422, 'credits_already_consumed');
    expect(more.body.detail).toContain('at most 0 can be refunded');
  });

  it('allow_consumed_credits: true refunds the full amount and reverses only what is left', async () => {
    const p = await buyProfessional();
    expect((await consume(c, p.customerId, 300, 'job-300')).status).toBe(201);
    const res = await refund({ order_id: p.orderId, allow_consumed_credits: true });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'succeeded', amount: p.amount });
    expect(await getOrder(c, p.orderId)).toMatchObject({ status: 'refunded', amount_refundable: 0 });
    expect((await culqiCharge(info, p.gatewayChargeId)).amount_refunded).toBe(p.amount);
    const entries = await reversals(p.customerId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ credits: -250, refund_id: res.body.id });
    expect(await expectLedgerConsistent(t, p.customerId)).toBe(0);
  });

  it("only the refunded purchase's lots are reversed, never another purchase's", async () => {
    const customerId = await createCustomer(c);
    const first = await createPackageOrder(c, customerId, 'professional');
    await payWithCulqi(c, info, first);
    await waitForBalance(c, customerId, 550);
    const second = await createPackageOrder(c, customerId, 'professional');
    await payWithCulqi(c, info, second);
    await waitForBalance(c, customerId, 1100);
    // 600 used: the first purchase's lots go first (older, same expiry), 500 + 50 of them and 50 of the second's bonus.
    expect((await consume(c, customerId, 600, 'big-job')).status).toBe(201);
    const refused = await refund({ order_id: first });
    expectProblem(refused, 422, 'credits_already_consumed');
    expect(refused.body.detail).toContain('at most 0 can be refunded');
    const forced = await refund({ order_id: first, allow_consumed_credits: true });
    expect(forced.body).toMatchObject({ status: 'succeeded' });
    // Nothing of the first purchase was left: no entry, the second purchase's 500 untouched.
    expect(await reversals(customerId)).toHaveLength(0);
    expect((await getBalance(c, customerId)).balance).toBe(500);
    expect(await expectLedgerConsistent(t, customerId)).toBe(500);
  });

  it('a refund that fails at the gateway gives the credits back, once', async () => {
    const p = await buyProfessional();
    await injectFault(info, 'culqi', { mode: 'down' });
    let failed: Response;
    try {
      failed = await refund({ order_id: p.orderId });
    } finally {
      await clearFault(info, 'culqi');
    }
    expect(failed.status, JSON.stringify(failed.body)).toBe(201);
    expect(failed.body).toMatchObject({ status: 'failed', amount: p.amount });
    expect(await getOrder(c, p.orderId)).toMatchObject({ status: 'paid', amount_refunded: 0 });

    const balance = await getBalance(c, p.customerId);
    expect(balance.balance).toBe(550);
    expect(balance.lots.map((l) => [l.id, l.remaining]).sort()).toEqual([[p.mainLot, 500], [p.bonusLot, 50]].sort());
    const entries = await reversals(p.customerId);
    expect(entries.map((e) => [e.credits, e.refund_id])).toEqual([
      [-550, failed.body.id],
      [550, failed.body.id],
    ]);
    expect((await ledger(c, p.customerId)).find((e) => e.type === 'refund_reversal' && e.credits > 0)).toMatchObject({ description: 'refund failed: credits restored' });
    expect(await expectLedgerConsistent(t, p.customerId)).toBe(550);

    // The purchase can still be refunded in full, reversing everything again.
    expect((await refund({ order_id: p.orderId })).body).toMatchObject({ status: 'succeeded', amount: p.amount });
    expect(sum(await reversals(p.customerId))).toBe(-550);
    expect(await expectLedgerConsistent(t, p.customerId)).toBe(0);
  });

  it('before the purchase is granted: 409 credits_grant_pending and nothing reserved; after the grant the refund works', async () => {
    // Another instance without a job worker, so the grant job waits until the test runs it.
    const other = await startSandboxApp({ JOBS_WORKER: 'off', CIRCUIT_BREAKER_THRESHOLD: '1000' });
    try {
      const customerId = await createCustomer(other.c);
      const orderId = await createPackageOrder(other.c, customerId, 'professional');
      await payWithCulqi(other.c, other.info, orderId);
      const pending = await refund({ order_id: orderId }, other.c);
      expectProblem(pending, 409, 'credits_grant_pending');
      expect(await getOrder(other.c, orderId)).toMatchObject({ status: 'paid', amount_refunded: 0 });
      expect((await other.t.http.get('/v1/refunds').query({ order_id: orderId }).set(bearer(other.c.key))).body.data).toHaveLength(0);

      await other.t.app.get(CreditPurchaseGrants).grant(orderId);
      expect((await getBalance(other.c, customerId)).balance).toBe(550);
      expect((await refund({ order_id: orderId }, other.c)).body).toMatchObject({ status: 'succeeded' });
      expect((await getBalance(other.c, customerId)).balance).toBe(0);
      expect(await expectLedgerConsistent(other.t, customerId)).toBe(0);
    } finally {
      await other.t.close();
    }
  });

  it('a pending refund that fails after its bonus lot expired gives back only the purchased credits', async () => {
    const p = await buyProfessional();
    await injectFault(info, 'culqi', { mode: 'http_500', count: 1 });
    const pending = await refund({ order_id: p.orderId });
    expect(pending.body).toMatchObject({ status: 'pending', amount: p.amount });
    // Reversed while pending.
    expect((await getBalance(c, p.customerId)).balance).toBe(0);

    // 31 days later the bonus lot (30 days) has expired, the purchased one (365) has not; Culqi never had the refund.
    clock.now = () => new Date(Date.now() + 31 * DAY);
    const sync = t.app.get(RefundSyncService);
    const settled = await until(
      () => sync.sync(pending.body.id as string),
      (r) => r.status !== 'pending',
      20_000,
      'the refund to fail',
    );
    expect(settled.status).toBe('failed');
    const balance = await getBalance(c, p.customerId);
    expect(balance.balance).toBe(500);
    expect(balance.lots.map((l) => l.id)).toEqual([p.mainLot]);
    const restore = (await reversals(p.customerId)).find((e) => e.credits > 0);
    expect(restore).toMatchObject({ credits: 500, lots: [{ lot_id: p.mainLot, credits: 500 }] });
    expect(await expectLedgerConsistent(t, p.customerId)).toBe(500);
  });
});
