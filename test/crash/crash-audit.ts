/**
 * After the storm: waits for reconciliation to settle, then compares three sources of truth — what
 * the gateways hold (the sandbox's own records), what SmartPay's database says, and what the client
 * was told — and reads the jobs table for lost work.
 */
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { sleep } from '../support/child-process';
import type { ClientLedger } from './crash-client';
import type { StandaloneSandbox } from './crash-stack';

interface ChargeRow {
  id: string;
  order_id: string;
  status: string;
  gateway: string;
  gateway_charge_id: string | null;
  amount: number;
  reconcile_attempts: number;
  failure_code: string | null;
}

interface OrderRow {
  id: string;
  status: string;
  amount: number;
  description: string | null;
}

async function rows<T>(db: Connection, sql: string, params: unknown[] = []): Promise<T[]> {
  const [result] = await db.query<RowDataPacket[]>(sql, params);
  return result as T[];
}

export interface SettleState {
  openCharges: number;
  openOrders: number;
  /** Queued jobs due for more than a few seconds (the worker should have taken them). */
  overdueJobs: number;
  /** Jobs `running` whose lease ran out (their worker died) and nobody took back. */
  expiredLeases: number;
  /** Domain events not yet handed to their consumers, webhook deliveries and e-mails not yet settled. */
  undispatchedEvents: number;
  pendingDeliveries: number;
  unsentEmails: number;
}

async function settleState(db: Connection): Promise<SettleState> {
  const [state] = await rows<Record<keyof SettleState, number | string>>(
    db,
    `select
       (select count(*) from charges where status in ('pending', 'requires_action')) as openCharges,
       (select count(*) from orders where status in ('processing', 'requires_action')) as openOrders,
       (select count(*) from jobs where status = 'queued' and run_at < utc_timestamp(3) - interval 5 second) as overdueJobs,
       (select count(*) from jobs where status = 'running' and locked_until < utc_timestamp(3) - interval 2 second) as expiredLeases,
       (select count(*) from events where dispatched_at is null) as undispatchedEvents,
       (select count(*) from event_deliveries where status = 'pending') as pendingDeliveries,
       (select count(*) from email_messages where status in ('queued', 'sending')) as unsentEmails`,
  );
  return {
    openCharges: Number(state!.openCharges),
    openOrders: Number(state!.openOrders),
    overdueJobs: Number(state!.overdueJobs),
    expiredLeases: Number(state!.expiredLeases),
    undispatchedEvents: Number(state!.undispatchedEvents),
    pendingDeliveries: Number(state!.pendingDeliveries),
    unsentEmails: Number(state!.unsentEmails),
  };
}

/** Polls until nothing is open or overdue, or `boundMs` passes; returns the last state seen. */
export async function waitForSettle(db: Connection, boundMs: number): Promise<SettleState & { waitedMs: number }> {
  const started = Date.now();
  for (;;) {
    const state = await settleState(db);
    const settled = Object.values(state).every((n) => n === 0);
    if (settled || Date.now() - started > boundMs) return { ...state, waitedMs: Date.now() - started };
    await sleep(1_000);
  }
}

/** A gateway payment that took money. */
interface Money {
  gateway: 'culqi' | 'mercadopago';
  id: string;
  reference: string | null;
  amount: number;
}

async function gatewayMoney(sandbox: StandaloneSandbox): Promise<{ money: Money[]; culqiTotal: number; mpTotal: number }> {
  const culqi = await sandbox.culqiCharges();
  const mp = await sandbox.mercadoPagoPayments();
  const money: Money[] = [];
  for (const c of culqi) {
    // Declined charges (and card validations of saved cards, none here) took nothing; Culqi's own
    // `paid` flag means settled to the merchant, not charged.
    if ((c.outcome as { type?: string } | undefined)?.type !== 'venta_exitosa') continue;
    const metadata = (c.metadata ?? {}) as Record<string, unknown>;
    money.push({ gateway: 'culqi', id: String(c.id), reference: typeof metadata.smartpay_charge_id === 'string' ? metadata.smartpay_charge_id : null, amount: Number(c.amount) });
  }
  for (const p of mp) {
    if (!['approved', 'refunded', 'charged_back', 'in_mediation'].includes(String(p.status))) continue;
    // Mercado Pago amounts are decimals; the sandbox's are exact to the céntimo.
    const amount = Math.round(Number(p.transaction_amount) * 100);
    money.push({ gateway: 'mercadopago', id: String(p.id), reference: typeof p.external_reference === 'string' ? p.external_reference : null, amount });
  }
  return { money, culqiTotal: culqi.length, mpTotal: mp.length };
}

