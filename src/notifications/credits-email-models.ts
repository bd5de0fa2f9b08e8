import type { Brand, CreditsLowBalanceModel, CreditsRenewalFailedModel, Currency, Locale, SavedCardView } from './templates/email-models';

/**
 * The credits e-mails built from their events' snapshots (`credits.low_balance`, `credits.renewal_failed`),
 * kept apart from the composer so the mapping can be checked without a database: the composer resolves
 * who receives them and with which card, these functions say what they show.
 */

interface LotSnapshot {
  id: string;
  kind: string;
  credits: number;
  remaining: number;
  expires_at: string | null;
  order_id: string | null;
}

export interface LowBalanceSnapshot {
  object: 'credit_balance';
  customer_id: string;
  balance: number;
  low_balance_threshold: number;
  lots: LotSnapshot[];
  auto_renewal: { enabled: boolean; package: string; currency: Currency; payment_method_id: string | null; threshold: number; status: string } | null;
}

export interface RenewalFailedSnapshot {
  object: 'credit_renewal';
  customer_id: string;
  package: string;
  package_name?: string;
  currency: Currency;
  amount: number;
  payment_method_id: string | null;
  order_id: string | null;
  attempts: number;
  failure: { code: string; decline_code: string | null; message: string } | null;
  auto_renewal_disabled: boolean;
  balance: number;
}

/** Who the e-mail is for and with which card, already resolved, and the catalogue's name of a package code. */
export interface CreditsEmailContext {
  locale: Locale;
  brand: Brand;
  customerName: string | null;
  card: SavedCardView;
  catalogueName(code: string): string | null;
}

/**
 * Events carry a package's code, not its name. The first name known wins — one carried by the event (what
 * it was called then), the catalogue's — else the code itself, capitalised, which is how the built-in
 * packages are named (a package removed from CREDIT_PACKAGES since still gets a readable name).
 */
export function packageName(code: string, ...names: unknown[]): string {
  const known = names.find((name): name is string => typeof name === 'string' && name.trim() !== '');
  if (known !== undefined) return known.trim();
  return code.charAt(0).toUpperCase() + code.slice(1).replace(/_/g, ' ');
}

/**
 * The renewal the low-balance e-mail can promise: only one that is on and not given up on. A renewal
 * `disabled` after failed charges stays in the snapshot (so the API can show it) but will buy nothing.
 */
function activeRenewal(snapshot: LowBalanceSnapshot): LowBalanceSnapshot['auto_renewal'] {
  const renewal = snapshot.auto_renewal;
  return renewal !== null && renewal.enabled && renewal.status !== 'disabled' ? renewal : null;
}

/**
 * Where to buy credits. The app's only configured link is the payment-failed checkout link: it is used when it
 * names no particular order (no `{order_id}` / `{reference}`), since a low balance has no order to fill in.
 */
export function purchaseLink(retryUrl: string | null): string | null {
  if (retryUrl === null || /\{(order_id|reference)\}/.test(retryUrl)) return null;
  return retryUrl;
}

export function lowBalanceModel(data: LowBalanceSnapshot, who: CreditsEmailContext, purchaseUrl: string | null): CreditsLowBalanceModel {
  const renewal = activeRenewal(data);
  return {
    kind: 'credits_low_balance',
    locale: who.locale,
    brand: who.brand,
    customerName: who.customerName,
    balance: data.balance,
    threshold: data.low_balance_threshold,
    lots: data.lots.map((lot) => ({ remaining: lot.remaining, expiresAt: lot.expires_at === null ? null : new Date(lot.expires_at) })),
    autoRenewal: renewal === null ? null : { packageName: packageName(renewal.package, who.catalogueName(renewal.package)), threshold: renewal.threshold, card: who.card },
    purchaseUrl,
  };
}

export function renewalFailedModel(data: RenewalFailedSnapshot, who: CreditsEmailContext, failedAt: Date): CreditsRenewalFailedModel {
  return {
    kind: 'credits_renewal_failed',
    locale: who.locale,
    brand: who.brand,
    customerName: who.customerName,
    packageName: packageName(data.package, data.package_name, who.catalogueName(data.package)),
    amount: data.amount,
    currency: data.currency,
    orderId: data.order_id,
    card: who.card,
    attempts: data.attempts,
    failure: data.failure === null ? null : { code: data.failure.code, declineCode: data.failure.decline_code },
    autoRenewalDisabled: data.auto_renewal_disabled,
    balance: data.balance,
    failedAt,
  };
}
