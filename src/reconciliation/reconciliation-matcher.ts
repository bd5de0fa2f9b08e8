import type { ChargeStatus } from '../charges/charge.entity';
import type { GatewayId } from '../config/app-config';
import type { GatewayChargeSummary } from '../gateways/payment-gateway.port';

/**
 * The pure half of the reconciliation report: given what each gateway listed and the local charges
 * that could correspond, classify every pair. No I/O, no clock: the service passes `now`.
 *
 * Rules (api.md "Routing and reconciliation"):
 * - A gateway charge belongs to the local charge its reference names (our charge id); without a
 *   known reference, to the local charge recording its gateway charge id at that gateway.
 * - A pair is `matched` when both sides are in the same status family (money taken / failed /
 *   open) with the same amount and currency; otherwise it is a status and/or amount mismatch.
 *   A local `pending` / `requires_action` charge younger than `inFlightMs` is still in flight: not
 *   a mismatch (and not counted as matched either).
 * - `missing_at_gateway`: a local charge that recorded a gateway charge id, or succeeded, with no
 *   counterpart in its gateway's listing.
 * - `missing_locally`: a gateway charge no local charge accounts for. Gateway credentials are shared
 *   by all apps, so with an app scope a gateway charge of another app is never shown, and one that
 *   names no known charge (no reference, or a reference unknown to every app) only appears in the
 *   unscoped (admin/CLI) report. A declined gateway charge carrying no reference (a card validation
 *   when a card is saved, a decline from another system on the account) took no money: ignored.
 *   A second gateway charge for one local charge (a duplicate) is reported here with `charge_id`
 *   set, unless it was declined (a failed 3-D Secure retry before the success, say).
 * - Period: gateways are listed and local charges loaded over the period widened by the skew
 *   margin, so edge charges find their counterpart; a pair is reported when either side falls in
 *   the period, a lone charge only when it does.
 */

export interface LocalChargeView {
  id: string;
  appId: string;
  gateway: string;
  gatewayChargeId: string | null;
  amount: number;
  currency: string;
  status: ChargeStatus;
  attemptedAt: Date;
}

export interface GatewayListingView {
  gateway: GatewayId;
  charges: GatewayChargeSummary[];
}

export interface MatchInput {
  period: { from: Date; to: Date };
  /** The caller's app; null for the admin/CLI report over every app. */
  appId: string | null;
  now: Date;
  inFlightMs: number;
  listings: GatewayListingView[];
  /** The scope's charges in the widened period plus any charge (of any app) a listed charge names. */
  locals: LocalChargeView[];
}

export interface DiscrepancyEntry {
  gateway: string;
  gateway_charge_id: string | null;
  gateway_amount: number | null;
  gateway_status: GatewayChargeSummary['status'] | null;
  charge_id: string | null;
  amount: number | null;
  status: ChargeStatus | null;
}

export interface MatchResult {
  matched: number;
  missing_locally: DiscrepancyEntry[];
  missing_at_gateway: DiscrepancyEntry[];
  amount_mismatches: DiscrepancyEntry[];
  status_mismatches: DiscrepancyEntry[];
}

type Family = 'paid' | 'failed' | 'open';

export function gatewayFamily(status: GatewayChargeSummary['status']): Family {
  if (status === 'failed') return 'failed';
  if (status === 'pending' || status === 'requires_action') return 'open';
  return 'paid';
}

export function localFamily(status: ChargeStatus): Family {
  if (status === 'succeeded') return 'paid';
  if (status === 'failed') return 'failed';
  return 'open';
}

interface Listed {
  gateway: GatewayId;
  charge: GatewayChargeSummary;
}

