import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { Clock } from '../common/clock';
import { ApiError } from '../common/errors/api-error';
import { isId } from '../common/ids';
import { type IdempotencyScope, scopedId } from '../common/idempotency/idempotency-scope';
import { assertMinorUnits } from '../common/money';
import { decodeCursor, toPage, type ListPage } from '../common/pagination/cursor-page';
import { AppConfig } from '../config/app-config';
import { EntityRows } from '../database/entity-rows';
import { SqlRunner } from '../database/sql-runner';
import { CreditPackageCatalog } from '../credits/credit-packages';
import { CustomersService } from '../customers/customers.service';
import { RoutingService } from '../gateways/routing.service';
import { LatestChargeLookup } from './latest-charge.lookup';
import { OrderEvents } from './order-events';
import { Order, type OrderItem } from './order.entity';
import { presentOrder, type OrderObject } from './order.presenter';
import type { CreateOrderInput, ListOrdersQuery } from './order.schemas';

/** Longest an order may stay payable. */
const MAX_TTL_MS = 90 * 86_400_000;

@Injectable()
export class OrdersService {
  constructor(
    private readonly em: EntityManager,
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly customers: CustomersService,
    private readonly packages: CreditPackageCatalog,
    private readonly routing: RoutingService,
    private readonly latestCharges: LatestChargeLookup,
    private readonly orderEvents: OrderEvents,
  ) {}

  async create(caller: AuthedCaller, input: CreateOrderInput, scope: IdempotencyScope | null = null): Promise<OrderObject> {
    const now = this.clock.now();
    const { amount, items } = this.priceOf(input);
    const expiresAt = this.expiryOf(input.expires_at, now);

    let customerId: string | null = null;
    if (input.customer_id !== undefined) {
      customerId = (await this.customers.load(caller, input.customer_id)).id;
    } else if (input.customer !== undefined) {
      customerId = (await this.customers.findOrCreate(caller, input.customer)).id;
    }

    // A plain object, not `new Order()`: it is inserted with plain SQL and never tracked by the ORM.
    const order: Order = {
      id: scopedId('order', scope),
      appId: caller.appId,
      status: 'pending',
      amount: assertMinorUnits(amount),
      currency: input.currency,
      amountRefunded: 0,
      description: input.description ?? null,
      reference: input.reference ?? null,
      customerId,
      items,
      creditPackage: input.credit_package ?? null,
      gateway: null,
      latestChargeId: null,
      invoiceId: null,
      metadata: input.metadata ?? {},
      createdAt: now,
      updatedAt: now,
      paidAt: null,
      canceledAt: null,
      expiresAt,
    };
    try {
      // One plain INSERT in its own transaction (the hot path skips the ORM's unit of work).
      await this.rows.insert(this.sql, Order, order);
    } catch (err) {
      // A retry of an Idempotency-Key whose first attempt committed this order and then died.
      const committed = scope && err instanceof UniqueConstraintViolationException ? await this.em.fork().findOne(Order, { id: order.id, appId: caller.appId }) : null;
      if (committed) return this.present(committed, new Map());
      if (err instanceof UniqueConstraintViolationException && input.reference !== undefined) {
        const existing = await this.em.fork().findOne(Order, { appId: caller.appId, reference: input.reference }, { fields: ['id'] });
        throw new ApiError('duplicate_reference', `Order ${existing?.id ?? '(unknown)'} already has reference "${input.reference}"`, {
          param: 'reference',
        });
      }
      throw err;
    }
    return this.present(order, new Map());
  }

  async get(caller: AuthedCaller, id: string): Promise<OrderObject> {
    const order = await this.load(caller, id);
    return this.present(order, await this.latestCharges.byChargeId([order.latestChargeId]));
  }

  async list(caller: AuthedCaller, query: ListOrdersQuery): Promise<ListPage<OrderObject>> {
    const before = decodeCursor(query.cursor, 'order');
    const created: Record<string, Date> = {};
    if (query.created_from !== undefined) created.$gte = new Date(query.created_from);
    if (query.created_to !== undefined) created.$lte = new Date(query.created_to);
    const amount: Record<string, number> = {};
    if (query.amount_min !== undefined) amount.$gte = query.amount_min;
    if (query.amount_max !== undefined) amount.$lte = query.amount_max;
    const rows = await this.em.find(
      Order,
      {
        appId: caller.appId,
        status: query.status,
        customerId: query.customer_id,
        reference: query.reference,
        gateway: query.gateway,
        currency: query.currency,
        ...(Object.keys(amount).length > 0 ? { amount } : {}),
        ...(Object.keys(created).length > 0 ? { createdAt: created } : {}),
        ...(before !== undefined ? { id: { $lt: before } } : {}),
      },
      { orderBy: { id: 'desc' }, limit: query.limit + 1 },
    );
    const charges = await this.latestCharges.byChargeId(rows.map((o) => o.latestChargeId));
    return toPage(rows, query.limit, (o) => this.present(o, charges));
  }

