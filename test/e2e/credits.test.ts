/**
 * Issue 10: prepaid credits — a paid package grants its lots exactly once, consumption is atomic,
 * idempotent by reference and takes the soonest-expiring lot first, expired lots are never spent, and
 * the ledger always adds up. Through the real HTTP API and sandboxes, on SQLite and MariaDB/MySQL.
 */
import { randomBase62 } from '../../src/common/secrets';
import { Clock } from '../../src/common/clock';
import { CreditExpiryJob } from '../../src/credits/credit-expiry.job';
import { CreditPurchaseGrants } from '../../src/credits/credit-purchase-grants';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, listEvents, payWithCulqi, type Client } from '../support/charge-fixtures';
import {
  consume,
  createCustomer,
  createPackageOrder,
  expectLedgerConsistent,
  getBalance,
  grant,
  ledger,
  waitForBalance,
} from '../support/credits';
import { startSandboxApp } from '../support/sandbox-app';
import type { SandboxInfo } from '../support/sandbox-client';
import { bearer, startTestApp, type TestApp } from '../support/test-app';
import { TEST_DB } from '../support/test-env';
import { postCulqiChargeSucceeded } from '../support/culqi-webhooks';
import { until } from '../support/wait';

const CULQI_USER = 'culqi-hooks';
const CULQI_PASSWORD = randomBase62(24);
const DAY = 86_400_000;

