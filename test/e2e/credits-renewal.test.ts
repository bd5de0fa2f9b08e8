/**
 * Issue 10 item 6: auto-renewal of prepaid credits. A consumption that takes the balance below the
 * customer's renewal threshold buys the package once with the saved card (however many consumptions race
 * across the line, and however often the job runs); declines are retried on the schedule, then renewal turns
 * itself off with one `credits.renewal_failed`; each new crossing renews again; turning it off stops a
 * renewal under way. Through the real HTTP API and the in-process sandboxes, on SQLite and MariaDB/MySQL.
 */
import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditRenewalJob } from '../../src/credits/credit-renewal.job';
import { RetryAt } from '../../src/jobs/job-queue';
import { CULQI_VISA, mpToken, type Client } from '../support/charge-fixtures';
import { consume, expectLedgerConsistent, getBalance, grant, ledger, waitForBalance, type Balance } from '../support/credits';
import { startSandboxApp } from '../support/sandbox-app';
import { culqiCardToken, culqiChargesFor, mercadoPagoPaymentsFor, type SandboxInfo } from '../support/sandbox-client';
import { bearer, type TestApp } from '../support/test-app';
import { sleep, until } from '../support/wait';

/** Short enough for a test, long enough to turn renewal off between two attempts. */
const RETRY_SCHEDULE = '1s,1s,1s';
/** Mercado Pago's Visa test card; saved with cardholder FUND it saves fine and every charge is declined for funds. */
const MP_VISA = '4009175332806176';
const PROFESSIONAL_PEN = 19_900;

interface OrderView {
  id: string;
  status: string;
  amount: number;
  currency: string;
  reference: string | null;
  credit_package: string | null;
  customer_id: string | null;
  metadata: Record<string, string>;
}

interface ChargeView {
  id: string;
  status: string;
  gateway: string;
  failure: { code: string; decline_code: string | null } | null;
}

