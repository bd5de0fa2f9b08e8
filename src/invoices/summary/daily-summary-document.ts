import type { Currency } from '../../common/money';
import type { IdentityDocumentType, IssuerParty } from '../invoice-document';

/**
 * A daily summary (resumen diario, `SummaryDocuments`, SUNAT UBL 2.0 / customization 1.1): how an issuer that does
 * not send each boleta with `sendBill` reports the boletas of one day, and the credit notes that modify them, in one
 * asynchronous `sendSummary`. Everything the XML needs, nothing it would have to look up.
 */

/** One document of the day: a boleta (03) or a credit note (07) of the B family. */
export interface SummaryLine {
  typeCode: '03' | '07';
  series: string;
  number: number;
  currency: Currency;
  /** The buyer as on the document: catálogo 06 type and number (`0` / `-` for an anonymous boleta). */
  customer: { documentType: IdentityDocumentType; documentNumber: string };
  /** Credit notes: the boleta they modify. */
  reference?: { typeCode: '03'; series: string; number: number };
  /** Minor units, as on the document: valor venta (gravado), IGV, and their sum (the importe total). */
  base: number;
  igv: number;
  total: number;
}

export interface DailySummaryDocument {
  issuer: IssuerParty;
  /** `RC-YYYYMMDD-n`: the date the summary is generated (Lima) and its counter on that date. */
  id: string;
  /** Lima date (YYYY-MM-DD) the summarised documents were issued on: every line's issue date. */
  referenceDate: string;
  /** Lima date (YYYY-MM-DD) the summary is generated on. */
  issueDate: string;
  lines: SummaryLine[];
}

/** `RC-20261204-1`. */
export function summaryId(issueDate: string, counter: number): string {
  return `RC-${issueDate.replaceAll('-', '')}-${counter}`;
}

/** `20000000001-RC-20261204-1`: the file name SUNAT expects for the XML (+ `.xml`) and its zip (+ `.zip`). */
export function summaryFileName(ruc: string, id: string): string {
  return `${ruc}-${id}`;
}
