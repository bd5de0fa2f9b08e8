import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { json, money, timestamp } from '../database/column-types';
import type { CustomerParty, DocumentTypeCode, InvoiceDocument } from './invoice-document';

export type InvoiceSubmissionMode = 'bill' | 'summary';

export type InvoiceKind = 'factura' | 'boleta' | 'credit_note';

/**
 * `numbered` (internal, never shown by the API): the number is taken and the row stored, the XML not yet signed —
 * the moment between the issuer's two steps (invoice-issuer.ts), or a run that died there until its job retries;
 * `issued`: numbered and signed, not yet answered by SUNAT/OSE; `accepted` / `accepted_with_observations`: the CDR
 * said so; `rejected`: its number is burned (a corrected document is issued under a new one); `error`: SmartPay gave
 * up resending after exceptions (an alert says so; an operator decides).
 */
export type InvoiceStatus = 'numbered' | 'issued' | 'accepted' | 'accepted_with_observations' | 'rejected' | 'error';

export interface SunatObservation {
  code: string;
  description: string;
}

/**
 * One SUNAT document (`inv_…`): factura, boleta or credit note, with the signed XML exactly as submitted and the
 * CDR as answered. Three keys make it exact: (app, type, series, number) — never two documents under one number;
 * `issueKey` — what it documents (`sale:<order>:<n>`, `refund:<refund>:<n>`, n = 1 plus the rejected attempts
 * before it), so a job that runs twice issues once; and the sequence row (invoice-sequence.entity.ts) that hands
 * out the numbers in the numbering transaction.
 */
@Entity({ tableName: 'invoices' })
@Unique({ properties: ['appId', 'typeCode', 'series', 'number'] })
@Unique({ properties: ['issueKey'] })
@Index({ properties: ['orderId'] })
@Index({ properties: ['appId', 'createdAt'] })
@Index({ properties: ['submission', 'status', 'createdAt'] })
export class Invoice {
  @PrimaryKey({ type: 'string', length: 40 })
  id!: string;

  @Property({ type: 'string', length: 40 })
  appId!: string;

  @Property({ type: 'string', length: 16 })
  kind!: InvoiceKind;

  @Property({ type: 'string', length: 2 })
  typeCode!: DocumentTypeCode;

  @Property({ type: 'string', length: 4 })
  series!: string;

  @Property({ type: 'integer' })
  number!: number;

  @Property({ type: 'string', length: 120 })
  issueKey!: string;

  @Property({ type: 'string', length: 40 })
  orderId!: string;

  @Property({ type: 'string', length: 40, nullable: true })
  refundId: string | null = null;

  /** Credit notes: the factura or boleta they modify. */
  @Property({ type: 'string', length: 40, nullable: true })
  referenceInvoiceId: string | null = null;

  /** A document issued because this one's predecessor was rejected. */
  @Property({ type: 'string', length: 40, nullable: true })
  replacesInvoiceId: string | null = null;

  @Property({ type: 'string', length: 3 })
  currency!: 'PEN' | 'USD';

  @Property(money())
  subtotal!: number;

  @Property(money())
  igv!: number;

  @Property(money())
  total!: number;

  @Property(json())
  customer!: CustomerParty;

  /** Everything the XML and the PDF were built from (invoice-document.ts): the PDF is re-rendered from it. */
  @Property(json())
  document!: InvoiceDocument;

  /** MEDIUMTEXT on MySQL/MariaDB: a hundred-line invoice outgrows TEXT's 64 KB. Empty while `numbered`. */
  @Property({ type: 'text', columnType: 'mediumtext' })
  xml!: string;

  /** The signature's DigestValue ("valor resumen"), printed on the PDF. Empty while `numbered`. */
  @Property({ type: 'string', length: 100 })
  hash!: string;

  @Property({ type: 'string', length: 32 })
  status!: InvoiceStatus;

  @Property({ type: 'string', length: 8, nullable: true })
  sunatCode: string | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  sunatDescription: string | null = null;

  @Property(json())
  sunatObservations!: SunatObservation[];

  /** The CDR zip as SUNAT/OSE returned it, base64. */
  @Property({ type: 'text', columnType: 'mediumtext', nullable: true })
  cdr: string | null = null;

  @Property({ type: 'integer', default: 0 })
  submitAttempts: number = 0;

  /**
   * How it reaches SUNAT, fixed when it is issued (a later configuration change strands nothing): `bill` — sendBill
   * on its own; `summary` — a boleta or its note in the daily summary of its day (summary/daily-summaries.ts).
   */
  @Property({ type: 'string', length: 16, default: 'bill' })
  submission: InvoiceSubmissionMode = 'bill';

  /** The daily summary it was sent in (`invoice_summaries.id`) and that summary's SUNAT id (`RC-20261204-1`). */
  @Property({ type: 'string', length: 40, nullable: true })
  summaryId: string | null = null;

  @Property({ type: 'string', length: 20, nullable: true })
  summaryDocument: string | null = null;

  @Property(timestamp(true))
  answeredAt: Date | null = null;

  @Property(timestamp())
  createdAt!: Date;

  @Property(timestamp())
  updatedAt!: Date;
}