export interface AuditResult {
  gatewayCharges: number;
  gatewayRecords: { culqi: number; mercadopago: number };
  paidOrders: number;
  orders: number;
  charges: Record<string, number>;
  /** Failed charges by failure code. */
  failures: Record<string, number>;
  /**
   * Orders created twice for one client order: the create committed, the process died before its
   * Idempotency-Key was completed, and the retry after the key's lease ran it again (unpaid, harmless).
   */
  duplicateOrders: number;
  /** Money taken at a gateway that is not exactly one succeeded charge of a paid order. */
  lost: string[];
  /** An order (or one charge) holding money more than once. */
  doubleCharges: string[];
  /** Paid orders with no gateway payment behind them. */
  phantom: string[];
  /** Orders the client saw paid that are not paid now. */
  reverted: string[];
  /** Charges that succeeded although their own attempt never committed the gateway's answer. */
  recoveredAfterCrash: number;
  reconciledCharges: number;
  jobs: { byStatus: Record<string, number>; byType: Record<string, number>; dead: string[]; expiredLeases: number; overdue: number };
  /** Non-ignored webhook deliveries without their job, or still unprocessed with their job gone. */
  lostJobs: string[];
  webhooks: Record<string, number>;
}

export async function auditInvariants(db: Connection, sandbox: StandaloneSandbox, ledger: ClientLedger): Promise<AuditResult> {
  const { money, culqiTotal, mpTotal } = await gatewayMoney(sandbox);
  const orders = await rows<OrderRow>(db, 'select id, status, amount, description from orders');
  const charges = await rows<ChargeRow>(db, 'select id, order_id, status, gateway, gateway_charge_id, amount, reconcile_attempts, failure_code from charges');
  const orderById = new Map(orders.map((o) => [o.id, o]));
  const chargeById = new Map(charges.map((c) => [c.id, c]));

  const lost: string[] = [];
  const doubleCharges: string[] = [];
  const phantom: string[] = [];

  const moneyByCharge = new Map<string, Money[]>();
  const moneyByOrder = new Map<string, Money[]>();
  for (const m of money) {
    const charge = m.reference ? chargeById.get(m.reference) : undefined;
    const order = charge ? orderById.get(charge.order_id) : undefined;
    const where = `${m.gateway} ${m.id} (ref ${m.reference ?? 'none'}, ${m.amount})`;
    if (!charge || !order) {
      lost.push(`${where}: no SmartPay charge`);
      continue;
    }
    moneyByCharge.set(charge.id, [...(moneyByCharge.get(charge.id) ?? []), m]);
    moneyByOrder.set(order.id, [...(moneyByOrder.get(order.id) ?? []), m]);
    if (charge.gateway !== m.gateway || charge.status !== 'succeeded' || charge.gateway_charge_id !== m.id || Number(charge.amount) !== m.amount || order.status !== 'paid') {
      lost.push(`${where}: charge ${charge.id} is ${charge.status} at ${charge.gateway} (${charge.gateway_charge_id ?? 'no gateway id'}, ${charge.amount}), order ${order.id} is ${order.status}`);
    }
  }
  for (const [chargeId, list] of moneyByCharge) if (list.length > 1) doubleCharges.push(`charge ${chargeId}: ${list.map((m) => m.id).join(', ')}`);
  for (const [orderId, list] of moneyByOrder) if (list.length > 1) doubleCharges.push(`order ${orderId}: ${list.map((m) => `${m.gateway}:${m.id}`).join(', ')}`);

  const succeededByOrder = new Map<string, ChargeRow[]>();
  for (const c of charges) if (c.status === 'succeeded') succeededByOrder.set(c.order_id, [...(succeededByOrder.get(c.order_id) ?? []), c]);
  for (const [orderId, list] of succeededByOrder) if (list.length > 1) doubleCharges.push(`order ${orderId}: succeeded charges ${list.map((c) => c.id).join(', ')}`);

  const moneyIds = new Set(money.map((m) => `${m.gateway}:${m.id}`));
  const paid = orders.filter((o) => o.status === 'paid');
  for (const order of paid) {
    const backed = (succeededByOrder.get(order.id) ?? []).some((c) => moneyIds.has(`${c.gateway}:${c.gateway_charge_id}`));
    if (!backed) phantom.push(`order ${order.id} is paid without a gateway payment`);
  }
  for (const c of charges) {
    if (c.status === 'succeeded' && !moneyIds.has(`${c.gateway}:${c.gateway_charge_id}`)) phantom.push(`charge ${c.id} succeeded without a gateway payment`);
  }
  const reverted = [...ledger.seenPaid].filter((id) => orderById.get(id)?.status !== 'paid').map((id) => `order ${id} was paid for the client, now ${orderById.get(id)?.status ?? 'missing'}`);

  const answered = new Set(
    (await rows<{ charge_id: string }>(db, "select distinct charge_id from gateway_calls where operation in ('create_charge', 'create_payment') and charge_id is not null")).map((r) => r.charge_id),
  );
  const recoveredAfterCrash = charges.filter((c) => c.status === 'succeeded' && !answered.has(c.id)).length;

  const chargeCounts: Record<string, number> = {};
  const failures: Record<string, number> = {};
  for (const c of charges) {
    chargeCounts[c.status] = (chargeCounts[c.status] ?? 0) + 1;
    if (c.status === 'failed') failures[c.failure_code ?? 'none'] = (failures[c.failure_code ?? 'none'] ?? 0) + 1;
  }
  const descriptions = new Set<string>();
  let duplicateOrders = 0;
  for (const o of orders) {
    if (o.description !== null && descriptions.has(o.description)) duplicateOrders++;
    if (o.description !== null) descriptions.add(o.description);
  }

  const jobs = await auditJobs(db);
  return {
    gatewayCharges: money.length,
    gatewayRecords: { culqi: culqiTotal, mercadopago: mpTotal },
    paidOrders: paid.length,
    orders: orders.length,
    charges: chargeCounts,
    failures,
    duplicateOrders,
    lost,
    doubleCharges,
    phantom,
    reverted,
    recoveredAfterCrash,
    reconciledCharges: charges.filter((c) => c.reconcile_attempts > 0).length,
    ...jobs,
  };
}

