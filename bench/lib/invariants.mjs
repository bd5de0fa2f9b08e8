// After a run: does what the gateway (sandbox) holds agree with what SmartPay committed?
//   no double charge  — every smartpay_charge_id at the gateway is unique, belongs to a SmartPay charge, and
//                       no order has more than one approved gateway charge;
//   no lost payment   — every charge answered 201 `succeeded` has a paid order, and every approved gateway
//                       charge ended with a succeeded charge and a paid order (after reconciliation);
//   no phantom        — no paid order without an approved gateway charge;
//   jobs              — no job ran more than once (attempts > 1 is reported, with dead/queued leftovers).
import { openReader } from './databases.mjs';

const PAID = new Set(['paid', 'partially_refunded', 'refunded', 'disputed']);

/** Charges still waiting for the gateway's truth (reconciliation), by status. */
export async function unresolvedCharges(databaseUrl) {
  const reader = await openReader(databaseUrl);
  try {
    const rows = await reader.all("select status, count(*) as n from charges where status in ('pending', 'requires_action') group by status");
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  } finally {
    await reader.close();
  }
}

/** The charges still unresolved, with their reconciliation jobs (for the report when something is stuck). */
export async function unresolvedDetails(databaseUrl, limit = 10) {
  const reader = await openReader(databaseUrl);
  try {
    const charges = await reader.all(
      `select id, order_id, status, gateway_charge_id, reconcile_attempts, next_reconcile_at, attempted_at, failure_code
       from charges where status in ('pending', 'requires_action') order by id limit ${Number(limit)}`,
    );
    for (const charge of charges) {
      charge.jobs = await reader.all('select type, status, attempts, last_error, dedupe_key from jobs where dedupe_key like ?', [`reconcile:${charge.id}:%`]).catch(() => []);
    }
    return charges;
  } finally {
    await reader.close();
  }
}

/**
 * responses: [chargeId, orderId, status, ok] for every charge the load generator got a 201 for.
 */
export async function checkInvariants({ controlUrl, databaseUrl, responses = [] }) {
  const res = await fetch(`${controlUrl}/culqi/_charges`);
  if (!res.ok) throw new Error(`sandbox control /culqi/_charges answered ${res.status}`);
  const listing = await res.json();
  const gatewayCharges = listing.data.filter((c) => c.metadata && typeof c.metadata.smartpay_charge_id === 'string');

  const reader = await openReader(databaseUrl);
  let charges;
  let orders;
  let jobs;
  try {
    charges = await reader.all('select id, order_id, status from charges');
    orders = await reader.all('select id, status from orders');
    try {
      jobs = await reader.all('select type, status, count(*) as n, sum(case when attempts > 1 then 1 else 0 end) as retried from jobs group by type, status');
    } catch {
      jobs = [];
    }
  } finally {
    await reader.close();
  }
  const chargeById = new Map(charges.map((c) => [c.id, c]));
  const orderStatus = new Map(orders.map((o) => [o.id, o.status]));

  const seen = new Map();
  const approvedByOrder = new Map();
  const violations = {
    duplicate_gateway_charge_ids: [],
    gateway_charge_unknown_to_smartpay: [],
    orders_charged_twice: [],
    approved_at_gateway_but_order_not_paid: [],
    approved_at_gateway_but_charge_not_succeeded: [],
    succeeded_response_but_order_not_paid: [],
    paid_order_without_gateway_charge: [],
  };
  let approved = 0;
  for (const g of gatewayCharges) {
    const id = g.metadata.smartpay_charge_id;
    seen.set(id, (seen.get(id) ?? 0) + 1);
    if (seen.get(id) === 2) violations.duplicate_gateway_charge_ids.push(id);
    const charge = chargeById.get(id);
    if (!charge) {
      violations.gateway_charge_unknown_to_smartpay.push(id);
      continue;
    }
    if (g.outcome?.type !== 'venta_exitosa') continue;
    approved++;
    const list = approvedByOrder.get(charge.order_id) ?? [];
    list.push(id);
    approvedByOrder.set(charge.order_id, list);
    if (list.length === 2) violations.orders_charged_twice.push(charge.order_id);
    if (!PAID.has(orderStatus.get(charge.order_id))) violations.approved_at_gateway_but_order_not_paid.push(charge.order_id);
    if (charge.status !== 'succeeded') violations.approved_at_gateway_but_charge_not_succeeded.push(`${id} (${charge.status})`);
  }
  for (const [chargeId, orderId, status] of responses) {
    if (status !== 'succeeded') continue;
    if (!PAID.has(orderStatus.get(orderId))) violations.succeeded_response_but_order_not_paid.push(`${orderId} (charge ${chargeId})`);
  }
  let paidOrders = 0;
  for (const [id, status] of orderStatus) {
    if (!PAID.has(status)) continue;
    paidOrders++;
    if (!approvedByOrder.has(id)) violations.paid_order_without_gateway_charge.push(id);
  }

  const counts = Object.fromEntries(Object.entries(violations).map(([k, v]) => [k, v.length]));
  const ok = Object.values(counts).every((n) => n === 0);
  const retriedJobs = jobs.reduce((sum, j) => sum + Number(j.retried ?? 0), 0);
  return {
    ok,
    gatewayCharges: gatewayCharges.length,
    gatewayApproved: approved,
    smartpayCharges: charges.length,
    smartpayChargesByStatus: tally(charges.map((c) => c.status)),
    orders: orders.length,
    ordersByStatus: tally(orders.map((o) => o.status)),
    paidOrders,
    succeededResponses: responses.filter((r) => r[2] === 'succeeded').length,
    violations: counts,
    examples: Object.fromEntries(Object.entries(violations).filter(([, v]) => v.length).map(([k, v]) => [k, v.slice(0, 5)])),
    jobs: jobs.map((j) => ({ type: j.type, status: j.status, count: Number(j.n), retried: Number(j.retried ?? 0) })),
    jobsRetried: retriedJobs,
  };
}

function tally(values) {
  const out = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
