import type { CreditAccount } from './credit-account.entity';
import type { CreditLot } from './credit-lot.entity';
import type { CreditTransaction } from './credit-transaction.entity';

// The credits resources as the API shows them; events carry the same shapes, so a webhook receiver
// and a client reading the API see one vocabulary.

export interface LotObject {
  id: string;
  kind: CreditLot['kind'];
  credits: number;
  remaining: number;
  expires_at: string | null;
  order_id: string | null;
  created_at: string;
}

export function lotSnapshot(lot: CreditLot): LotObject {
  return {
    id: lot.id,
    kind: lot.kind,
    credits: lot.credits,
    remaining: lot.remaining,
    expires_at: lot.expiresAt?.toISOString() ?? null,
    order_id: lot.orderId,
    created_at: lot.createdAt.toISOString(),
  };
}

export function autoRenewalSnapshot(a: CreditAccount) {
  if (!a.renewalEnabled && a.renewalStatus !== 'disabled') return null;
  return {
    enabled: a.renewalEnabled,
    package: a.renewalPackage,
    currency: a.renewalCurrency,
    payment_method_id: a.renewalPaymentMethodId,
    threshold: a.renewalThreshold,
    status: a.renewalStatus,
    attempts: a.renewalAttempts,
    order_id: a.renewalOrderId,
    last_failure: a.renewalLastFailure,
  };
}

/**
 * The customer's balance: only lots usable at `now` count — a lot whose `expires_at` passed is never
 * spendable, even in the moments before the expiry job records its `expire` entry.
 */
export function balanceSnapshot(a: CreditAccount | null, lots: readonly CreditLot[], threshold: number, now: Date, customerId = a?.customerId) {
  const usable = lots.filter((l) => l.remaining > 0 && (l.expiresAt === null || l.expiresAt.getTime() > now.getTime()));
  return {
    object: 'credit_balance' as const,
    customer_id: customerId ?? null,
    balance: usable.reduce((sum, l) => sum + l.remaining, 0),
    lots: usable.map(lotSnapshot),
    auto_renewal: a ? autoRenewalSnapshot(a) : null,
    low_balance_threshold: threshold,
  };
}

export function transactionSnapshot(t: CreditTransaction) {
  return {
    id: t.id,
    object: 'credit_transaction' as const,
    customer_id: t.customerId,
    type: t.type,
    credits: t.credits,
    balance_after: t.balanceAfter,
    reference: t.reference,
    description: t.description,
    lots: t.lots,
    order_id: t.orderId,
    refund_id: t.refundId,
    metadata: t.metadata,
    created_at: t.createdAt.toISOString(),
  };
}

export type CreditTransactionObject = ReturnType<typeof transactionSnapshot>;
