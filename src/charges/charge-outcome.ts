import type { SqlSession, SqlValue } from '../database/sql-session';
import type { ChargeOutcome } from '../gateways/payment-gateway.port';
import type { OrderPaymentState } from '../orders/order-payment-state';
import type { Charge, ChargeStatus } from './charge.entity';

/**
 * Copies a gateway outcome onto the charge row (in memory; the caller commits it together with
 * the order transition and the call log). Returns what the order should do.
 */
export function applyOutcomeToCharge(
  charge: Charge,
  outcome: ChargeOutcome,
  now: Date,
  /** When reconciliation first looks at a charge left open (RECONCILE_SCHEDULE's first delay). */
  firstLookupMs: number,
): 'paid' | 'release' | 'requires_action' | 'keep_processing' {
  charge.updatedAt = now;
  charge.processingMs = now.getTime() - charge.attemptedAt.getTime();
  switch (outcome.status) {
    case 'succeeded':
      charge.status = 'succeeded';
      charge.gatewayChargeId = outcome.gatewayChargeId;
      setCard(charge, outcome.card);
      clearFailure(charge);
      charge.nextAction = null;
      charge.sourceToken = null;
      charge.nextReconcileAt = null;
      return 'paid';
    case 'failed':
      charge.status = 'failed';
      charge.gatewayChargeId = outcome.gatewayChargeId ?? charge.gatewayChargeId;
      setCard(charge, outcome.card);
      charge.failureCode = outcome.failure.code;
      charge.declineCode = outcome.failure.declineCode;
      charge.failureMessage = outcome.failure.message.slice(0, 500);
      charge.gatewayCode = outcome.failure.gatewayCode;
      charge.nextAction = null;
      charge.sourceToken = null;
      charge.nextReconcileAt = null;
      return 'release';
    case 'requires_action':
      charge.status = 'requires_action';
      charge.gatewayChargeId = outcome.gatewayChargeId;
      setCard(charge, outcome.card);
      charge.nextAction = outcome.nextAction;
      // An abandoned challenge must not hold the order forever: reconciliation looks again.
      charge.nextReconcileAt = new Date(now.getTime() + firstLookupMs);
      return 'requires_action';
    case 'pending':
      charge.status = 'pending';
      charge.gatewayChargeId = outcome.gatewayChargeId ?? charge.gatewayChargeId;
      charge.nextReconcileAt = new Date(now.getTime() + firstLookupMs);
      return 'keep_processing';
    case 'not_sent':
      charge.status = 'failed';
      charge.failureCode = 'gateway_unavailable';
      charge.declineCode = null;
      charge.failureMessage = `The gateway could not be reached (${outcome.reason}); nothing was charged`;
      charge.gatewayCode = null;
      charge.sourceToken = null;
      charge.nextReconcileAt = null;
      return 'release';
  }
}

function setCard(charge: Charge, card: { brand: string; last4: string; expMonth: number | null; expYear: number | null } | null): void {
  if (!card) return;
  charge.cardBrand = card.brand;
  charge.cardLast4 = card.last4;
  charge.cardExpMonth = card.expMonth ?? charge.cardExpMonth;
  charge.cardExpYear = card.expYear ?? charge.cardExpYear;
}

function clearFailure(charge: Charge): void {
  charge.failureCode = null;
  charge.declineCode = null;
  charge.failureMessage = null;
  charge.gatewayCode = null;
}

const OUTCOME_SET =
  'status = ?, gateway = ?, gateway_charge_id = ?, card_brand = ?, card_last4 = ?, card_exp_month = ?, card_exp_year = ?, failure_code = ?, ' +
  'decline_code = ?, failure_message = ?, gateway_code = ?, next_action = ?, routing = ?, source_token = ?, processing_ms = ?, next_reconcile_at = ?, updated_at = ?';

/**
 * Writes the outcome columns of `charge` only if the stored charge is still `observed` (the state
 * read or written before the gateway call): a webhook or reconciliation may have settled it
 * meanwhile, and its truth must not be overwritten by a staler answer. True when this write won.
 */
export async function writeOutcome(s: SqlSession, charge: Charge, observed: ChargeStatus, now: Date, reconcileAttempts?: number): Promise<boolean> {
  const params: SqlValue[] = [
    charge.status,
    charge.gateway,
    charge.gatewayChargeId,
    charge.cardBrand,
    charge.cardLast4,
    charge.cardExpMonth,
    charge.cardExpYear,
    charge.failureCode,
    charge.declineCode,
    charge.failureMessage,
    charge.gatewayCode,
    charge.nextAction === null ? null : JSON.stringify(charge.nextAction),
    JSON.stringify(charge.routing),
    charge.sourceToken,
    charge.processingMs,
    charge.nextReconcileAt,
    now,
  ];
  const attempts = reconcileAttempts === undefined ? '' : ', reconcile_attempts = ?';
  if (reconcileAttempts !== undefined) params.push(reconcileAttempts);
  params.push(charge.id, observed);
  // The primary key, not MariaDB's choice of the (status, next_reconcile_at) range: see order-payment-state.ts.
  return (await s.run(`update charges /*! FORCE INDEX (PRIMARY) */ set ${OUTCOME_SET}${attempts} where id = ? and status = ?`, params)) === 1;
}

export type OrderEffect = ReturnType<typeof applyOutcomeToCharge>;

/** Moves the order as the charge's outcome requires, in the caller's transaction. True when the order moved. */
export async function applyOrderEffect(s: SqlSession, orderState: OrderPaymentState, effect: OrderEffect, charge: Charge, now: Date): Promise<boolean> {
  switch (effect) {
    case 'paid':
      return orderState.markPaid(s, charge.orderId, charge.gateway, charge.id, now);
    case 'release':
      return orderState.release(s, charge.orderId, charge.id, now);
    case 'requires_action':
      return orderState.markRequiresAction(s, charge.orderId, charge.gateway, charge.id, now);
    case 'keep_processing':
      return orderState.keepProcessing(s, charge.orderId, charge.gateway, charge.id, now);
  }
}
