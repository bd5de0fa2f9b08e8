/**
 * Orders, charges, refunds and credit movements written straight into the database at chosen instants, for
 * tests of the reports: the payment flows stamp everything "now" with real latencies, and a report's figures
 * are only checkable exactly against data whose times and durations the test chose. The real flows feed the
 * reports in their own test (reports.test.ts pays through the sandboxes too).
 */
import type { ChargeSourceType, ChargeStatus } from '../../src/charges/charge.entity';
import { Charge } from '../../src/charges/charge.entity';
import { newId } from '../../src/common/ids';
import type { Currency } from '../../src/common/money';
import { CreditTransaction, type CreditTransactionType } from '../../src/credits/credit-transaction.entity';
import { EntityRows } from '../../src/database/entity-rows';
import { SqlRunner } from '../../src/database/sql-runner';
import { Order } from '../../src/orders/order.entity';
import { Refund } from '../../src/refunds/refund.entity';
import type { TestApp } from './test-app';

export interface ChargeFixture {
  at: string | Date;
  status?: ChargeStatus;
  amount?: number;
  currency?: Currency;
  gateway?: 'culqi' | 'mercadopago';
  sourceType?: ChargeSourceType;
  cardBrand?: string | null;
  declineCode?: string | null;
  failureCode?: string | null;
  failureMessage?: string | null;
  processingMs?: number | null;
  reference?: string | null;
  creditPackage?: string | null;
  email?: string;
}

function orderOf(appId: string, f: ChargeFixture, at: Date): Order {
  const status = f.status ?? 'succeeded';
  return {
    id: newId('order'),
    appId,
    status: status === 'succeeded' ? 'paid' : 'pending',
    amount: f.amount ?? 10_000,
    currency: f.currency ?? 'PEN',
    amountRefunded: 0,
    description: null,
    reference: f.reference ?? null,
    customerId: null,
    items: [],
    creditPackage: f.creditPackage ?? null,
    gateway: f.gateway ?? 'culqi',
    latestChargeId: null,
    invoiceId: null,
    metadata: {},
    createdAt: at,
    updatedAt: at,
    paidAt: status === 'succeeded' ? at : null,
    canceledAt: null,
    expiresAt: new Date(at.getTime() + 86_400_000),
  };
}

function chargeOf(appId: string, orderId: string, f: ChargeFixture, at: Date): Charge {
  const status = f.status ?? 'succeeded';
  const failed = status === 'failed';
  return {
    id: newId('charge'),
    appId,
    orderId,
    status,
    amount: f.amount ?? 10_000,
    currency: f.currency ?? 'PEN',
    gateway: f.gateway ?? 'culqi',
    gatewayChargeId: `chr_fixture_${newId('charge').slice(-10)}`,
    sourceType: f.sourceType ?? 'card_token',
    paymentMethodId: null,
    sourceToken: null,
    email: f.email ?? 'buyer@example.com',
    installments: 1,
    cardBrand: f.cardBrand === undefined ? 'Visa' : f.cardBrand,
    cardLast4: '1111',
    cardExpMonth: 12,
    cardExpYear: 2030,
    failureCode: f.failureCode ?? (failed ? 'card_declined' : null),
    declineCode: f.declineCode ?? null,
    failureMessage: f.failureMessage ?? null,
    gatewayCode: null,
    nextAction: null,
    routing: [],
    processingMs: f.processingMs === undefined ? (status === 'succeeded' || failed ? 100 : null) : f.processingMs,
    attemptedAt: at,
    reconcileAttempts: 0,
    nextReconcileAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** One order and its charge per fixture; returns the charge ids in the given order. */
export async function seedCharges(t: TestApp, appId: string, fixtures: readonly ChargeFixture[]): Promise<string[]> {
  const rows = t.app.get(EntityRows);
  const sql = t.app.get(SqlRunner);
  const orders: Order[] = [];
  const charges: Charge[] = [];
  for (const f of fixtures) {
    const at = new Date(f.at);
    const order = orderOf(appId, f, at);
    orders.push(order);
    charges.push(chargeOf(appId, order.id, f, at));
  }
  for (let i = 0; i < orders.length; i += 500) {
    await rows.insertMany(sql, Order, orders.slice(i, i + 500));
    await rows.insertMany(sql, Charge, charges.slice(i, i + 500));
  }
  return charges.map((c) => c.id);
}

export async function seedRefund(t: TestApp, appId: string, f: { at: string; amount: number; currency?: Currency; gateway?: string; status?: 'succeeded' | 'failed' }): Promise<void> {
  const at = new Date(f.at);
  const refund: Refund = {
    id: newId('refund'),
    appId,
    orderId: newId('order'),
    chargeId: newId('charge'),
    amount: f.amount,
    currency: f.currency ?? 'PEN',
    status: f.status ?? 'succeeded',
    gateway: f.gateway ?? 'culqi',
    gatewayRefundId: null,
    reason: 'requested_by_customer',
    failureMessage: null,
    failureCode: null,
    attemptedAt: at,
    nextReconcileAt: null,
    reconcileAttempts: 0,
    createdAt: at,
    updatedAt: at,
  };
  await t.app.get(EntityRows).insert(t.app.get(SqlRunner), Refund, refund);
}

export async function seedCreditMovement(t: TestApp, appId: string, f: { at: string; type: CreditTransactionType; credits: number }): Promise<void> {
  const tx: CreditTransaction = {
    id: newId('creditTransaction'),
    appId,
    customerId: newId('customer'),
    type: f.type,
    credits: f.credits,
    balanceAfter: Math.max(0, f.credits),
    reference: null,
    entryKey: null,
    description: null,
    lots: [],
    orderId: null,
    refundId: null,
    metadata: {},
    createdAt: new Date(f.at),
  };
  await t.app.get(EntityRows).insert(t.app.get(SqlRunner), CreditTransaction, tx);
}