  /** The payment history of one customer (404 when the customer is not the caller's). */
  async listForCustomer(caller: AuthedCaller, customerId: string, limit: number, cursor?: string): Promise<ListPage<OrderObject>> {
    await this.customers.load(caller, customerId);
    return this.list(caller, { customer_id: customerId, limit, cursor });
  }

  /**
   * Cancels with one conditional UPDATE, so a charge that moved the order to `processing` in the
   * meantime wins and the cancel is refused, whatever the interleaving. `order.canceled` is recorded in
   * the same transaction.
   */
  async cancel(caller: AuthedCaller, id: string): Promise<OrderObject> {
    if (!isId('order', id)) throw ApiError.notFound('order');
    const now = this.clock.now();
    const changed = await this.sql.transaction(async (tx) => {
      // requires_action is cancelable only after a Culqi REVIEW (nothing was charged); a Mercado Pago
      // challenge may still complete at the gateway, so that order must wait.
      const n = await tx.run(
        "update orders /*! FORCE INDEX (PRIMARY) */ set status = 'canceled', canceled_at = ?, updated_at = ? where id = ? and app_id = ? and (status = 'pending' or (status = 'requires_action' and gateway = 'culqi'))",
        [now, now, id, caller.appId],
      );
      if (n === 1) await this.orderEvents.recordCurrent(tx, 'order.canceled', id, now);
      return n === 1;
    });
    const order = await this.em.fork().findOne(Order, { id, appId: caller.appId });
    if (!order) throw ApiError.notFound('order');
    if (!changed) {
      throw new ApiError('order_not_cancelable', `An order in status "${order.status}" cannot be canceled`);
    }
    return this.present(order, await this.latestCharges.byChargeId([order.latestChargeId]));
  }

  /** The caller's order as a plain (unmanaged) object: changes to it go through explicit UPDATEs only. */
  async load(caller: AuthedCaller, id: string): Promise<Order> {
    if (!isId('order', id)) throw ApiError.notFound('order');
    const [order] = await this.rows.select(this.sql, Order, 'id = ? and app_id = ?', [id, caller.appId]);
    if (!order) throw ApiError.notFound('order');
    return order;
  }

  private present(order: Order, charges: Map<string, object>): OrderObject {
    return presentOrder(order, this.routing.suggest(order.currency), order.latestChargeId ? (charges.get(order.latestChargeId) ?? null) : null);
  }

  private priceOf(input: CreateOrderInput): { amount: number; items: OrderItem[] } {
    if (input.credit_package !== undefined) {
      const pkg = this.packages.get(input.credit_package);
      if (!pkg) {
        throw new ApiError('unknown_credit_package', `No credit package "${input.credit_package}"; see GET /v1/credit-packages`, {
          param: 'credit_package',
        });
      }
      const price = pkg.prices[input.currency];
      if (input.amount !== undefined && input.amount !== price) {
        throw ApiError.validation([{ param: 'amount', message: `the ${pkg.code} package costs ${price} in ${input.currency}` }]);
      }
      const total = pkg.credits + pkg.bonus_credits;
      return { amount: price, items: [{ description: `SmartPay credits: ${pkg.name} (${total} credits)`, quantity: 1, unit_amount: price }] };
    }
    const amount = input.amount!;
    const items = input.items ?? [];
    if (items.length > 0) {
      const sum = items.reduce((acc, i) => acc + i.quantity * i.unit_amount, 0);
      if (sum !== amount) {
        throw ApiError.validation([{ param: 'items', message: `items add up to ${sum}, but amount is ${amount}` }]);
      }
    }
    return { amount, items };
  }

  private expiryOf(requested: string | undefined, now: Date): Date {
    if (requested === undefined) return new Date(now.getTime() + this.config.orders.ttlMs);
    const at = new Date(requested);
    if (at.getTime() <= now.getTime()) throw ApiError.validation([{ param: 'expires_at', message: 'must be in the future' }]);
    if (at.getTime() > now.getTime() + MAX_TTL_MS) {
      throw ApiError.validation([{ param: 'expires_at', message: 'must be within 90 days' }]);
    }
    return at;
  }
}
