import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { json, timestamp } from '../database/column-types';
import type { DocumentType } from './peru-documents';

export interface BillingPreferences {
  invoice_type: 'boleta' | 'factura';
  business_name: string | null;
  address: string | null;
  invoice_email: string | null;
}

/**
 * A buyer of one app. The e-mail is unique per app (compared case-insensitively), which is what lets
 * an order's inline `customer` reuse the existing record without a read-then-write race.
 */
@Entity({ tableName: 'customers' })
@Unique({ properties: ['appId', 'emailNormalized'] })
export class Customer {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'string', length: 254 })
  email!: string;

  @Property({ type: 'string', length: 254 })
  emailNormalized!: string;

  @Property({ type: 'string', length: 200, nullable: true })
  name: string | null = null;

  @Property({ type: 'string', length: 20, nullable: true })
  phone: string | null = null;

  @Property({ type: 'string', length: 12, nullable: true })
  documentType: DocumentType | null = null;

  @Property({ type: 'string', length: 12, nullable: true })
  documentNumber: string | null = null;

  @Property(json())
  billing!: BillingPreferences;

  /** Language of the e-mails the customer gets (receipts, notices). */
  @Property({ type: 'string', length: 5, default: 'es' })
  locale: 'es' | 'en' = 'es';

  @Property(json())
  metadata!: Record<string, string>;

  @Property(timestamp())
  createdAt!: Date;

  @Property(timestamp())
  updatedAt!: Date;
}
