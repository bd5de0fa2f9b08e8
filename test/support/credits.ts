/**
 * Helpers of the credits suites: a customer with credits, the balance and ledger through the API, and
 * the ledger invariant read straight from the database (account balance = Σ lot remainders = Σ entries).
 */
import { MikroORM } from '@mikro-orm/core';
import { expect } from 'vitest';
import type { Client } from './charge-fixtures';
import { bearer, type TestApp } from './test-app';
import { until } from './wait';

export async function createCustomer(c: Client, email = `cliente.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@example.com`): Promise<string> {
  const res = await c.t.http.post('/v1/customers').set(bearer(c.key)).send({ email, name: 'Ana Quispe' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

export interface Balance {
  balance: number;
  lots: { id: string; kind: string; credits: number; remaining: number; expires_at: string | null; order_id: string | null }[];
  auto_renewal: Record<string, unknown> | null;
  low_balance_threshold: number;
}

export async function getBalance(c: Client, customerId: string): Promise<Balance> {
  const res = await c.t.http.get(`/v1/customers/${customerId}/credits`).set(bearer(c.key));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Balance;
}

export function consume(c: Client, customerId: string, credits: number, reference: string, extra: Record<string, unknown> = {}) {
  return c.t.http.post(`/v1/customers/${customerId}/credits/consume`).set(bearer(c.key)).send({ credits, reference, ...extra });
}

export async function grant(c: Client, customerId: string, credits: number, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const res = await c.t.http
    .post(`/v1/customers/${customerId}/credits/grants`)
    .set(bearer(c.key))
    .send({ credits, reason: 'test grant', ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Record<string, unknown>;
}

export interface LedgerEntry {
  id: string;
  type: string;
  credits: number;
  balance_after: number;
  reference: string | null;
  lots: { lot_id: string; credits: number }[];
  order_id: string | null;
  refund_id: string | null;
}

/** The whole ledger, oldest first (the API pages newest first). */
export async function ledger(c: Client, customerId: string): Promise<LedgerEntry[]> {
  const all: LedgerEntry[] = [];
  let cursor: string | null = null;
  do {
    const res = await c.t.http
      .get(`/v1/customers/${customerId}/credits/transactions`)
      .query({ limit: 100, ...(cursor ? { cursor } : {}) })
      .set(bearer(c.key));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    all.push(...(res.body.data as LedgerEntry[]));
    cursor = res.body.next_cursor as string | null;
  } while (cursor);
  return all.reverse();
}

export async function waitForBalance(c: Client, customerId: string, balance: number, what = `balance ${balance}`): Promise<Balance> {
  return until(() => getBalance(c, customerId), (b) => b.balance === balance, 20_000, what);
}

/** Reads the stored ledger of one customer and checks it adds up; returns the stored balance. */
export async function expectLedgerConsistent(t: TestApp, customerId: string): Promise<number> {
  const conn = t.app.get(MikroORM).em.getConnection();
  const [account] = await conn.execute<{ balance: number | string }[]>('select balance from credit_accounts where customer_id = ?', [customerId]);
  const [lots] = await conn.execute<{ s: number | string | null; neg: number | string }[]>(
    'select sum(remaining) as s, sum(case when remaining < 0 or remaining > credits then 1 else 0 end) as neg from credit_lots where customer_id = ?',
    [customerId],
  );
  const entries = await conn.execute<{ credits: number | string; balance_after: number | string }[]>(
    'select credits, balance_after from credit_transactions where customer_id = ? order by id',
    [customerId],
  );
  const balance = Number(account?.balance ?? 0);
  expect(Number(lots?.neg ?? 0), 'lots with remaining outside 0..credits').toBe(0);
  expect(Number(lots?.s ?? 0), 'Σ lot remainders = balance').toBe(balance);
  let running = 0;
  for (const e of entries) {
    running += Number(e.credits);
    expect(Number(e.balance_after), 'balance_after = running Σ of entries').toBe(running);
    expect(running, 'never negative').toBeGreaterThanOrEqual(0);
  }
  expect(running, 'Σ entries = balance').toBe(balance);
  return balance;
}

/** POST /v1/orders for a credit package of a customer. */
export async function createPackageOrder(c: Client, customerId: string, pkg = 'professional', currency: 'PEN' | 'USD' = 'PEN'): Promise<string> {
  const res = await c.t.http.post('/v1/orders').set(bearer(c.key)).send({ credit_package: pkg, currency, customer_id: customerId, description: `Créditos ${pkg}` });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}
