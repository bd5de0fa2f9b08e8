import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { timestamp } from '../database/column-types';

/**
 * The last correlative handed out per (app, document type, series). The numbering transaction (the issuer's first step) increments it with a
 * conditional UPDATE, which on MySQL/MariaDB holds the row's lock until that transaction commits or rolls back:
 * concurrent issuers (other instances included) queue behind it, and a rollback returns the number. So numbers are
 * gapless and never repeated — a number exists exactly when its document row does.
 */
@Entity({ tableName: 'invoice_sequences' })
export class InvoiceSequence {
  @PrimaryKey({ type: 'string', length: 40 })
  appId!: string;

  @PrimaryKey({ type: 'string', length: 2 })
  typeCode!: string;

  @PrimaryKey({ type: 'string', length: 4 })
  series!: string;

  @Property({ type: 'integer' })
  lastNumber!: number;

  @Property(timestamp())
  updatedAt!: Date;
}
