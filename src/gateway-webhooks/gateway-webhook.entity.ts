import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { json, timestamp } from '../database/column-types';

export type GatewayWebhookStatus = 'received' | 'processed' | 'unmatched' | 'ignored';

/**
 * One gateway notification as it arrived (the inbox). The unique (gateway, event_key) constraint is
 * what makes a redelivery a no-op: the INSERT of a duplicate fails and nothing is enqueued again.
 * The payload is never trusted: it only says which resource to re-fetch from the gateway.
 */
@Entity({ tableName: 'gateway_webhooks' })
@Unique({ properties: ['gateway', 'eventKey'] })
@Index({ properties: ['gateway', 'resourceId'] })
@Index({ properties: ['status', 'receivedAt'] })
export class GatewayWebhook {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 16 })
  gateway!: string;

  /** Culqi: the `evt_…` id; Mercado Pago: `mp:<notification id>` (see webhook-event-keys.ts). */
  @Property({ type: 'string', length: 191 })
  eventKey!: string;

  /** Culqi event type (`charge.creation.succeeded`) or Mercado Pago action (`payment.updated`). */
  @Property({ type: 'string', length: 80 })
  eventType!: string;

  /** charge | refund | order | payment | unknown */
  @Property({ type: 'string', length: 16 })
  resourceType!: string;

  /** The gateway's id of the resource (Culqi `chr_…`, Mercado Pago payment id); '' when the event names none. */
  @Property({ type: 'string', length: 64 })
  resourceId!: string;

  /** True only when the gateway's own scheme authenticated the delivery (MP signature, Culqi Basic auth). */
  @Property({ type: 'boolean' })
  verified!: boolean;

  /** The body, redacted (card data, tokens, e-mails) and cut to size. */
  @Property({ type: 'text', nullable: true })
  rawBody: string | null = null;

  /** A few diagnostic headers; never Authorization. */
  @Property(json())
  headers!: Record<string, string>;

  @Property({ type: 'string', length: 16 })
  status!: GatewayWebhookStatus;

  /** What processing did, in a line (`ch_… pending → succeeded`, `no local charge …`). */
  @Property({ type: 'string', length: 500, nullable: true })
  result: string | null = null;

  /** The local charge the delivery was matched to, once processed. */
  @Property({ type: 'string', length: 40, nullable: true })
  chargeId: string | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  appId: string | null = null;

  @Property(timestamp())
  receivedAt!: Date;

  @Property(timestamp(true))
  processedAt: Date | null = null;
}
