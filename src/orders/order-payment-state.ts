import type { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error';
import { EntityRows } from '../database/entity-rows';
import { sessionOf, type SqlSession } from '../database/sql-session';
import { Order } from './order.entity';

/**
 * The order's side of the payment state machine, for the charges and refunds capabilities. Every
 * transition is one conditional UPDATE whose affected-row count decides who won, so concurrent
 * charges, cancels and expiry interleave safely on SQLite and MySQL/MariaDB alike. Each method
 * runs on the caller's transaction: a SqlRunner transaction, or `sessionOf(tx)` inside an ORM one.
 *
 * `/*! FORCE INDEX (PRIMARY) *\/`: MySQL/MariaDB execute the comment, SQLite skips it (and uses the key anyway).
 * Without it MariaDB 10.11, seeing few rows in the (status, expires_at) or (app_id, status) index, runs these
 * single-row updates as a range scan of that index, which under REPEATABLE READ takes next-key locks on every
 * pending order's index entry: concurrent payments then wait on each other and deadlock (the bench saw one answer
 * 500 internal_error that way). Every update by id in the payment path says which index to use.
 */
@Injectable()
export class OrderPaymentState {
  constructor(private readonly rows: EntityRows) {}

  /**
   * Claims the order for one charge attempt (single flight): pending (or requires_action when the
   * earlier attempt can no longer complete) → processing. Throws the 409 that explains a refusal.
   */
  async begin(s: SqlSession, appId: string, orderId: string, now: Date, allowFromRequiresAction: boolean): Promise<void> {
    const claimed = await s.run(
      allowFromRequiresAction
        ? "update orders /*! FORCE INDEX (PRIMARY) */ set status = 'processing', updated_at = ? where id = ? and app_id = ? and status in ('pending', 'requires_action') and expires_at > ?"
        : "update orders /*! FORCE INDEX (PRIMARY) */ set status = 'processing', updated_at = ? where id = ? and app_id = ? and status = 'pending' and expires_at > ?",
      [now, orderId, appId, now],
    );
    if (claimed === 1) return;
    // Refused: read the order only now, to say why (the winning path needs no second query). Read on
    // the caller's transaction: SQLite has one connection, which that transaction holds.
    const [order] = await this.rows.select(s, Order, 'id = ? and app_id = ?', [orderId, appId]);
    if (!order) throw ApiError.notFound('order');
    throw refusal(order, now);
  }

  /** Why an order cannot take a charge now. */
  explainRefusal(order: Order, now: Date): ApiError {
    return refusal(order, now);
  }

  async markPaid(s: SqlSession, orderId: string, gateway: string, chargeId: string, now: Date): Promise<boolean> {
    const changed = await s.run(
      "update orders /*! FORCE INDEX (PRIMARY) */ set status = 'paid', gateway = ?, latest_charge_id = ?, paid_at = ?, updated_at = ? where id = ? and status in ('processing', 'requires_action', 'pending')",
      [gateway, chargeId, now, now, orderId],
    );
    return changed === 1;
  }

  /** The attempt failed: the order is payable again. True when the order moved. */
  async release(s: SqlSession, orderId: string, chargeId: string, now: Date): Promise<boolean> {
    const changed = await s.run("update orders /*! FORCE INDEX (PRIMARY) */ set status = 'pending', latest_charge_id = ?, updated_at = ? where id = ? and status in ('processing', 'requires_action')", [
      chargeId,
      now,
      orderId,
    ]);
    return changed === 1;
  }

  async markRequiresAction(s: SqlSession, orderId: string, gateway: string, chargeId: string, now: Date): Promise<boolean> {
    const changed = await s.run("update orders /*! FORCE INDEX (PRIMARY) */ set status = 'requires_action', gateway = ?, latest_charge_id = ?, updated_at = ? where id = ? and status = 'processing'", [
      gateway,
      chargeId,
      now,
      orderId,
    ]);
    return changed === 1;
  }

  /** Still in flight (pending at the gateway): keep `processing`, remember the attempt. */
  async keepProcessing(s: SqlSession, orderId: string, gateway: string, chargeId: string, now: Date): Promise<boolean> {
    const changed = await s.run(
      "update orders /*! FORCE INDEX (PRIMARY) */ set status = 'processing', gateway = ?, latest_charge_id = ?, updated_at = ? where id = ? and status in ('processing', 'requires_action')",
      [gateway, chargeId, now, orderId],
    );
    return changed === 1;
  }

  /** Moves a requires_action order back to processing for the 3-D Secure completion call. */
  async resumeFromAction(s: SqlSession, orderId: string, now: Date): Promise<boolean> {
    const changed = await s.run("update orders /*! FORCE INDEX (PRIMARY) */ set status = 'processing', updated_at = ? where id = ? and status = 'requires_action'", [now, orderId]);
    return changed === 1;
  }
}

function refusal(order: Order, now: Date): ApiError {
  switch (order.status) {
    case 'processing':
    case 'requires_action':
      return new ApiError('order_processing', 'A charge for this order is in flight; wait for its outcome');
    case 'paid':
    case 'partially_refunded':
    case 'refunded':
    case 'disputed':
      return new ApiError('order_already_paid', 'This order is already paid');
    case 'canceled':
    case 'expired':
      return new ApiError('order_not_payable', `The order is ${order.status}`);
    case 'pending':
      return order.expiresAt <= now
        ? new ApiError('order_not_payable', 'The order has expired')
        : new ApiError('order_processing', 'The order changed while the charge started; retry');
  }
}

/**
 * Refund bookkeeping on the order: the refundable remainder is reserved with one conditional
 * UPDATE (`amount_refunded + x <= amount`), so concurrent refunds can never exceed what was paid.
 * The statements run on the caller's ORM transaction through `sessionOf` (which passes its
 * transaction context: without it they would run on another connection — on SQLite, one
 * connection, waiting forever for that transaction's own lock).
 */
@Injectable()
export class OrderRefundState {
  async reserve(em: EntityManager, orderId: string, amount: number, now: Date): Promise<boolean> {
    const changed = await sessionOf(em).run(
      'update orders /*! FORCE INDEX (PRIMARY) */ set amount_refunded = amount_refunded + ?, updated_at = ? where id = ? and status in (?, ?) and amount_refunded + ? <= amount',
      [amount, now, orderId, 'paid', 'partially_refunded', amount],
    );
    return changed === 1;
  }

  /**
   * A refund failed: give its amount back to the refundable remainder. An order marked `refunded` while
   * this refund was still pending (another one succeeded and the reservations added up to the amount)
   * is refundable again. `status` is assigned first: MySQL evaluates SET left to right with the values
   * already assigned, SQLite with the old ones; this way both read the old `amount_refunded`.
   */
  async unreserve(em: EntityManager, orderId: string, amount: number, now: Date): Promise<void> {
    await sessionOf(em).run(
      "update orders /*! FORCE INDEX (PRIMARY) */ set status = case when status = 'refunded' and amount_refunded - ? < amount then (case when amount_refunded - ? > 0 then 'partially_refunded' else 'paid' end) else status end, amount_refunded = amount_refunded - ?, updated_at = ? where id = ? and amount_refunded >= ?",
      [amount, amount, amount, now, orderId, amount],
    );
  }

  /** A refund succeeded: the order is refunded when nothing is left, else partially refunded. */
  async settle(em: EntityManager, orderId: string, now: Date): Promise<void> {
    await sessionOf(em).run(
      "update orders /*! FORCE INDEX (PRIMARY) */ set status = case when amount_refunded >= amount then 'refunded' else 'partially_refunded' end, updated_at = ? where id = ? and status in ('paid', 'partially_refunded')",
      [now, orderId],
    );
  }
}