describe('prepaid credits', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  let clock: Clock;

  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp({ JOBS_POLL_INTERVAL: '50ms', CULQI_WEBHOOK_USER: CULQI_USER, CULQI_WEBHOOK_PASSWORD: CULQI_PASSWORD }));
    clock = t.app.get(Clock);
  });
  afterEach(() => {
    // Back to the class's own clock: the tests that move time set an instance property.
    delete (clock as { now?: unknown }).now;
  });
  afterAll(async () => t.close());

  describe('buying a package', () => {
    it('Professional grants 500 + 50 once, whatever repeats: 10 gateway webhooks, the grant job run 10 times at once', async () => {
      const customer = await createCustomer(c);
      const orderId = await createPackageOrder(c, customer, 'professional');
      const paid = await payWithCulqi(c, info, orderId);
      const culqiChargeId = paid.gateway_charge_id as string;
      const webhook = () => postCulqiChargeSucceeded(t, { user: CULQI_USER, password: CULQI_PASSWORD }, culqiChargeId);
      const grants = t.app.get(CreditPurchaseGrants);
      const answers = await Promise.all([...Array.from({ length: 10 }, webhook), ...Array.from({ length: 10 }, () => grants.grant(orderId))]);
      for (const a of answers.slice(0, 10)) expect((a as Response).status).toBe(200);

      const balance = await waitForBalance(c, customer, 550);
      expect(balance.lots.map((l) => [l.kind, l.credits, l.remaining, l.order_id])).toEqual([
        ['bonus', 50, 50, orderId],
        ['purchased', 500, 500, orderId],
      ]);
      const expiry = Date.parse(balance.lots[0]!.expires_at!);
      expect(Math.abs(expiry - (Date.now() + 365 * DAY))).toBeLessThan(60_000);
      // Let every queued job and webhook finish, then look again: still one grant.
      await until(() => listEvents(c, 'credits.granted'), (e) => e.some((x) => x.data.order_id === orderId), 10_000, 'credits.granted');
      await new Promise((r) => setTimeout(r, 500));
      expect((await getBalance(c, customer)).balance).toBe(550);
      const entries = await ledger(c, customer);
      expect(entries.map((e) => [e.type, e.credits, e.balance_after, e.order_id])).toEqual([
        ['purchase', 500, 500, orderId],
        ['bonus', 50, 550, orderId],
      ]);
      expect((await listEvents(c, 'credits.granted')).filter((e) => e.data.order_id === orderId)).toHaveLength(1);
      expect(await expectLedgerConsistent(t, customer)).toBe(550);
    });

    it('an order for a package without a customer is refused; an unpaid one grants nothing', async () => {
      const res = await t.http.post('/v1/orders').set(bearer(c.key)).send({ credit_package: 'basic', currency: 'PEN' });
      expectProblem(res, 400, 'validation_error');
      const customer = await createCustomer(c);
      const orderId = await createPackageOrder(c, customer, 'basic');
      await t.app.get(CreditPurchaseGrants).grant(orderId);
      expect((await getBalance(c, customer)).balance).toBe(0);
      expect(await ledger(c, customer)).toEqual([]);
    });
  });

  describe('consuming', () => {
    it('takes the soonest-expiring lot first, bonus before purchased on the same expiry, and never a lot of another customer', async () => {
      const customer = await createCustomer(c);
      const other = await createCustomer(c);
      await grant(c, other, 1000);
      const soon = new Date(Date.now() + 10 * DAY).toISOString();
      const soonLot = (await grant(c, customer, 20, { expires_at: soon })).lots as { lot_id: string }[];
      const never = (await grant(c, customer, 40)).lots as { lot_id: string }[];
      const later = new Date(Date.now() + 100 * DAY).toISOString();
      const bonusLike = (await grant(c, customer, 30, { expires_at: later })).lots as { lot_id: string }[];

      const first = await consume(c, customer, 35, 'job-1');
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.body).toMatchObject({ object: 'credit_transaction', type: 'consume', credits: -35, balance_after: 55, reference: 'job-1' });
      expect(first.body.lots).toEqual([
        { lot_id: soonLot[0]!.lot_id, credits: -20 },
        { lot_id: bonusLike[0]!.lot_id, credits: -15 },
      ]);
      const second = await consume(c, customer, 30, 'job-2');
      expect(second.body.lots).toEqual([
        { lot_id: bonusLike[0]!.lot_id, credits: -15 },
        { lot_id: never[0]!.lot_id, credits: -15 },
      ]);
      expect((await getBalance(c, customer)).balance).toBe(25);
      expect((await getBalance(c, other)).balance).toBe(1000);
      await expectLedgerConsistent(t, customer);
      await expectLedgerConsistent(t, other);
    });

    it('the same reference answers the first transaction and debits once; another amount with it is refused', async () => {
      const customer = await createCustomer(c);
      await grant(c, customer, 100);
      const answers = await Promise.all(Array.from({ length: 10 }, () => consume(c, customer, 25, 'job-991')));
      const ids = new Set(answers.map((a) => a.body.id as string));
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
      expect(ids.size).toBe(1);
      expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
      expect((await getBalance(c, customer)).balance).toBe(75);
      expectProblem(await consume(c, customer, 26, 'job-991'), 422, 'credit_reference_reused');
      expect((await getBalance(c, customer)).balance).toBe(75);
      await expectLedgerConsistent(t, customer);
    });

    it('not enough credits: 409 insufficient_credits and nothing is debited', async () => {
      const customer = await createCustomer(c);
      expectProblem(await consume(c, customer, 1, 'none-yet'), 409, 'insufficient_credits');
      await grant(c, customer, 10);
      const res = await consume(c, customer, 11, 'too-much');
      expectProblem(res, 409, 'insufficient_credits');
      expect(res.body.detail).toContain('10 usable');
      expect((await getBalance(c, customer)).balance).toBe(10);
      // The refused reference was not used up: it works once there are credits.
      expect((await consume(c, customer, 10, 'too-much')).status).toBe(201);
      expectProblem(await consume(c, customer, 1, 'later'), 409, 'insufficient_credits');
      expect((await getBalance(c, customer)).balance).toBe(0);
      await expectLedgerConsistent(t, customer);
    });

    it('bad input and other tenants get clear problems', async () => {
      const customer = await createCustomer(c);
      for (const body of [{ credits: 0, reference: 'x' }, { credits: 1.5, reference: 'x' }, { credits: 1 }, { credits: 1, reference: '' }, { credits: 1, reference: 'x', extra: 1 }]) {
        expectProblem(await t.http.post(`/v1/customers/${customer}/credits/consume`).set(bearer(c.key)).send(body), 400, 'validation_error');
      }
      expectProblem(await consume(c, 'cus_nope', 1, 'x'), 404, 'resource_not_found');
      const tenant = await t.newTenant('Other app');
      const res = await t.http.post(`/v1/customers/${customer}/credits/consume`).set(bearer(tenant.apiKey)).send({ credits: 1, reference: 'x' });
      expectProblem(res, 404, 'resource_not_found');
      expectProblem(await t.http.get(`/v1/customers/${customer}/credits`).set(bearer(tenant.apiKey)), 404, 'resource_not_found');
      expectProblem(await t.http.post(`/v1/customers/${customer}/credits/grants`).set(bearer(tenant.apiKey)).send({ credits: 5, reason: 'x' }), 404, 'resource_not_found');
      expectProblem(
        await t.http.post(`/v1/customers/${customer}/credits/grants`).set(bearer(c.key)).send({ credits: 5, reason: 'x', expires_at: new Date(Date.now() - 1000).toISOString() }),
        400,
        'validation_error',
      );
    });

    it('200 concurrent consumptions of 1 against 150 credits: exactly 150 succeed, 50 are refused, balance 0', async () => {
      const customer = await createCustomer(c);
      await grant(c, customer, 100, { expires_at: new Date(Date.now() + DAY).toISOString() });
      await grant(c, customer, 50);
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => consume(c, customer, 1, `unit-${i}`)));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(150);
      expect(answers.filter((a) => a.status === 409 && a.body.code === 'insufficient_credits')).toHaveLength(50);
      expect((await getBalance(c, customer)).balance).toBe(0);
      expect(await expectLedgerConsistent(t, customer)).toBe(0);
    });
  });

  describe('expiry', () => {
    it('a lot expires at its instant: unusable at once, recorded by the job once, the balance drops by what was left', async () => {
      const customer = await createCustomer(c);
      const expiresAt = new Date(Date.now() + 3_600_000);
      const lot = ((await grant(c, customer, 70, { expires_at: expiresAt.toISOString() })).lots as { lot_id: string }[])[0]!.lot_id;
      await grant(c, customer, 5);
      expect((await consume(c, customer, 20, 'before')).status).toBe(201);

      clock.now = () => new Date(expiresAt.getTime() - 1);
      expect((await getBalance(c, customer)).balance).toBe(55);
      clock.now = () => new Date(expiresAt.getTime());
      expect((await getBalance(c, customer)).balance).toBe(5);
      // Racing the job: a consumption after the instant cannot use the lot, and records its expiry itself.
      expectProblem(await consume(c, customer, 6, 'after'), 409, 'insufficient_credits');
      const job = t.app.get(CreditExpiryJob);
      await job.runOnce();
      await job.runOnce();
      const entries = await ledger(c, customer);
      const expiries = entries.filter((e) => e.type === 'expire');
      expect(expiries.map((e) => [e.credits, e.lots])).toEqual([[-50, [{ lot_id: lot, credits: -50 }]]]);
      expect(expiries[0]!.balance_after).toBe(5);
      expect(await expectLedgerConsistent(t, customer)).toBe(5);
      const expired = await until(() => listEvents(c, 'credits.expired'), (e) => e.some((x) => x.data.customer_id === customer), 10_000, 'credits.expired');
      expect(expired.filter((x) => x.data.customer_id === customer)).toHaveLength(1);
    });

    it('the recurring job expires lots of many customers', async () => {
      const customers = await Promise.all(Array.from({ length: 5 }, () => createCustomer(c)));
      const at = new Date(Date.now() + 60_000);
      for (const customer of customers) await grant(c, customer, 10, { expires_at: at.toISOString() });
      clock.now = () => new Date(at.getTime() + 1);
      await t.app.get(CreditExpiryJob).runOnce();
      for (const customer of customers) {
        expect(await expectLedgerConsistent(t, customer)).toBe(0);
        expect((await ledger(c, customer)).map((e) => e.type)).toEqual(['grant', 'expire']);
      }
    });
  });

  describe('low balance', () => {
    it('one credits.low_balance per crossing of the threshold', async () => {
      const customer = await createCustomer(c);
      const patched = await t.http.patch(`/v1/customers/${customer}/credits`).set(bearer(c.key)).send({ low_balance_threshold: 50 });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expect(patched.body.low_balance_threshold).toBe(50);
      await grant(c, customer, 100);
      const mine = async () => (await listEvents(c, 'credits.low_balance')).filter((e) => e.data.customer_id === customer);
      await consume(c, customer, 40, 'a');
      expect(await mine()).toHaveLength(0);
      await consume(c, customer, 20, 'b'); // 40 < 50: crossing
      await consume(c, customer, 10, 'c'); // still below: nothing new
      expect(await mine()).toHaveLength(1);
      expect((await mine())[0]!.data).toMatchObject({ object: 'credit_balance', balance: 40, low_balance_threshold: 50 });
      await grant(c, customer, 100); // back above: armed again
      await consume(c, customer, 90, 'd'); // 40: second crossing
      expect(await mine()).toHaveLength(2);
      await expectLedgerConsistent(t, customer);
    });
  });
});