interface EventView {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

describe('auto-renewal of prepaid credits', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;

  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp({ JOBS_POLL_INTERVAL: '50ms', EVENTS_DISPATCH_INTERVAL: '50ms', CREDITS_RENEWAL_RETRY_SCHEDULE: RETRY_SCHEDULE }));
  });
  afterAll(async () => t.close());

  const auth = () => bearer(c.key);

  /** A customer with an e-mail of its own (each gateway keeps one customer per e-mail). */
  async function newCustomer(): Promise<string> {
    const res = await t.http.post('/v1/customers').set(auth()).send({ email: `renewal-${randomUUID().slice(0, 8)}@example.com`, name: 'Ana Quispe' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  }

  async function saveCard(customerId: string, body: Record<string, unknown>): Promise<string> {
    const res = await t.http.post(`/v1/customers/${customerId}/payment-methods`).set(auth()).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  }
  const culqiCard = async (customerId: string) => saveCard(customerId, { gateway: 'culqi', token: await culqiCardToken(info, CULQI_VISA) });
  const decliningCard = async (customerId: string) => saveCard(customerId, { gateway: 'mercadopago', token: await mpToken(info, 'FUND', MP_VISA) });

  async function autoRenewal(customerId: string, body: Record<string, unknown>): Promise<Balance> {
    const res = await t.http.put(`/v1/customers/${customerId}/credits/auto-renewal`).set(auth()).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Balance;
  }
  const enable = (customerId: string, paymentMethodId: string, pkg = 'professional', threshold = 50) =>
    autoRenewal(customerId, { enabled: true, package: pkg, currency: 'PEN', payment_method_id: paymentMethodId, threshold });

  async function ordersOf(customerId: string): Promise<OrderView[]> {
    const res = await t.http.get('/v1/orders').query({ customer_id: customerId, limit: 100 }).set(auth());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as OrderView[];
  }

  async function chargesOf(orderId: string): Promise<ChargeView[]> {
    const res = await t.http.get(`/v1/orders/${orderId}/charges`).set(auth());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as ChargeView[];
  }

  async function eventsOf(customerId: string, type: string): Promise<EventView[]> {
    const res = await t.http.get('/v1/events').query({ type, limit: 100 }).set(auth());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body.data as EventView[]).filter((e) => e.data.customer_id === customerId);
  }

  async function sql<T>(statement: string, params: unknown[]): Promise<T[]> {
    return t.app.get(MikroORM).em.getConnection().execute<T[]>(statement, params);
  }

  /** The renewal jobs of one customer (dedupe keys start with the job type and the customer id). */
  const renewalJobs = (customerId: string) =>
    sql<{ dedupe_key: string; status: string }>("select dedupe_key, status from jobs where type = 'credits.renew' and dedupe_key like ? order by id", [`credits.renew:${customerId}:%`]);

  const accountRow = async (customerId: string) =>
    (await sql<{ renewal_status: string; renewal_key: string | null; renewal_order_id: string | null; renewal_enabled: number | boolean }>(
      'select renewal_status, renewal_key, renewal_order_id, renewal_enabled from credit_accounts where customer_id = ?',
      [customerId],
    ))[0]!;

  /** Waits for one paid renewal order of the customer beyond `known`, and returns it. */
  async function nextRenewal(customerId: string, known: number): Promise<OrderView> {
    const orders = await until(() => ordersOf(customerId), (o) => o.length > known && o[0]!.status === 'paid', 15_000, `renewal order ${known + 1} paid`);
    return orders[0]!;
  }

  it('20 concurrent consumptions across the threshold buy exactly one package with the saved card', async () => {
    const customer = await newCustomer();
    const pm = await culqiCard(customer);
    await grant(c, customer, 100);
    const enabled = await enable(customer, pm);
    expect(enabled.auto_renewal).toMatchObject({ enabled: true, package: 'professional', currency: 'PEN', payment_method_id: pm, threshold: 50, status: 'idle' });

    // 100 − 20 × 3 = 40: the 17th consumption crosses below 50, the others land on either side of it.
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => consume(c, customer, 3, `job-${i}`)));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 20 }, () => 201));

    // GET …/credits reads the account and its lots in two statements: wait for both to show the grant.
    const balance = await until(() => getBalance(c, customer), (b) => b.balance === 590 && b.auto_renewal?.status === 'idle', 20_000, 'the renewal granted');
    expect(balance.auto_renewal).toMatchObject({ enabled: true, status: 'idle', attempts: 0, order_id: null, last_failure: null });
    const renewalLots = balance.lots.filter((l) => l.kind === 'renewal');
    expect(renewalLots.map((l) => [l.credits, l.remaining])).toEqual([[500, 500]]);

    const orders = await ordersOf(customer);
    expect(orders).toHaveLength(1);
    const order = orders[0]!;
    expect(order).toMatchObject({ status: 'paid', amount: PROFESSIONAL_PEN, currency: 'PEN', credit_package: 'professional', customer_id: customer, metadata: { smartpay_renewal: 'true' } });
    expect(order.reference).toMatch(/^credits-renewal-/);
    expect(renewalLots[0]!.order_id).toBe(order.id);

    const charges = await chargesOf(order.id);
    expect(charges.map((ch) => [ch.status, ch.gateway])).toEqual([['succeeded', 'culqi']]);
    expect(await culqiChargesFor(info, charges[0]!.id)).toHaveLength(1);

    const entries = await ledger(c, customer);
    expect(entries.filter((e) => e.type === 'consume')).toHaveLength(20);
    const renewal = entries.filter((e) => e.type === 'renewal');
    expect(renewal.map((e) => [e.credits, e.order_id])).toEqual([[500, order.id]]);
    expect(entries.filter((e) => e.type === 'bonus').map((e) => [e.credits, e.order_id])).toEqual([[50, order.id]]);
    expect(await expectLedgerConsistent(t, customer)).toBe(590);

    const succeeded = await until(() => eventsOf(customer, 'credits.renewal_succeeded'), (e) => e.length > 0, 10_000, 'credits.renewal_succeeded');
    expect(succeeded).toHaveLength(1);
    expect(succeeded[0]!.data).toMatchObject({ object: 'credit_renewal', package: 'professional', currency: 'PEN', amount: PROFESSIONAL_PEN, payment_method_id: pm, order_id: order.id, credits: 550 });
    expect(await renewalJobs(customer)).toHaveLength(1);

    // Nothing else follows later: still one order, one charge.
    await sleep(300);
    expect(await ordersOf(customer)).toHaveLength(1);
    expect(await chargesOf(order.id)).toHaveLength(1);
  });

  it('the job run three times at once, and once more afterwards, creates one order and one charge', async () => {
    const customer = await newCustomer();
    const pm = await culqiCard(customer);
    await grant(c, customer, 60);
    await enable(customer, pm, 'basic');
    expect((await consume(c, customer, 20, 'cross')).status).toBe(201);

    // The queued job races these three runs of the same renewal (a crash-and-retry, or two instances).
    const { renewal_key: renewalKey } = await accountRow(customer);
    expect(renewalKey).toMatch(/^renewal:/);
    const job = t.app.get(CreditRenewalJob);
    const ctx = { jobId: 'job_manual', attempt: 1, maxAttempts: 10, signal: new AbortController().signal };
    const payload = { customer_id: customer, renewal_key: renewalKey };
    const runs = await Promise.allSettled([job.run(payload, ctx), job.run(payload, ctx), job.run(payload, ctx)]);
    for (const r of runs) {
      // A run that found the charge in flight asks to look again later; nothing else may fail.
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RetryAt);
    }
    const order = await nextRenewal(customer, 0);
    await waitForBalance(c, customer, 140, 'the basic renewal granted');
    await job.run(payload, ctx);

    expect(await ordersOf(customer)).toHaveLength(1);
    const charges = await chargesOf(order.id);
    expect(charges.map((ch) => ch.status)).toEqual(['succeeded']);
    expect(await culqiChargesFor(info, charges[0]!.id)).toHaveLength(1);
    expect((await ledger(c, customer)).filter((e) => e.type === 'renewal')).toHaveLength(1);
    expect(await expectLedgerConsistent(t, customer)).toBe(140);
  });

  it('a declining card is retried on the schedule, then auto-renewal turns itself off with one credits.renewal_failed', async () => {
    const customer = await newCustomer();
    const pm = await decliningCard(customer);
    await grant(c, customer, 100);
    await enable(customer, pm);
    expect((await consume(c, customer, 60, 'big-job')).status).toBe(201);

    const retrying = await until(() => getBalance(c, customer), (b) => b.auto_renewal?.status === 'retrying', 10_000, 'first decline');
    expect(retrying.auto_renewal).toMatchObject({ enabled: true, attempts: 1, last_failure: 'card_declined:insufficient_funds' });

    const done = await until(() => getBalance(c, customer), (b) => b.auto_renewal?.status === 'disabled', 15_000, 'renewal given up');
    const orders = await ordersOf(customer);
    expect(orders).toHaveLength(1);
    const order = orders[0]!;
    expect(done.balance).toBe(40);
    expect(done.auto_renewal).toEqual({
      enabled: false,
      package: 'professional',
      currency: 'PEN',
      payment_method_id: pm,
      threshold: 50,
      status: 'disabled',
      attempts: 4,
      order_id: order.id,
      last_failure: 'card_declined:insufficient_funds',
    });

    // One order, one attempt per slot of the schedule (1 + 3), each a decline at Mercado Pago; the order withdrawn.
    expect(order).toMatchObject({ status: 'canceled', credit_package: 'professional', metadata: { smartpay_renewal: 'true' } });
    const charges = await chargesOf(order.id);
    expect(charges.map((ch) => [ch.status, ch.gateway, ch.failure?.code, ch.failure?.decline_code])).toEqual(
      Array.from({ length: 4 }, () => ['failed', 'mercadopago', 'card_declined', 'insufficient_funds']),
    );
    for (const ch of charges) expect(await mercadoPagoPaymentsFor(info, ch.id)).toHaveLength(1);
    expect((await renewalJobs(customer)).map((j) => j.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);

    const failed = await eventsOf(customer, 'credits.renewal_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.data).toEqual({
      object: 'credit_renewal',
      customer_id: customer,
      package: 'professional',
      currency: 'PEN',
      amount: PROFESSIONAL_PEN,
      payment_method_id: pm,
      order_id: order.id,
      attempts: 4,
      failure: { code: 'card_declined', decline_code: 'insufficient_funds', message: expect.any(String) as string },
      auto_renewal_disabled: true,
      balance: 40,
    });
    expect(await eventsOf(customer, 'credits.renewal_succeeded')).toHaveLength(0);

    // Given up means given up: below the threshold, consumption renews nothing while it is off.
    expect((await consume(c, customer, 5, 'after-give-up')).status).toBe(201);
    await sleep(300);
    expect(await ordersOf(customer)).toHaveLength(1);
    expect(await chargesOf(order.id)).toHaveLength(4);
    expect(await expectLedgerConsistent(t, customer)).toBe(35);
  });

  it('each new crossing after a successful renewal renews again, once', async () => {
    const customer = await newCustomer();
    const pm = await culqiCard(customer);
    await grant(c, customer, 60);
    await enable(customer, pm, 'basic');

    expect((await consume(c, customer, 20, 'first')).status).toBe(201); // 40 < 50
    const first = await nextRenewal(customer, 0);
    await waitForBalance(c, customer, 140, 'first renewal');
    expect((await consume(c, customer, 5, 'above')).status).toBe(201); // 135: no crossing
    expect((await consume(c, customer, 95, 'second')).status).toBe(201); // 40 < 50 again
    const second = await nextRenewal(customer, 1);
    await waitForBalance(c, customer, 140, 'second renewal');
    expect(second.id).not.toBe(first.id);
    expect(second.reference).not.toBe(first.reference);

    await sleep(300);
    const orders = await ordersOf(customer);
    expect(orders.map((o) => o.id).sort()).toEqual([first.id, second.id].sort());
    for (const o of orders) expect((await chargesOf(o.id)).map((ch) => ch.status)).toEqual(['succeeded']);
    const renewals = (await ledger(c, customer)).filter((e) => e.type === 'renewal');
    expect(renewals.map((e) => [e.credits, e.order_id])).toEqual([
      [100, first.id],
      [100, second.id],
    ]);
    expect(await eventsOf(customer, 'credits.renewal_succeeded')).toHaveLength(2);
    expect(await renewalJobs(customer)).toHaveLength(2);
    expect(await expectLedgerConsistent(t, customer)).toBe(140);
  });

  it('turning auto-renewal off while a renewal is under way stops it; turned on again, the next crossing renews', async () => {
    const customer = await newCustomer();
    const declining = await decliningCard(customer);
    await grant(c, customer, 100);
    await enable(customer, declining);
    expect((await consume(c, customer, 60, 'cross')).status).toBe(201);

    // The first attempt was declined; the next one is due a second later. Turn renewal off in between.
    await until(() => getBalance(c, customer), (b) => b.auto_renewal?.status === 'retrying', 10_000, 'first decline');
    const off = await autoRenewal(customer, { enabled: false });
    expect(off.auto_renewal).toBeNull();
    const [order] = await ordersOf(customer);

    // The scheduled attempt finds renewal off: no second charge, the order withdrawn, the account idle again.
    await until(accountRowFor(customer), (a) => a.renewal_status === 'idle', 10_000, 'renewal stopped');
    const row = await accountRow(customer);
    expect(row).toMatchObject({ renewal_key: null, renewal_order_id: null });
    expect(Boolean(row.renewal_enabled)).toBe(false);
    expect((await ordersOf(customer)).map((o) => [o.id, o.status])).toEqual([[order!.id, 'canceled']]);
    expect(await chargesOf(order!.id)).toHaveLength(1);
    await sleep(1_300);
    expect(await chargesOf(order!.id)).toHaveLength(1);
    expect(await eventsOf(customer, 'credits.renewal_failed')).toHaveLength(0);
    expect((await getBalance(c, customer)).balance).toBe(40);

    // On again with a good card: the next consumption below the threshold renews.
    const good = await culqiCard(customer);
    const on = await enable(customer, good, 'basic');
    expect(on.auto_renewal).toMatchObject({ enabled: true, status: 'idle', attempts: 0 });
    expect((await consume(c, customer, 1, 'again')).status).toBe(201);
    const renewed = await nextRenewal(customer, 1);
    expect(renewed.id).not.toBe(order!.id);
    await waitForBalance(c, customer, 139, 'renewal after turning it on again');
    expect(await expectLedgerConsistent(t, customer)).toBe(139);
  });

  function accountRowFor(customerId: string) {
    return () => accountRow(customerId);
  }
});
