import type { EntityManager } from '@mikro-orm/core';
import type { ChargeOutcome } from '../gateways/payment-gateway.port';
import type { OrderPaymentState } from '../orders/order-payment-state';
import type { Charge } from './charge.entity';


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

/** The columns an outcome changes, for the conditional UPDATE that commits it. */
export function outcomeColumns(charge: Charge, now: Date) {
  return {
    status: charge.status,
    gateway: charge.gateway,
    gatewayChargeId: charge.gatewayChargeId,
    cardBrand: charge.cardBrand,
    cardLast4: charge.cardLast4,
    cardExpMonth: charge.cardExpMonth,
    cardExpYear: charge.cardExpYear,
    failureCode: charge.failureCode,
    declineCode: charge.declineCode,
    failureMessage: charge.failureMessage,
    gatewayCode: charge.gatewayCode,
    nextAction: charge.nextAction,
    routing: charge.routing,
    sourceToken: charge.sourceToken,
    processingMs: charge.processingMs,
    nextReconcileAt: charge.nextReconcileAt,
    updatedAt: now,
  };
}

/** Moves the order as the charge's outcome requires, in the caller's transaction. */
export async function applyOrderEffect(
  tx: EntityManager,
  orderState: OrderPaymentState,
  effect: ReturnType<typeof applyOutcomeToCharge>,
  charge: Charge,
  now: Date,
): Promise<void> {
  switch (effect) {
    case 'paid':
      await orderState.markPaid(tx, charge.orderId, charge.gateway, charge.id, now);
      break;
    case 'release':
      await orderState.release(tx, charge.orderId, charge.id, now);
      break;
    case 'requires_action':
      await orderState.markRequiresAction(tx, charge.orderId, charge.gateway, charge.id, now);
      break;
    case 'keep_processing':
      await orderState.keepProcessing(tx, charge.orderId, charge.gateway, charge.id, now);
      break;
  }
}