describe.runIf(TEST_DB === 'mysql')('prepaid credits on two instances sharing MariaDB/MySQL', () => {
  let one: TestApp;
  let two: TestApp;

  beforeAll(async () => {
    one = await startTestApp({ JOBS_POLL_INTERVAL: '50ms' });
    two = await startTestApp({ JOBS_POLL_INTERVAL: '50ms' }, { sameDatabaseAs: one });
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  it('200 concurrent consumptions of 1 split over both against 150: exactly 150 succeed, 50 refused, balance 0; replays never debit twice', async () => {
      const c1: Client = { t: one, key: one.apiKey };
      const c2: Client = { t: two, key: two.apiKey };
      const customer = await createCustomer(c1);
      await grant(c1, customer, 150);
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => consume(i % 2 ? c2 : c1, customer, 1, `unit-${i}`)));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(150);
      expect(answers.filter((a) => a.status === 409 && a.body.code === 'insufficient_credits')).toHaveLength(50);
      const winners = answers.map((a, i) => [a, i] as const).filter(([a]) => a.status === 201);
      const replays = await Promise.all(winners.slice(0, 50).map(([a, i]) => consume(i % 2 ? c1 : c2, customer, 1, a.body.reference as string)));
      expect(replays.every((r) => r.status === 201 && r.headers['idempotent-replayed'] === 'true')).toBe(true);
      expect((await getBalance(c2, customer)).balance).toBe(0);
      expect(await expectLedgerConsistent(one, customer)).toBe(0);
      expect((await ledger(c1, customer)).filter((e) => e.type === 'consume')).toHaveLength(150);
  });
});
