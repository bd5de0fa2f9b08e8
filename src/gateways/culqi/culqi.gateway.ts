import type { GatewayHttpClient, GatewayHttpRequest, GatewayHttpResult } from '../http/gateway-http.client';
import type {
  CallContext,
  ChargeOutcome,
  ChargeListing,
  ChargeListingWindow,
  ChargeReference,
  ChargeRequest,
  DeleteCardOutcome,
  GatewayCapabilities,
  GatewayChargeSummary,
  LookupOutcome,
  NextAction,
  PaymentGateway,
  RefundLookup,
  RefundOutcome,
  RefundReference,
  RefundRequest,
  SaveCardOutcome,
  SaveCardRequest,
  SavedCardRef,
  ThreeDsAuthentication,
} from '../payment-gateway.port';
import { chargeAmount, chargeMatchesReference, creationDateMs, mapChargeObject, refundReference, summariseCharge } from './culqi.mappers';
import { buildCardBody, buildChargeBody, buildCustomerBody, buildRefundBody, culqiSourceId } from './culqi.requests';
import {
  mapCardResult,
  mapChargeResult,
  mapCustomerResult,
  mapDeleteCardResult,
  mapLookupResult,
  mapRefundLookupResult,
  mapRefundResult,
  readListPage,
  refundObjectId,
} from './culqi.results';
import type { CulqiSettings } from './culqi.settings';

/**
 * How far before `attemptedAt` a reconciliation lookup reads: only clock skew between us and Culqi, since
 * Culqi cannot create a charge from a request we had not sent yet. There is no upper bound: the listing
 * starts at the newest charge (a 3-D Secure completion, say, reaches Culqi minutes after the attempt).
 */
const SEARCH_BEFORE_MS = 60_000;
const PAGE_SIZE = 100;
/**
 * A safety bound on one lookup: 20 pages of 100 charges of the attempt's amount and currency (or of
 * refunds, unfiltered) created since just before it. Beyond that the search reports an error rather
 * than "not found".
 */
const MAX_PAGES = 20;
/** The reconciliation report reads up to 200 pages of 100 (20,000 charges) per window, then reports an error. */
const MAX_LIST_PAGES = 200;

type CulqiCall = Pick<GatewayHttpRequest, 'operation' | 'method' | 'path' | 'body'>;

/**
 * Culqi API v2 over plain HTTP (culqi.md; `culqi-node` is not used, see §12). Every call goes through
 * GatewayHttpClient, which logs it (redacted) into `ctx.calls`. POSTs are never retried: Culqi has no
 * idempotency key, and a resent charge could charge twice (design.md invariant 1). Only reads and the
 * idempotent card DELETE are retried, once.
 */
export class CulqiGateway implements PaymentGateway {
  readonly id = 'culqi' as const;
  readonly capabilities: GatewayCapabilities = {
    cards: true,
    yape: true,
    threeDSecure: true,
    savedCards: true,
    partialRefunds: true,
    lookupByReference: true,
    currencies: ['PEN', 'USD'],
  };

  constructor(
    private readonly settings: CulqiSettings,
    private readonly http: GatewayHttpClient,
  ) {}

  charge(request: ChargeRequest, ctx: CallContext): Promise<ChargeOutcome> {
    return this.postCharge(request, undefined, ctx);
  }

  /** The same POST with the same token plus the 3-D Secure result (§7 step 5); a REVIEW consumed nothing. */
  completeThreeDs(request: ChargeRequest, authentication: ThreeDsAuthentication, ctx: CallContext): Promise<ChargeOutcome> {
    return this.postCharge(request, authentication, ctx);
  }

  private async postCharge(request: ChargeRequest, authentication: ThreeDsAuthentication | undefined, ctx: CallContext): Promise<ChargeOutcome> {
    const result = await this.send(
      { operation: authentication ? 'complete_3ds' : 'create_charge', method: 'POST', path: '/charges', body: buildChargeBody(request, authentication) },
      ctx,
    );
    return mapChargeResult(result, { threeDs: authentication !== undefined, nextAction: this.challenge(request) });
  }

  private challenge(request: ChargeRequest): NextAction {
    return {
      type: 'three_ds_challenge',
      gateway: 'culqi',
      culqi: {
        public_key: this.settings.publicKey,
        token_id: culqiSourceId(request.source),
        amount: request.amount,
        currency: request.currency,
        email: request.email,
      },
    };
  }

  async getCharge(gatewayChargeId: string, ctx: CallContext): Promise<LookupOutcome> {
    const result = await this.sendRetryingOnce({ operation: 'get_charge', method: 'GET', path: `/charges/${encodeURIComponent(gatewayChargeId)}` }, ctx);
    return mapLookupResult(result);
  }

