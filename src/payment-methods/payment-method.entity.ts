import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { json, timestamp } from '../database/column-types';

export interface GatewayCardRef {
  customerRef: string;
  cardRef: string;
}

/**
 * A card saved for a customer, at one or both gateways. Only the gateways' references and display
 * data are stored here: the card itself stays with the gateways.
 */
@Entity({ tableName: 'payment_methods' })
@Index({ properties: ['appId', 'customerId'] })
export class PaymentMethod {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'string', length: 40 })
  customerId!: string;

  @Property({ type: 'string', length: 20, nullable: true })
  brand: string | null = null;

  @Property({ type: 'string', length: 4, nullable: true })
  last4: string | null = null;

  @Property({ type: 'integer', nullable: true })
  expMonth: number | null = null;

  @Property({ type: 'integer', nullable: true })
  expYear: number | null = null;

  @Property({ type: 'boolean' })
  isDefault = false;

  /** Per gateway id: the customer and card ids held there. */
  @Property(json())
  refs!: Partial<Record<'culqi' | 'mercadopago', GatewayCardRef>>;

  @Property(timestamp())
  createdAt!: Date;

  @Property(timestamp(true))
  deletedAt: Date | null = null;
}
