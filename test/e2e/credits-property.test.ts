/**
 * Issue 10: a property test of the credits ledger against a model. fast-check draws sequences of purchases
 * (paid through the Culqi sandbox), grants, consumptions (with references reused at random), clock jumps,
 * expiry runs and refunds, with auto-renewal on or off (a saved Culqi card buys `basic` when a decrease
 * takes the stored balance below the threshold); each step runs through the real HTTP API on the real database, and after each
 * one the API must agree with the model (usable balance, every lot's remaining credits, each answer's
 * status) and the stored rows must add up: account balance = Σ lot remainders = Σ entries, never negative.
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../../src/common/clock';
import { CreditExpiryJob } from '../../src/credits/credit-expiry.job';
import { CreditPurchaseGrants } from '../../src/credits/credit-purchase-grants';
import { CULQI_VISA, payWithCulqi, type Client } from '../support/charge-fixtures';
import { consume, createCustomer, createPackageOrder, expectLedgerConsistent, getBalance } from '../support/credits';
import { startSandboxApp } from '../support/sandbox-app';
import { culqiCardToken, type SandboxInfo } from '../support/sandbox-client';
import { until } from '../support/wait';
import { bearer, type TestApp } from '../support/test-app';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PACKAGES = { basic: { price: 4900, credits: 100, bonus: 0 }, professional: { price: 19900, credits: 500, bonus: 50 } } as const;
type PackageCode = keyof typeof PACKAGES;

type Op =
  | { kind: 'grant'; credits: number; expiresInHours: number | null }
  | { kind: 'consume'; credits: number; ref: number }
  | { kind: 'advance'; hours: number; runExpiry: boolean }
  | { kind: 'purchase'; pkg: PackageCode }
  | { kind: 'refund'; purchase: number; half: boolean; allow: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('grant' as const), credits: fc.integer({ min: 1, max: 300 }), expiresInHours: fc.option(fc.integer({ min: 1, max: 2000 }), { nil: null }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('consume' as const), credits: fc.integer({ min: 1, max: 400 }), ref: fc.integer({ min: 0, max: 12 }) }) },
  // At most 2000 h a step: 14 steps stay within the saved test card's validity (renewals charge it).
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), hours: fc.integer({ min: 1, max: 2000 }), runExpiry: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('purchase' as const), pkg: fc.constantFrom<PackageCode>('basic', 'professional') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), purchase: fc.nat(5), half: fc.boolean(), allow: fc.boolean() }) },
);

interface ModelLot {
  id: string;
  kind: string;
  credits: number;
  remaining: number;
  expiresAt: number | null;
  seq: number;
}
interface Purchase {
  orderId: string;
  pkg: PackageCode;
  refunded: number;
  purchased: ModelLot;
  bonus: ModelLot | null;
  reversedP: number;
  reversedB: number;
}

const RANK: Record<string, number> = { bonus: 0, granted: 1, purchased: 2, renewal: 2 };
const byConsumption = (a: ModelLot, b: ModelLot) =>
  (a.expiresAt ?? Infinity) - (b.expiresAt ?? Infinity) || RANK[a.kind]! - RANK[b.kind]! || a.seq - b.seq;
const usable = (lot: ModelLot, now: number) => lot.remaining > 0 && (lot.expiresAt === null || lot.expiresAt > now);
const ceilDiv = (a: number, b: number) => Math.floor((a + b - 1) / b);

describe('credits ledger against a model (fast-check)', () => {
  let t: TestApp;
  let c: Client;
  let info: SandboxInfo;
  let clock: Clock;
  let offset = 0;

  beforeAll(async () => {
    ({ t, c, info } = await startSandboxApp({ JOBS_POLL_INTERVAL: '50ms', CREDITS_EXPIRY_INTERVAL: '1h' }));
    clock = t.app.get(Clock);
    clock.now = () => new Date(Date.now() + offset);
  });
  afterEach(() => {
    offset = 0;
  });
  afterAll(async () => t.close());

  it('random sequences keep balance = Σ lots = Σ entries, the consumption order, and nothing spent after expiry', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), fc.option(fc.integer({ min: 1, max: 300 }), { nil: null }), async (ops, renewBelow) => {
        const customer = await createCustomer(c);
        if (renewBelow !== null) {
          const pm = await t.http.post(`/v1/customers/${customer}/payment-methods`).set(bearer(c.key)).send({ gateway: 'culqi', token: await culqiCardToken(info, CULQI_VISA) });
          expect(pm.status, JSON.stringify(pm.body)).toBe(201);
          const set = await t.http
            .put(`/v1/customers/${customer}/credits/auto-renewal`)
            .set(bearer(c.key))
            .send({ enabled: true, package: 'basic', currency: 'PEN', payment_method_id: pm.body.id, threshold: renewBelow });
          expect(set.status, JSON.stringify(set.body)).toBe(200);
        }
        const lots: ModelLot[] = [];
        const purchases: Purchase[] = [];
        const refs = new Map<string, number>(); // reference → credits of the consumption that used it
        let seq = 0;
        const now = () => Date.now() + offset;
        let decreased = false; // a step took credits away by consumption or expiry (what can trigger a renewal)
        const expireDue = () => {
          for (const lot of lots) {
            if (lot.remaining > 0 && lot.expiresAt !== null && lot.expiresAt <= now()) {
              lot.remaining = 0;
              decreased = true;
            }
          }
        };
        const realLots = async () => new Map((await getBalance(c, customer)).lots.map((l) => [l.id, l.remaining]));

        for (const op of ops) {
          switch (op.kind) {
            case 'grant': {
              const expiresAt = op.expiresInHours === null ? null : now() + op.expiresInHours * HOUR;
              const res = await t.http
                .post(`/v1/customers/${customer}/credits/grants`)
                .set(bearer(c.key))
                .send({ credits: op.credits, reason: 'property', ...(expiresAt ? { expires_at: new Date(expiresAt).toISOString() } : {}) });
              expect(res.status, JSON.stringify(res.body)).toBe(201);
              lots.push({ id: res.body.lots[0].lot_id as string, kind: 'granted', credits: op.credits, remaining: op.credits, expiresAt, seq: seq++ });
              break;
            }
            case 'consume': {
              const reference = `ref-${op.ref}`;
              const res = await consume(c, customer, op.credits, reference);
              const used = refs.get(reference);
              if (used !== undefined) {
                expect(res.status, JSON.stringify(res.body)).toBe(used === op.credits ? 201 : 422);
                if (used === op.credits) expect(res.headers['idempotent-replayed']).toBe('true');
                break;
              }
              expireDue();
              const open = lots.filter((l) => usable(l, now())).sort(byConsumption);
              const available = open.reduce((s, l) => s + l.remaining, 0);
              if (available < op.credits) {
                expect(res.status, JSON.stringify(res.body)).toBe(409);
                expect(res.body.code).toBe('insufficient_credits');
                break;
              }
              expect(res.status, JSON.stringify(res.body)).toBe(201);
              refs.set(reference, op.credits);
              decreased = true;
              const moves: { lot_id: string; credits: number }[] = [];
              let left = op.credits;
              for (const lot of open) {
                if (left === 0) break;
                const part = Math.min(lot.remaining, left);
                lot.remaining -= part;
                left -= part;
                moves.push({ lot_id: lot.id, credits: -part });
              }
              expect(res.body.lots, 'soonest-expiring first, bonus before others on ties').toEqual(moves);
              break;
            }
            case 'advance': {
              offset += op.hours * HOUR;
              if (op.runExpiry) {
                await t.app.get(CreditExpiryJob).runOnce();
                expireDue();
              }
              break;
            }
            case 'purchase': {
              const orderId = await createPackageOrder(c, customer, op.pkg);
              await payWithCulqi(c, info, orderId);
              await t.app.get(CreditPurchaseGrants).grant(orderId);
              const granted = (await getBalance(c, customer)).lots.filter((l) => l.order_id === orderId);
              const def = PACKAGES[op.pkg];
              const p = granted.find((l) => l.kind === 'purchased')!;
              const b = granted.find((l) => l.kind === 'bonus') ?? null;
              expect(p.credits).toBe(def.credits);
              expect(b?.credits ?? 0).toBe(def.bonus);
              const purchased: ModelLot = { id: p.id, kind: 'purchased', credits: def.credits, remaining: def.credits, expiresAt: Date.parse(p.expires_at!), seq: seq++ };
              lots.push(purchased);
              let bonus: ModelLot | null = null;
              if (b) lots.push((bonus = { id: b.id, kind: 'bonus', credits: def.bonus, remaining: def.bonus, expiresAt: Date.parse(b.expires_at!), seq: seq++ }));
              expect(Math.abs(purchased.expiresAt! - (now() + 365 * DAY))).toBeLessThan(60_000);
              purchases.push({ orderId, pkg: op.pkg, refunded: 0, purchased, bonus, reversedP: 0, reversedB: 0 });
              break;
            }
            case 'refund': {
              const purchase = purchases[op.purchase % Math.max(purchases.length, 1)];
              if (!purchase) break;
              const def = PACKAGES[purchase.pkg];
              const refundable = def.price - purchase.refunded;
              const amount = op.half ? Math.floor(def.price / 2) : refundable;
              const res = await t.http
                .post('/v1/refunds')
                .set(bearer(c.key))
                .send({ order_id: purchase.orderId, amount: Math.max(amount, 1), ...(op.allow ? { allow_consumed_credits: true } : {}) });
              if (refundable === 0 || amount > refundable || amount === 0) {
                expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
                break;
              }
              const unusedP = usable(purchase.purchased, now()) ? purchase.purchased.remaining : 0;
              const partP = Math.min(ceilDiv(def.credits * amount, def.price), def.credits - purchase.reversedP);
              if (unusedP < partP && !op.allow) {
                expect(res.status, JSON.stringify(res.body)).toBe(422);
                expect(res.body.code).toBe('credits_already_consumed');
                break;
              }
              expect(res.status, JSON.stringify(res.body)).toBe(201);
              expect(res.body.status).toBe('succeeded');
              purchase.refunded += amount;
              const takeP = Math.min(partP, unusedP);
              purchase.purchased.remaining -= takeP;
              purchase.reversedP += takeP;
              if (purchase.bonus) {
                const unusedB = usable(purchase.bonus, now()) ? purchase.bonus.remaining : 0;
                const takeB = Math.min(ceilDiv(def.bonus * amount, def.price), def.bonus - purchase.reversedB, unusedB);
                purchase.bonus.remaining -= takeB;
                purchase.reversedB += takeB;
              }
              break;
            }
          }
          // Auto-renewal: a decrease leaving the stored balance below the threshold buys one `basic` package.
          const stored = lots.reduce((sum, l) => sum + l.remaining, 0);
          if (renewBelow !== null && decreased && stored < renewBelow) {
            const known = new Set(lots.map((l) => l.id));
            const renewed = await until(
              () => getBalance(c, customer),
              (b) => b.auto_renewal?.status === 'idle' && b.lots.some((l) => l.kind === 'renewal' && !known.has(l.id)),
              20_000,
              `a renewal after ${JSON.stringify(op)}`,
            );
            const lot = renewed.lots.find((l) => l.kind === 'renewal' && !known.has(l.id))!;
            expect(lot.credits).toBe(PACKAGES.basic.credits);
            lots.push({ id: lot.id, kind: 'renewal', credits: lot.credits, remaining: lot.credits, expiresAt: Date.parse(lot.expires_at!), seq: seq++ });
          }
          // After every step: the API's view equals the model's, and the stored rows add up.
          const balance = await getBalance(c, customer);
          expect(balance.balance, `usable balance after ${JSON.stringify(op)}`).toBe(lots.filter((l) => usable(l, now())).reduce((s, l) => s + l.remaining, 0));
          const real = await realLots();
          for (const lot of lots.filter((l) => usable(l, now()))) expect(real.get(lot.id), `lot ${lot.kind} after ${JSON.stringify(op)}`).toBe(lot.remaining);
          expect(await expectLedgerConsistent(t, customer)).toBe(lots.reduce((s, l) => s + l.remaining, 0));
          decreased = false;
        }
      }),
      { numRuns: Number(process.env.CREDITS_PROPERTY_RUNS ?? 12), endOnFailure: true },
    );
  });
});
