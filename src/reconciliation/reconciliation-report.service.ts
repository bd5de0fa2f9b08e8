import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Charge } from '../charges/charge.entity';
import { Clock } from '../common/clock';
import { ApiError } from '../common/errors/api-error';
import type { GatewayId } from '../config/app-config';
import { GatewayRegistry } from '../gateways/gateway-registry';
import type { CallContext, GatewayCallRecord } from '../gateways/payment-gateway.port';
import { matchCharges, type GatewayListingView, type LocalChargeView, type MatchResult } from './reconciliation-matcher';

/** Clock skew between us and the gateways, plus request duration: both sides are read this much wider. */
export const SKEW_MARGIN_MS = 10 * 60_000;
/** A pending charge younger than this is still being decided (timeout, webhook on its way). */
export const IN_FLIGHT_MS = 5 * 60_000;
/** Ids per `IN (…)` query. */
const ID_CHUNK = 500;
const LOCAL_FIELDS = ['id', 'appId', 'gateway', 'gatewayChargeId', 'amount', 'currency', 'status', 'attemptedAt'] as const;

export interface ReconciliationReport extends MatchResult {
  object: 'reconciliation_report';
  from: string;
  to: string;
}

/**
 * The reconciliation report (api.md "Routing and reconciliation"): every configured gateway's charges
 * in the period, side by side with ours. Read-only; the classification itself is matchCharges.
 * `appId` null is the operator's report over every app (the CLI), the only one that shows gateway
 * charges naming no known SmartPay charge.
 */
@Injectable()
export class ReconciliationReportService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly registry: GatewayRegistry,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Reconciliation');
  }

  async report(appId: string | null, from: Date, to: Date): Promise<ReconciliationReport> {
    const wide = { from: new Date(from.getTime() - SKEW_MARGIN_MS), to: new Date(to.getTime() + SKEW_MARGIN_MS) };
    const listings = await Promise.all(this.registry.ids().map((gateway) => this.list(gateway, wide, appId)));
    const em = this.em.fork();
    const locals = await this.loadLocals(em, appId, wide, listings);
    const result = matchCharges({ period: { from, to }, appId, now: this.clock.now(), inFlightMs: IN_FLIGHT_MS, listings, locals });
    return { object: 'reconciliation_report', from: from.toISOString(), to: to.toISOString(), ...result };
  }

  /** One gateway's listing; a listing that fails fails the report (a partial one would hide discrepancies). */
  private async list(gateway: GatewayId, window: { from: Date; to: Date }, appId: string | null): Promise<GatewayListingView> {
    // Listing pages are large and not tied to any charge: they are not written to the call log.
    const ctx: CallContext = { appId: appId ?? '(all apps)', calls: bodylessCalls() };
    const listed = await this.registry.get(gateway).listCharges(window, ctx);
    const fields = { gateway, app_id: appId, requests: ctx.calls.length };
    if ('error' in listed) this.logger.warn({ ...fields, error: listed.error }, 'listing gateway charges for the reconciliation report failed');
    else this.logger.info({ ...fields, charges: listed.charges.length }, 'gateway charges listed for the reconciliation report');
    if ('error' in listed) throw new ApiError('gateway_unavailable', `Could not list the charges at ${gateway} (${listed.error}); try again later`);
    return { gateway, charges: listed.charges };
  }

  /**
   * The scope's charges attempted in the widened period, plus every charge (of any app: ownership
   * decides what the scope may see) that a listed gateway charge names by reference or by gateway id.
   */
  private async loadLocals(em: EntityManager, appId: string | null, wide: { from: Date; to: Date }, listings: GatewayListingView[]): Promise<LocalChargeView[]> {
    const rows = await em.find(Charge, { ...(appId !== null ? { appId } : {}), attemptedAt: { $gte: wide.from, $lte: wide.to } }, { fields: LOCAL_FIELDS });
    const byId = new Map<string, LocalChargeView>(rows.map((r) => [r.id, view(r)]));
    const known = new Set(rows.filter((r) => r.gatewayChargeId !== null).map((r) => `${r.gateway}:${r.gatewayChargeId}`));

    const references = new Set<string>();
    const gatewayIds = new Map<GatewayId, string[]>();
    for (const { gateway, charges } of listings) {
      for (const c of charges) {
        if (c.reference !== null && !byId.has(c.reference)) references.add(c.reference);
        if (!known.has(`${gateway}:${c.gatewayChargeId}`)) gatewayIds.set(gateway, [...(gatewayIds.get(gateway) ?? []), c.gatewayChargeId]);
      }
    }
    const more: LocalChargeView[] = [];
    for (const ids of chunks([...references])) more.push(...(await em.find(Charge, { id: { $in: ids } }, { fields: LOCAL_FIELDS })).map(view));
    for (const [gateway, ids] of gatewayIds) {
      for (const chunk of chunks(ids)) more.push(...(await em.find(Charge, { gateway, gatewayChargeId: { $in: chunk } }, { fields: LOCAL_FIELDS })).map(view));
    }
    for (const r of more) byId.set(r.id, r);
    em.clear();
    return [...byId.values()];
  }
}

function view(r: Pick<Charge, (typeof LOCAL_FIELDS)[number]>): LocalChargeView {
  return {
    id: r.id,
    appId: r.appId,
    gateway: r.gateway,
    gatewayChargeId: r.gatewayChargeId,
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    attemptedAt: r.attemptedAt,
  };
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += ID_CHUNK) out.push(items.slice(i, i + ID_CHUNK));
  return out;
}

/** A call log that keeps each exchange's metadata but drops its bodies (a listing page can be 100 charges). */
function bodylessCalls(): GatewayCallRecord[] {
  const calls: GatewayCallRecord[] = [];
  calls.push = (...records: GatewayCallRecord[]) => Array.prototype.push.apply(calls, records.map((r) => ({ ...r, requestBody: null, responseBody: null })));
  return calls;
}