export function matchCharges(input: MatchInput): MatchResult {
  const { period, appId, now, inFlightMs } = input;
  const inPeriod = (at: Date) => at.getTime() >= period.from.getTime() && at.getTime() <= period.to.getTime();
  const inScope = (local: LocalChargeView) => appId === null || local.appId === appId;
  const inFlight = (local: LocalChargeView) => localFamily(local.status) === 'open' && now.getTime() - local.attemptedAt.getTime() < inFlightMs;
  const listed = new Set<string>(input.listings.map((l) => l.gateway));

  const byId = new Map<string, LocalChargeView>();
  const byGatewayCharge = new Map<string, LocalChargeView>();
  for (const local of input.locals) {
    byId.set(local.id, local);
    if (local.gatewayChargeId !== null) byGatewayCharge.set(key(local.gateway, local.gatewayChargeId), local);
  }

  // Each gateway charge goes to at most one local charge: by our reference first, else by its id.
  const candidates = new Map<string, Listed[]>();
  const orphans: Listed[] = [];
  for (const listing of input.listings) {
    for (const charge of listing.charges) {
      const owner = (charge.reference !== null ? byId.get(charge.reference) : undefined) ?? byGatewayCharge.get(key(listing.gateway, charge.gatewayChargeId));
      if (owner === undefined) orphans.push({ gateway: listing.gateway, charge });
      else candidates.set(owner.id, [...(candidates.get(owner.id) ?? []), { gateway: listing.gateway, charge }]);
    }
  }

  const result: MatchResult = { matched: 0, missing_locally: [], missing_at_gateway: [], amount_mismatches: [], status_mismatches: [] };

  for (const local of byId.values()) {
    if (!inScope(local)) continue;
    const found = candidates.get(local.id) ?? [];
    const primary = pickPrimary(local, found);
    for (const extra of found) {
      if (extra === primary || gatewayFamily(extra.charge.status) === 'failed') continue;
      if (inPeriod(extra.charge.createdAt) || inPeriod(local.attemptedAt)) result.missing_locally.push(entry(extra, local));
    }
    if (primary === undefined) {
      const expected = local.gatewayChargeId !== null || local.status === 'succeeded';
      if (expected && listed.has(local.gateway) && inPeriod(local.attemptedAt) && !inFlight(local)) result.missing_at_gateway.push(entry(null, local));
      continue;
    }
    if (!inPeriod(local.attemptedAt) && !inPeriod(primary.charge.createdAt)) continue;
    const statusDiffers = gatewayFamily(primary.charge.status) !== localFamily(local.status);
    if (statusDiffers && inFlight(local)) continue;
    const amountDiffers = primary.charge.amount !== local.amount || primary.charge.currency !== local.currency;
    if (statusDiffers) result.status_mismatches.push(entry(primary, local));
    if (amountDiffers) result.amount_mismatches.push(entry(primary, local));
    if (!statusDiffers && !amountDiffers) result.matched++;
  }

  if (appId === null) {
    for (const orphan of orphans) {
      if (!inPeriod(orphan.charge.createdAt)) continue;
      if (orphan.charge.reference === null && gatewayFamily(orphan.charge.status) === 'failed') continue;
      result.missing_locally.push(entry(orphan, null));
    }
  }

  for (const list of [result.missing_locally, result.missing_at_gateway, result.amount_mismatches, result.status_mismatches]) list.sort(compareEntries);
  return result;
}

/**
 * The gateway charge that answers for a local charge: the one it recorded, else (at its own gateway)
 * the one that took money, else any. Charges at another gateway are never its primary.
 */
function pickPrimary(local: LocalChargeView, found: Listed[]): Listed | undefined {
  const own = found.filter((f) => f.gateway === local.gateway);
  if (local.gatewayChargeId !== null) {
    const recorded = own.find((f) => f.charge.gatewayChargeId === local.gatewayChargeId);
    // It recorded a gateway charge the listing lacks: that one is missing, the others are extras.
    return recorded;
  }
  return own.find((f) => gatewayFamily(f.charge.status) === 'paid') ?? own.find((f) => gatewayFamily(f.charge.status) === 'open') ?? own[0];
}

function entry(listed: Listed | null, local: LocalChargeView | null): DiscrepancyEntry {
  return {
    gateway: listed?.gateway ?? local?.gateway ?? '',
    gateway_charge_id: listed?.charge.gatewayChargeId ?? null,
    gateway_amount: listed?.charge.amount ?? null,
    gateway_status: listed?.charge.status ?? null,
    charge_id: local?.id ?? null,
    amount: local?.amount ?? null,
    status: local?.status ?? null,
  };
}

function compareEntries(a: DiscrepancyEntry, b: DiscrepancyEntry): number {
  return (
    a.gateway.localeCompare(b.gateway) ||
    (a.charge_id ?? '').localeCompare(b.charge_id ?? '') ||
    (a.gateway_charge_id ?? '').localeCompare(b.gateway_charge_id ?? '')
  );
}

function key(gateway: string, gatewayChargeId: string): string {
  return `${gateway}\u0000${gatewayChargeId}`;
}
