import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { json, timestamp } from '../../database/column-types';
import type { SunatObservation } from '../invoice.entity';

/**
 * `built`: numbered, signed and holding its documents, not yet taken by SUNAT; `in_process`: SUNAT gave a ticket
 * and has not decided; `accepted` / `accepted_with_observations` / `rejected`: the CDR said so (its documents with
 * it); `error`: SmartPay gave up (resends or polls exhausted; an alert says so).
 */
export type InvoiceSummaryStatus = 'built' | 'in_process' | 'accepted' | 'accepted_with_observations' | 'rejected' | 'error';

/**
 * One daily summary (`isum_…`, SUNAT id `RC-YYYYMMDD-n`) of an issuer that reports boletas that way: the signed XML
 * exactly as sent (a resend after a timeout repeats the same bytes), the ticket SUNAT gave, and the CDR it answered.
 * The documents it carries point at it (`invoices.summary_id`). (ruc, document_id) is unique: SUNAT numbers summaries
 * per RUC and day, so two SmartPay jobs that raced for the same counter cannot both keep it.
 */
@Entity({ tableName: 'invoice_summaries' })
@Unique({ properties: ['ruc', 'documentId'] })
@Index({ properties: ['appId', 'createdAt'] })
export class InvoiceSummary {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'string', length: 11 })
  ruc!: string;

  /** `RC-20261205-1`. */
  @Property({ type: 'string', length: 20 })
  documentId!: string;

  /** Lima date the summary was generated on, and the counter of that date. */
  @Property({ type: 'string', length: 10 })
  issueDate!: string;

  @Property({ type: 'integer' })
  counter!: number;

  /** Lima date its documents were issued on. */
  @Property({ type: 'string', length: 10 })
  referenceDate!: string;

  @Property({ type: 'integer' })
  lineCount!: number;

  @Property({ type: 'text', columnType: 'mediumtext' })
  xml!: string;

  @Property({ type: 'string', length: 100 })
  hash!: string;

  @Property({ type: 'string', length: 32 })
  status!: InvoiceSummaryStatus;

  @Property({ type: 'string', length: 64, nullable: true })
  ticket: string | null = null;

  @Property({ type: 'string', length: 8, nullable: true })
  sunatCode: string | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  sunatDescription: string | null = null;

  @Property(json())
  sunatObservations!: SunatObservation[];

  /** The CDR zip as SUNAT/OSE returned it, base64. */
  @Property({ type: 'text', columnType: 'mediumtext', nullable: true })
  cdr: string | null = null;

  /** sendSummary calls that ended in an exception, and getStatus polls so far. */
  @Property({ type: 'integer', default: 0 })
  submitAttempts: number = 0;

  @Property({ type: 'integer', default: 0 })
  polls: number = 0;

  @Property(timestamp(true))
  answeredAt: Date | null = null;

  @Property(timestamp())
  createdAt!: Date;

  @Property(timestamp())
  updatedAt!: Date;
}
