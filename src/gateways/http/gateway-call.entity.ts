import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { timestamp } from '../../database/column-types';

/**
 * How a gateway exchange failed. `pool_queue_timeout`: the call waited longer than allowed for a free
 * connection of SmartPay's own pool and was dropped before any byte of it was written (not sent, and
 * nothing about the gateway's health). Stored in a varchar(24) column: keep new names within 24 characters.
 */
export type GatewayErrorClass =
  | 'connection_refused'
  | 'dns'
  | 'tls'
  | 'timeout'
  | 'pool_queue_timeout'
  | 'reset'
  | 'http_4xx'
  | 'http_5xx'
  | 'invalid_response'
  | 'circuit_open';

/**
 * One HTTP exchange with a gateway: what was asked, what came back (bodies redacted), how long it
 * took and how it failed. Linked to the charge, refund or saved card it was made for.
 */
@Entity({ tableName: 'gateway_calls' })
@Index({ properties: ['chargeId'] })
@Index({ properties: ['refundId'] })
export class GatewayCall {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'string', length: 16 })
  gateway!: string;

  /** What the call was for: create_charge, get_charge, search_charges, refund, create_customer, … */
  @Property({ type: 'string', length: 40 })
  operation!: string;

  @Property({ type: 'string', length: 8 })
  method!: string;

  /** URL path and query, without host (the host is configuration). */
  @Property({ type: 'string', length: 500 })
  path!: string;

  @Property({ type: 'integer', nullable: true })
  httpStatus: number | null = null;

  @Property({ type: 'integer' })
  durationMs!: number;

  @Property({ type: 'string', length: 24, nullable: true })
  errorClass: GatewayErrorClass | null = null;

  @Property({ type: 'text', nullable: true })
  requestBody: string | null = null;

  @Property({ type: 'text', nullable: true })
  responseBody: string | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  chargeId: string | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  refundId: string | null = null;

  @Property({ type: 'string', length: 40, nullable: true })
  paymentMethodId: string | null = null;

  @Property(timestamp())
  createdAt!: Date;
}
