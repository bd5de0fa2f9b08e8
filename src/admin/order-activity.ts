import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error';
import { isId } from '../common/ids';
import { dateFromDriver, type SqlValue } from '../database/sql-session';
import { SqlRunner } from '../database/sql-runner';

type Row = Record<string, unknown>;

/**
 * What the public API does not show about one order, for the dashboard's order page: the events it caused
 * (its own, its refunds', its invoices') with every delivery attempt, the gateway webhooks received for its
 * charges, and the e-mails sent about it. Each read is one indexed query.
 */
@Injectable()
export class OrderActivity {
  constructor(private readonly sql: SqlRunner) {}

  async of(appId: string, orderId: string) {
    if (!isId('order', orderId)) throw ApiError.notFound('order');
    const [order] = await this.sql.all<{ invoice_id: string | null }>('select invoice_id from orders where id = ? and app_id = ?', [orderId, appId]);
    if (!order) throw ApiError.notFound('order');
    const charges = await this.sql.all<{ id: string; gateway: string; gateway_charge_id: string | null }>(
      'select id, gateway, gateway_charge_id from charges where order_id = ?',
      [orderId],
    );
    const refunds = await this.sql.all<{ id: string }>('select id from refunds where order_id = ?', [orderId]);
    const invoices = await this.sql.all<{ id: string }>('select id from invoices where order_id = ?', [orderId]);
    const resources = [orderId, ...refunds.map((r) => r.id), ...invoices.map((i) => i.id)];

    const events = await this.sql.all<Row>(
      `select id, type, resource_id, created_at from events where app_id = ? and resource_id in (${marks(resources)}) order by id`,
      [appId, ...resources],
    );
    const attempts = events.length
      ? await this.sql.all<Row>(
          `select a.event_id, a.delivery_id, a.endpoint_id, a.attempt, a.triggered_by, a.url, a.status_code, a.succeeded, a.duration_ms, a.error, a.created_at, d.status as delivery_status
             from event_delivery_attempts a join event_deliveries d on d.id = a.delivery_id
            where a.event_id in (${marks(events)}) order by a.id`,
          events.map((e) => e.id as string),
        )
      : [];
    const webhooks = await this.gatewayWebhooks(charges);
    const emails = await this.sql.all<Row>(
      'select id, kind, to_address, subject, status, error_code, error_message, created_at, sent_at, delivered_at, bounced_at from email_messages where order_id = ? and app_id = ? order by id',
      [orderId, appId],
    );

    return {
      object: 'order_activity',
      order_id: orderId,
      events: events.map((e) => ({
        id: e.id,
        type: e.type,
        resource_id: e.resource_id,
        created_at: iso(e.created_at),
        deliveries: deliveriesOf(attempts.filter((a) => a.event_id === e.id)),
      })),
      gateway_webhooks: webhooks.map((w) => ({
        id: w.id,
        gateway: w.gateway,
        topic: w.event_type,
        resource_id: w.resource_id,
        verified: Boolean(w.verified),
        status: w.status,
        result: w.result,
        received_at: iso(w.received_at),
        processed_at: iso(w.processed_at),
      })),
      emails: emails.map((m) => ({
        id: m.id,
        kind: m.kind,
        to: m.to_address,
        subject: m.subject,
        status: m.status,
        error_code: m.error_code === null ? null : Number(m.error_code),
        error_message: m.error_message,
        created_at: iso(m.created_at),
        sent_at: iso(m.sent_at),
        delivered_at: iso(m.delivered_at),
        bounced_at: iso(m.bounced_at),
      })),
    };
  }

  /** Received for this order's charges: by our charge id once matched, by the gateway's id before. */
  private async gatewayWebhooks(charges: { id: string; gateway: string; gateway_charge_id: string | null }[]): Promise<Row[]> {
    if (charges.length === 0) return [];
    const byGatewayId = charges.filter((c) => c.gateway_charge_id);
    const clauses = [`charge_id in (${marks(charges)})`, ...byGatewayId.map(() => '(gateway = ? and resource_id = ?)')];
    const params: SqlValue[] = [...charges.map((c) => c.id), ...byGatewayId.flatMap((c) => [c.gateway, c.gateway_charge_id!])];
    return this.sql.all<Row>(
      `select id, gateway, event_type, resource_id, verified, status, result, received_at, processed_at from gateway_webhooks where ${clauses.join(' or ')} order by received_at`,
      params,
    );
  }
}

function deliveriesOf(attempts: Row[]) {
  const byDelivery = new Map<string, Row[]>();
  for (const a of attempts) byDelivery.set(a.delivery_id as string, [...(byDelivery.get(a.delivery_id as string) ?? []), a]);
  return [...byDelivery.values()].map((list) => ({
    endpoint_id: list[0]!.endpoint_id,
    url: list[list.length - 1]!.url,
    status: list[0]!.delivery_status,
    attempts: list.map((a) => ({
      attempt: Number(a.attempt),
      triggered_by: a.triggered_by,
      status_code: a.status_code === null ? null : Number(a.status_code),
      succeeded: Boolean(a.succeeded),
      duration_ms: Number(a.duration_ms),
      error: a.error,
      attempted_at: iso(a.created_at),
    })),
  }));
}

function marks(list: readonly unknown[]): string {
  return list.map(() => '?').join(', ');
}

function iso(value: unknown): string | null {
  return value === null || value === undefined ? null : dateFromDriver(value).toISOString();
}