  /**
   * Lists the charges of the attempt's amount and currency, newest first (`after` cursors), back to just
   * before the attempt, and matches our charge id in their metadata: the filters keep the listing to a
   * page or so however busy the merchant is, and the metadata stays the decisive check, so a gateway
   * ignoring a filter only makes the search longer. Not `email`: whether Culqi files a charge under the e-mail sent
   * with it or the one its token was created with is not documented, and a filter on the other one would
   * hide the charge. A REVIEW answer creates no charge, so "not found" is a real answer once the whole
   * window has been read; a listing that fails or does not end is an error, never "not found".
   */
  async findChargeByReference(reference: ChargeReference, ctx: CallContext): Promise<LookupOutcome> {
    const from = reference.attemptedAt.getTime() - SEARCH_BEFORE_MS;
    let cursor: string | null = null;
    let declined: LookupOutcome | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      // No creation_date filters: their unit (seconds or milliseconds) is not confirmed (reference §2.3), and
      // a filter read in the other unit would return an empty list — "not found" for a charge Culqi took.
      // The window is applied to the items' own creation_date instead, whose unit is recorded (ms).
      const query = new URLSearchParams({ amount: String(reference.amount), currency_code: reference.currency, limit: String(PAGE_SIZE) });
      if (cursor !== null) query.set('after', cursor);
      const listed = readListPage(await this.sendRetryingOnce({ operation: 'list_charges', method: 'GET', path: `/charges?${query.toString()}` }, ctx));
      if ('error' in listed) return { error: listed.error };
      let reachedStart = false;
      for (const item of listed.items) {
        const created = creationDateMs(item);
        if (created !== null && created < from) reachedStart = true;
        // Any charge carrying our id is ours, wherever the gateway placed it (even outside the window).
        if (!chargeMatchesReference(item, reference.chargeId)) continue;
        const outcome = mapChargeObject(item);
        const money = chargeAmount(item);
        if (!outcome || !money) return { error: 'a Culqi charge carrying our charge id could not be read' };
        // A success wins over a decline carrying the same id (a declined 3-D Secure retry, say).
        if (outcome.status === 'succeeded') return { found: true, outcome, ...money };
        declined ??= { found: true, outcome, ...money };
      }
      // Newest first: "not found" only once the listing reached past the window's start, or ended.
      if (listed.nextCursor === null || reachedStart) return declined ?? { found: false };
      if (listed.nextCursor === cursor) return { error: 'Culqi returned the same page cursor twice' };
      cursor = listed.nextCursor;
    }
    return { error: `more than ${MAX_PAGES * PAGE_SIZE} Culqi charges of ${reference.amount} ${reference.currency} since the attempt` };
  }

  /**
   * Every charge created in the window, declined ones included (Culqi keeps and lists them): the
   * same `creation_date_from`/`creation_date_to` filter in milliseconds as findChargeByReference, paged
   * newest first with `after` cursors to the end. Items outside the window are dropped, and paging
   * stops at the first page that reaches past `from`, so a gateway reading the bounds another way
   * cannot widen the report.
   */
  async listCharges(window: ChargeListingWindow, ctx: CallContext): Promise<ChargeListing> {
    const from = window.from.getTime();
    const to = window.to.getTime();
    const charges = new Map<string, GatewayChargeSummary>();
    let cursor: string | null = null;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const query = new URLSearchParams({ creation_date_from: String(from), creation_date_to: String(to), limit: String(PAGE_SIZE) });
      if (cursor !== null) query.set('after', cursor);
      const listed = readListPage(await this.sendRetryingOnce({ operation: 'list_charges', method: 'GET', path: `/charges?${query.toString()}` }, ctx));
      if ('error' in listed) return { error: listed.error };
      let reachedStart = false;
      for (const item of listed.items) {
        const summary = summariseCharge(item);
        if (!summary) return { error: 'a listed Culqi charge could not be read' };
        const at = summary.createdAt.getTime();
        if (at < from) reachedStart = true;
        if (at >= from && at <= to) charges.set(summary.gatewayChargeId, summary);
      }
      if (listed.nextCursor === null || reachedStart) return { charges: [...charges.values()] };
      if (listed.nextCursor === cursor) return { error: 'Culqi returned the same page cursor twice' };
      cursor = listed.nextCursor;
    }
    return { error: `more than ${MAX_LIST_PAGES * PAGE_SIZE} Culqi charges in the listing window` };
  }

  async refund(request: RefundRequest, ctx: CallContext): Promise<RefundOutcome> {
    const result = await this.send({ operation: 'create_refund', method: 'POST', path: '/refunds', body: buildRefundBody(request) }, ctx);
    return mapRefundResult(result);
  }

  /**
   * By Culqi's refund id when we have it; else the refund listing, newest first (`after` cursors), back
   * to just before the attempt (items' own `creation_date`, ms), matched on our refund id in metadata
   * only, which every refund POST carries. No filters: `charge_id` is not a documented refund filter and
   * the `creation_date` unit is unconfirmed (§2.3, §2.4), and a filter read another way would hide the
   * refund. A Culqi refund has no status: one that exists succeeded. As with charges, "not found" only
   * once the window was read to its start; a listing that fails or does not end is an error.
   */
  async findRefund(reference: RefundReference, ctx: CallContext): Promise<RefundLookup> {
    if (reference.gatewayRefundId !== null) {
      const path = `/refunds/${encodeURIComponent(reference.gatewayRefundId)}`;
      return mapRefundLookupResult(await this.sendRetryingOnce({ operation: 'get_refund', method: 'GET', path }, ctx));
    }
    const from = reference.attemptedAt.getTime() - SEARCH_BEFORE_MS;
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (cursor !== null) query.set('after', cursor);
      const listed = readListPage(await this.sendRetryingOnce({ operation: 'list_refunds', method: 'GET', path: `/refunds?${query.toString()}` }, ctx));
      if ('error' in listed) return { error: listed.error };
      let reachedStart = false;
      for (const item of listed.items) {
        const created = creationDateMs(item);
        if (created !== null && created < from) reachedStart = true;
        if (refundReference(item) !== reference.refundId) continue;
        const id = refundObjectId(item);
        if (id === null) return { error: 'a Culqi refund carrying our refund id could not be read' };
        return { found: true, gatewayRefundId: id, status: 'succeeded' };
      }
      if (listed.nextCursor === null || reachedStart) return { found: false };
      if (listed.nextCursor === cursor) return { error: 'Culqi returned the same page cursor twice' };
      cursor = listed.nextCursor;
    }
    return { error: `more than ${MAX_PAGES * PAGE_SIZE} Culqi refunds since the attempt` };
  }

  /**
   * Customer first (unless the SmartPay customer already has one at Culqi), then the card. If the card
   * step fails after a new customer was created, that customer is left at Culqi unused (the port has no
   * way to hand it back).
   */
  async saveCard(request: SaveCardRequest, ctx: CallContext): Promise<SaveCardOutcome> {
    let customerRef = request.existingCustomerRef;
    if (customerRef === null) {
      // Culqi holds one customer per e-mail across the merchant's account (all SmartPay apps share it):
      // reuse the one that exists, whoever created it, before creating a new one.
      customerRef = await this.findCustomerByEmail(request.email, ctx);
    }
    if (customerRef === null) {
      const created = mapCustomerResult(await this.send({ operation: 'create_customer', method: 'POST', path: '/customers', body: buildCustomerBody(request) }, ctx));
      if ('failure' in created) return { status: 'failed', failure: created.failure };
      customerRef = created.customerRef;
    }
    const result = await this.send(
      { operation: 'create_card', method: 'POST', path: '/cards', body: buildCardBody(customerRef, request.token, ctx.paymentMethodId) },
      ctx,
    );
    return mapCardResult(result, customerRef);
  }

  /** The Culqi customer with this e-mail, or null (also when the lookup fails: creating is then tried). */
  private async findCustomerByEmail(email: string, ctx: CallContext): Promise<string | null> {
    const result = await this.sendRetryingOnce({ operation: 'list_customers', method: 'GET', path: `/customers?email=${encodeURIComponent(email)}&limit=1` }, ctx);
    if (result.kind === 'error' || result.status !== 200) return null;
    const data = (result.json as { data?: { id?: unknown; email?: unknown }[] } | null)?.data ?? [];
    const match = data.find((c) => typeof c.email === 'string' && c.email.toLowerCase() === email.toLowerCase());
    return typeof match?.id === 'string' ? match.id : null;
  }

  async deleteCard(card: SavedCardRef, ctx: CallContext): Promise<DeleteCardOutcome> {
    const result = await this.sendRetryingOnce({ operation: 'delete_card', method: 'DELETE', path: `/cards/${encodeURIComponent(card.cardRef)}` }, ctx);
    return mapDeleteCardResult(result);
  }

  private send(call: CulqiCall, ctx: CallContext): Promise<GatewayHttpResult> {
    return this.http.send(
      {
        gateway: 'culqi',
        ...call,
        baseUrl: this.settings.apiUrl,
        headers: { Authorization: `Bearer ${this.settings.secretKey}` },
        timeoutMs: this.settings.timeoutMs,
      },
      ctx,
    );
  }

  /** Only for safe or idempotent calls (GET, DELETE): one more try after a timeout, a reset or a 5xx. */
  private async sendRetryingOnce(call: CulqiCall, ctx: CallContext): Promise<GatewayHttpResult> {
    const first = await this.send(call, ctx);
    const retry = first.kind === 'error' ? !first.notSent : first.status >= 500;
    return retry ? this.send(call, ctx) : first;
  }
}
