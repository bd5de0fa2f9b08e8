import type { Currency } from '../common/money';
import type { InvoiceAmounts } from './invoice-amounts';

/**
 * One SUNAT document as SmartPay issues it: everything the UBL builder, the printed representation (PDF) and the
 * submission need, and nothing they would have to look up. Built once, when the document is numbered, from the order
 * (or the refund) and the issuer's configuration; the XML, its hash and the PDF are all derived from this value.
 */

/** Catálogo 01: factura, boleta, nota de crédito. */
export type DocumentTypeCode = '01' | '03' | '07';

/** Catálogo 06: RUC, DNI, carné de extranjería, pasaporte, no document (non-domiciled / anonymous). */
export type IdentityDocumentType = '6' | '1' | '4' | '7' | '0';

export interface IssuerAddress {
  /** Street address (`cac:AddressLine/cbc:Line`). */
  line: string;
  district: string;
  province: string;
  department: string;
  /** INEI ubigeo, six digits, e.g. `150101` (Lima, Lima, Lima). */
  ubigeo: string;
  /** ISO 3166-1 alpha-2; always `PE` for a SUNAT issuer. */
  countryCode: 'PE';
  /** SUNAT establishment code (`cbc:AddressTypeCode`); `0000` = the registered main address. */
  establishmentCode: string;
}

export interface IssuerParty {
  /** 11 digits. */
  ruc: string;
  legalName: string;
  tradeName?: string;
  address: IssuerAddress;
}

export interface CustomerParty {
  documentType: IdentityDocumentType;
  /** `-` when there is no document (boleta to an anonymous customer, type `0`). */
  documentNumber: string;
  /** `CLIENTES VARIOS` when unknown. */
  name: string;
  /** Optional, printed on the PDF only. */
  address?: string;
}

/** What a credit note modifies, and why (catálogo 09). */
export interface DocumentReference {
  typeCode: '01' | '03';
  series: string;
  number: number;
  /** Catálogo 09: `01` anulación de la operación, `06` devolución total, `07` devolución por ítem, … */
  reasonCode: string;
  reasonDescription: string;
  /** The referenced document's issue date, YYYY-MM-DD (printed on the PDF). */
  issueDate: string;
}

export interface InvoiceDocument {
  typeCode: DocumentTypeCode;
  /** Four characters: `F…` for facturas and their notes, `B…` for boletas and theirs. */
  series: string;
  /** Correlative, 1 … 99 999 999. */
  number: number;
  /** Lima local date and time of issue: `YYYY-MM-DD`, `HH:MM:SS`. */
  issueDate: string;
  issueTime: string;
  currency: Currency;
  issuer: IssuerParty;
  customer: CustomerParty;
  /** Lines and totals in minor units (see invoice-amounts.ts). */
  amounts: InvoiceAmounts;
  /** Catálogo 03 unit code of every line: `ZZ` (services) by default, `NIU` for goods. */
  unitCode: string;
  /** Legend 1000: the total in words, e.g. `CIENTO DIECIOCHO CON 00/100 SOLES`. */
  amountInWords: string;
  /** Facturas and boletas only: always `Contado` (SmartPay documents what was paid). */
  paymentTerms?: 'Contado';
  /** Credit notes only. */
  reference?: DocumentReference;
}

/** `F001-00000001`: the series and the correlative padded to eight digits, as printed and listed. */
export function fullDocumentNumber(series: string, number: number): string {
  return `${series}-${String(number).padStart(8, '0')}`;
}

/** `20000000001-01-F001-1`: the file name SUNAT expects for the XML (+ `.xml`) and its zip (+ `.zip`). */
export function documentFileName(ruc: string, typeCode: DocumentTypeCode, series: string, number: number): string {
  return `${ruc}-${typeCode}-${series}-${number}`;
}