/**
 * No job is lost: nothing is `running` on a dead worker's lease, nothing due is left waiting, and
 * every effect that was caused has its job — the webhook inbox writes the delivery and its job in
 * one transaction, so each delivery that is not ignored must have its job (by dedupe key), and a
 * delivery still `received` must have one that has not finished.
 */
async function auditJobs(db: Connection): Promise<Pick<AuditResult, 'jobs' | 'lostJobs' | 'webhooks'>> {
  const byStatus: Record<string, number> = {};
  const byType: Record<string, number> = {};
  for (const r of await rows<{ status: string; type: string; n: number }>(db, 'select status, type, count(*) as n from jobs group by status, type')) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + Number(r.n);
    byType[r.type] = (byType[r.type] ?? 0) + Number(r.n);
  }
  const dead = (await rows<{ id: string; type: string; attempts: number; last_error: string | null }>(db, "select id, type, attempts, last_error from jobs where status = 'dead'")).map(
    (j) => `${j.id} ${j.type} after ${j.attempts} attempts: ${j.last_error ?? '(no error)'}`,
  );
  const state = await settleState(db);

  const deliveries = await rows<{ id: string; gateway: string; event_key: string; status: string }>(db, 'select id, gateway, event_key, status from gateway_webhooks');
  const jobsByKey = new Map(
    (await rows<{ dedupe_key: string; status: string }>(db, "select dedupe_key, status from jobs where dedupe_key like 'webhook:%'")).map((j) => [j.dedupe_key, j.status]),
  );
  const webhooks: Record<string, number> = {};
  const lostJobs: string[] = [];
  for (const d of deliveries) {
    webhooks[d.status] = (webhooks[d.status] ?? 0) + 1;
    if (d.status === 'ignored') continue;
    const job = jobsByKey.get(`webhook:${d.gateway}:${d.event_key}`);
    if (job === undefined) lostJobs.push(`webhook delivery ${d.id} (${d.gateway} ${d.event_key}) has no job`);
    else if (d.status === 'received' && job === 'succeeded') lostJobs.push(`webhook delivery ${d.id} is unprocessed but its job succeeded`);
  }
  // Deliveries left `unmatched` (the gateway id was unknown when they were processed: the answer to
  // our POST was lost) whose payment reconciliation has since tied to a charge.
  const [late] = await rows<{ n: number }>(
    db,
    "select count(*) as n from gateway_webhooks w join charges c on c.gateway = w.gateway and c.gateway_charge_id = w.resource_id where w.status = 'unmatched'",
  );
  webhooks.unmatched_now_known = Number(late?.n ?? 0);
  return { jobs: { byStatus, byType, dead, expiredLeases: state.expiredLeases, overdue: state.overdueJobs }, lostJobs, webhooks };
}

export interface ReconciliationReportView {
  matched: number;
  missing_locally: unknown[];
  missing_at_gateway: unknown[];
  amount_mismatches: unknown[];
  status_mismatches: unknown[];
}

export function discrepancies(report: ReconciliationReportView): number {
  return report.missing_locally.length + report.missing_at_gateway.length + report.amount_mismatches.length + report.status_mismatches.length;
}

export interface NotificationAudit {
  paidOrders: number;
  /** Paid orders without exactly one `order.paid` event, and `order.paid` events of unpaid orders. */
  eventViolations: string[];
  /** `order.paid` events the receiver never got, and deliveries SmartPay recorded as failed. */
  undelivered: string[];
  /** Webhook deliveries received more than once (same webhook-id): allowed by at-least-once, counted. */
  repeatedDeliveries: number;
  /** Receipts: paid orders whose receipt Postmark does not hold exactly once. */
  receiptViolations: string[];
  receiptsAtPostmark: number;
  emails: Record<string, number>;
}

/**
 * Issue 9: every paid order has exactly one `order.paid` event, delivered to the client app's endpoint
 * (under one webhook-id; a repeat after a kill mid-delivery is at-least-once and counted), and exactly
 * one receipt at Postmark, however the kills fell.
 */
export async function auditNotifications(db: Connection, sandbox: StandaloneSandbox, received: { headers: Record<string, unknown> }[]): Promise<NotificationAudit> {
  const paid = await rows<{ id: string }>(db, "select id from orders where status = 'paid'");
  const events = await rows<{ id: string; resource_id: string }>(db, "select id, resource_id from events where type = 'order.paid'");
  const eventViolations: string[] = [];
  const eventsByOrder = new Map<string, string[]>();
  for (const e of events) eventsByOrder.set(e.resource_id, [...(eventsByOrder.get(e.resource_id) ?? []), e.id]);
  const paidIds = new Set(paid.map((o) => o.id));
  for (const o of paid) if ((eventsByOrder.get(o.id) ?? []).length !== 1) eventViolations.push(`order ${o.id}: ${(eventsByOrder.get(o.id) ?? []).length} order.paid events`);
  for (const [orderId] of eventsByOrder) if (!paidIds.has(orderId)) eventViolations.push(`order ${orderId} has order.paid but is not paid`);

  const seen = new Map<string, number>();
  for (const r of received) {
    const id = String(r.headers['webhook-id']);
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  const undelivered = events.filter((e) => !seen.has(e.id)).map((e) => `event ${e.id} (order ${e.resource_id}) never reached the endpoint`);
  for (const d of await rows<{ id: string; event_id: string; last_error: string | null }>(db, "select id, event_id, last_error from event_deliveries where status <> 'succeeded'")) {
    undelivered.push(`delivery ${d.id} of ${d.event_id} is not succeeded (${d.last_error ?? 'no error'})`);
  }
  const repeatedDeliveries = [...seen.values()].reduce((n, count) => n + count - 1, 0);

  const receipts = await rows<{ id: string; order_id: string; status: string }>(db, "select id, order_id, status from email_messages where kind = 'receipt'");
  const messages = (await sandbox.postmarkMessages()).filter((m) => m.Tag === 'receipt');
  const atPostmark = new Map<string, number>();
  for (const m of messages) atPostmark.set(m.Metadata.smartpay_email_id ?? '', (atPostmark.get(m.Metadata.smartpay_email_id ?? '') ?? 0) + 1);
  const receiptViolations: string[] = [];
  const receiptByOrder = new Map(receipts.map((r) => [r.order_id, r]));
  for (const o of paid) {
    const receipt = receiptByOrder.get(o.id);
    const count = receipt ? (atPostmark.get(receipt.id) ?? 0) : 0;
    if (!receipt || receipt.status !== 'sent' || count !== 1) receiptViolations.push(`order ${o.id}: receipt ${receipt?.id ?? 'missing'} is ${receipt?.status ?? '-'}, ${count} at Postmark`);
  }
  const emails: Record<string, number> = {};
  for (const r of await rows<{ kind: string; status: string; n: number }>(db, 'select kind, status, count(*) as n from email_messages group by kind, status')) emails[`${r.kind}:${r.status}`] = Number(r.n);
  return { paidOrders: paid.length, eventViolations, undelivered, repeatedDeliveries, receiptViolations, receiptsAtPostmark: messages.length, emails };
}

export interface CreditsAudit {
  paidPackageOrders: number;
  granted: number;
  customers: number;
  violations: string[];
}

/**
 * Issue 10: a paid credit-package order grants its lots exactly once — whether the kill fell before the
 * payment committed, right after it (before the grant job ran) or during the grant — and no unpaid order
 * grants anything; every customer's ledger adds up (balance = Σ lot remainders = Σ entries, never negative).
 */
export async function auditCredits(db: Connection): Promise<CreditsAudit> {
  const violations: string[] = [];
  const orders = await rows<{ id: string; status: string }>(db, 'select id, status from orders where credit_package is not null');
  const entries = await rows<{ order_id: string; type: string; credits: number; n: number }>(
    db,
    "select order_id, type, sum(credits) as credits, count(*) as n from credit_transactions where type in ('purchase', 'bonus') group by order_id, type",
  );
  const byOrder = new Map<string, Map<string, { credits: number; n: number }>>();
  for (const e of entries) byOrder.set(e.order_id, (byOrder.get(e.order_id) ?? new Map()).set(e.type, { credits: Number(e.credits), n: Number(e.n) }));
  let paid = 0;
  let granted = 0;
  for (const o of orders) {
    const got = byOrder.get(o.id);
    if (o.status !== 'paid') {
      if (got) violations.push(`order ${o.id} is ${o.status} but granted credits`);
      continue;
    }
    paid++;
    const purchase = got?.get('purchase');
    const bonus = got?.get('bonus');
    if (purchase?.n === 1 && purchase.credits === 500 && bonus?.n === 1 && bonus.credits === 50) granted++;
    else violations.push(`paid order ${o.id}: purchase ${JSON.stringify(purchase ?? null)} bonus ${JSON.stringify(bonus ?? null)}`);
  }
  const accounts = await rows<{ customer_id: string; balance: number; lots: number | null; entries: number | null; negative: number }>(
    db,
    `select a.customer_id, a.balance,
       (select sum(remaining) from credit_lots l where l.customer_id = a.customer_id) as lots,
       (select sum(credits) from credit_transactions t where t.customer_id = a.customer_id) as entries,
       (select count(*) from credit_transactions t where t.customer_id = a.customer_id and t.balance_after < 0) as negative
     from credit_accounts a`,
  );
  for (const a of accounts) {
    const balance = Number(a.balance);
    if (Number(a.lots ?? 0) !== balance || Number(a.entries ?? 0) !== balance || Number(a.negative) > 0) {
      violations.push(`customer ${a.customer_id}: balance ${balance}, Σ lots ${a.lots}, Σ entries ${a.entries}, negative entries ${a.negative}`);
    }
  }
  return { paidPackageOrders: paid, granted, customers: accounts.length, violations };
}

export interface ConsumptionAudit {
  customers: number;
  debits: number;
  violations: string[];
}

/**
 * The consumptions that ran through the kills: every reference the client saw answered 201 is debited exactly
 * once, and nothing is debited that the client was not answered for (each was sent until answered).
 */
export async function auditConsumption(db: Connection, answered: Map<string, Set<string>>): Promise<ConsumptionAudit> {
  const violations: string[] = [];
  let debits = 0;
  for (const [customerId, references] of answered) {
    const entries = await rows<{ reference: string; n: number; credits: number }>(
      db,
      "select reference, count(*) as n, sum(credits) as credits from credit_transactions where customer_id = ? and type = 'consume' group by reference",
      [customerId],
    );
    const found = new Set<string>();
    for (const e of entries) {
      found.add(e.reference);
      debits += Number(e.n);
      if (Number(e.n) !== 1 || Number(e.credits) !== -1) violations.push(`customer ${customerId}: reference ${e.reference} debited ${e.n} times (${e.credits} credits)`);
      if (!references.has(e.reference)) violations.push(`customer ${customerId}: reference ${e.reference} debited but never answered 201`);
    }
    for (const reference of references) if (!found.has(reference)) violations.push(`customer ${customerId}: reference ${reference} answered 201 but not debited`);
  }
  return { customers: answered.size, debits, violations };
}

export interface InvoicesAudit {
  paidOrders: number;
  invoiced: number;
  accepted: number;
  series: Record<string, number>;
  violations: string[];
}

/**
 * Issue 11: every paid order has exactly one live sale document (not rejected) — whether the kill fell before the
 * payment committed, before the issuing job ran, during it or during the submission — no unpaid order has one,
 * the order points at it, and every series is numbered 1..N with no gap and no repeat.
 */
export async function auditInvoices(db: Connection): Promise<InvoicesAudit> {
  const violations: string[] = [];
  const orders = await rows<{ id: string; status: string; invoice_id: string | null }>(db, 'select id, status, invoice_id from orders');
  const sales = await rows<{ id: string; order_id: string; status: string }>(db, "select id, order_id, status from invoices where kind <> 'credit_note' and status <> 'rejected'");
  const byOrder = new Map<string, { id: string; status: string }[]>();
  for (const s of sales) byOrder.set(s.order_id, [...(byOrder.get(s.order_id) ?? []), s]);
  let paid = 0;
  let invoiced = 0;
  let accepted = 0;
  for (const o of orders) {
    const docs = byOrder.get(o.id) ?? [];
    if (o.status !== 'paid') {
      if (docs.length > 0) violations.push(`order ${o.id} is ${o.status} but has sale documents ${docs.map((d) => d.id).join(', ')}`);
      continue;
    }
    paid++;
    if (docs.length !== 1) {
      violations.push(`paid order ${o.id} has ${docs.length} live sale documents`);
      continue;
    }
    invoiced++;
    if (docs[0]!.status === 'accepted') accepted++;
    if (o.invoice_id !== docs[0]!.id) violations.push(`paid order ${o.id} points at ${o.invoice_id}, its document is ${docs[0]!.id}`);
  }
  const numbers = await rows<{ app_id: string; type_code: string; series: string; n: number; lowest: number; highest: number; distinct_numbers: number }>(
    db,
    'select app_id, type_code, series, count(*) as n, min(number) as lowest, max(number) as highest, count(distinct number) as distinct_numbers from invoices group by app_id, type_code, series',
  );
  const series: Record<string, number> = {};
  for (const s of numbers) {
    series[`${s.type_code}/${s.series}`] = (series[`${s.type_code}/${s.series}`] ?? 0) + Number(s.n);
    if (Number(s.lowest) !== 1 || Number(s.highest) !== Number(s.n) || Number(s.distinct_numbers) !== Number(s.n)) {
      violations.push(`series ${s.series} (${s.type_code}) of ${s.app_id}: ${s.n} documents numbered ${s.lowest}..${s.highest} (${s.distinct_numbers} distinct)`);
    }
  }
  return { paidOrders: paid, invoiced, accepted, series, violations };
}
