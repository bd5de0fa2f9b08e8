import type { Currency } from '../common/money';
import type { DocumentType } from '../customers/peru-documents';
import { documentProblem } from '../customers/peru-documents';
import { amountInWords } from './amount-in-words';
import { type InvoiceItemInput, invoiceLines } from './invoice-amounts';
import type { CustomerParty, DocumentTypeCode, IdentityDocumentType, InvoiceDocument, IssuerParty } from './invoice-document';

/**
 * Turns what was sold (an order) or given back (a refund) into the SUNAT document that records it. Pure: the
 * numbering, signing and storage happen around it (invoice-issuer.ts), so every rule about *what* a document says
 * lives here and is tested without a database.
 */

export interface IssuerSeries {
  factura: string;
  boleta: string;
  credit_note_factura: string;
  credit_note_boleta: string;
}

export interface BuyerFacts {
  name: string | null;
  documentType: DocumentType | null;
  documentNumber: string | null;
  invoiceType: 'boleta' | 'factura';
  businessName: string | null;
  address: string | null;
}

export interface SaleFacts {
  currency: Currency;
  amount: number;
  items: readonly { description: string; quantity: number; unit_amount: number }[];
  description: string | null;
  reference: string | null;
  /** A credit-package order: invoiced as one line naming the package and its credits. */
  creditPackage: { name: string; credits: number; bonusCredits: number } | null;
  buyer: BuyerFacts | null;
}

export interface DocumentContext {
  issuer: IssuerParty;
  series: IssuerSeries;
  unitCode: string;
  igvRateBasisPoints?: number;
  now: Date;
}

/** What a sale is documented with, and the number space it takes a number from. */
export interface PlannedDocument {
  kind: 'factura' | 'boleta' | 'credit_note';
  typeCode: DocumentTypeCode;
  series: string;
  /** The document with number 0: the issuer fills in the number it allocates. */
  document: InvoiceDocument;
}

const IDENTITY_CODE: Record<DocumentType, IdentityDocumentType> = { RUC: '6', DNI: '1', CE: '4', PASSPORT: '7' };
export const ANONYMOUS_CUSTOMER: CustomerParty = { documentType: '0', documentNumber: '-', name: 'CLIENTES VARIOS' };

/** Catálogo 09 descriptions of the reasons SmartPay uses. */
export const CREDIT_NOTE_REASONS: Record<string, string> = {
  '01': 'ANULACION DE LA OPERACION',
  '06': 'DEVOLUCION TOTAL',
  '07': 'DEVOLUCION POR ITEM',
  '09': 'DISMINUCION EN EL VALOR',
};

/**
 * A factura when the buyer asked for one and identifies with a valid RUC (customers validate this on input too;
 * checked again because an order's buyer may be older than the rule); otherwise a boleta, to the buyer's DNI, CE,
 * passport or RUC when known, else to the anonymous customer.
 */
export function planSale(sale: SaleFacts, ctx: DocumentContext): PlannedDocument {
  const buyer = sale.buyer;
  const factura =
    buyer?.invoiceType === 'factura' && buyer.documentType === 'RUC' && buyer.documentNumber !== null && documentProblem('RUC', buyer.documentNumber) === null;
  const customer: CustomerParty = factura
    ? { documentType: '6', documentNumber: buyer.documentNumber!, name: buyer.businessName ?? buyer.name ?? buyer.documentNumber!, address: buyer.address ?? undefined }
    : boletaCustomer(buyer);
  const typeCode: DocumentTypeCode = factura ? '01' : '03';
  const series = factura ? ctx.series.factura : ctx.series.boleta;
  const amounts = invoiceLines(saleLines(sale), { igvRateBasisPoints: ctx.igvRateBasisPoints });
  return {
    kind: factura ? 'factura' : 'boleta',
    typeCode,
    series,
    document: {
      typeCode,
      series,
      number: 0,
      ...limaDateTime(ctx.now),
      currency: sale.currency,
      issuer: ctx.issuer,
      customer,
      amounts,
      unitCode: ctx.unitCode,
      amountInWords: amountInWords(amounts.totals.total, sale.currency),
      paymentTerms: 'Contado',
    },
  };
}

function boletaCustomer(buyer: BuyerFacts | null): CustomerParty {
  if (!buyer?.documentType || !buyer.documentNumber || documentProblem(buyer.documentType, buyer.documentNumber) !== null) {
    return buyer?.name ? { ...ANONYMOUS_CUSTOMER, name: buyer.name } : ANONYMOUS_CUSTOMER;
  }
  return {
    documentType: IDENTITY_CODE[buyer.documentType],
    documentNumber: buyer.documentNumber.toUpperCase(),
    name: (buyer.documentType === 'RUC' ? (buyer.businessName ?? buyer.name) : buyer.name) ?? 'CLIENTES VARIOS',
  };
}

/**
 * The order's items when they add up to what was charged (orders validate that they do); a credit package as one
 * line; otherwise one line for the whole amount, described by the order.
 */
function saleLines(sale: SaleFacts): InvoiceItemInput[] {
  if (sale.creditPackage) {
    const p = sale.creditPackage;
    const bonus = p.bonusCredits > 0 ? ` + ${p.bonusCredits} de bono` : '';
    return [{ description: `Paquete ${p.name}: ${p.credits} créditos${bonus}`, quantity: 1, unitAmount: sale.amount }];
  }
  const sum = sale.items.reduce((s, i) => s + i.quantity * i.unit_amount, 0);
  if (sale.items.length > 0 && sum === sale.amount) {
    return sale.items.map((i) => ({ description: i.description, quantity: i.quantity, unitAmount: i.unit_amount }));
  }
  return [{ description: sale.description ?? (sale.reference ? `Pedido ${sale.reference}` : 'Pago'), quantity: 1, unitAmount: sale.amount }];
}

export interface RefundFacts {
  amount: number;
  /** The whole of what the original document charged is given back by this refund. */
  full: boolean;
  reasons: { full: string; partial: string };
}

/**
 * The credit note of a refund: in the F or B family of the document it modifies, to the same customer, in the same
 * currency. A full refund repeats the original lines (reason 01/06); a partial one is one line for the refunded
 * amount (reason 07/09), so the note always equals what went back to the buyer.
 */
export function planCreditNote(original: InvoiceDocument, refund: RefundFacts, ctx: DocumentContext): PlannedDocument {
  if (original.typeCode === '07') throw new Error('a credit note cannot modify another credit note');
  const series = original.typeCode === '01' ? ctx.series.credit_note_factura : ctx.series.credit_note_boleta;
  const reasonCode = refund.full ? refund.reasons.full : refund.reasons.partial;
  const items: InvoiceItemInput[] = refund.full
    ? original.amounts.lines.map((l) => ({ description: l.description, quantity: l.quantity, unitAmount: l.unitPriceWithIgv }))
    : [{ description: `Devolución parcial: ${original.amounts.lines.map((l) => l.description).join('; ')}`.slice(0, 250), quantity: 1, unitAmount: refund.amount }];
  const amounts = invoiceLines(items, { igvRateBasisPoints: original.amounts.igvRateBasisPoints });
  if (amounts.totals.total !== refund.amount) throw new Error(`credit note total ${amounts.totals.total} ≠ refund ${refund.amount}`);
  return {
    kind: 'credit_note',
    typeCode: '07',
    series,
    document: {
      typeCode: '07',
      series,
      number: 0,
      ...limaDateTime(ctx.now),
      currency: original.currency,
      issuer: ctx.issuer,
      customer: original.customer,
      amounts,
      unitCode: original.unitCode,
      amountInWords: amountInWords(amounts.totals.total, original.currency),
      reference: {
        typeCode: original.typeCode,
        series: original.series,
        number: original.number,
        reasonCode,
        reasonDescription: CREDIT_NOTE_REASONS[reasonCode] ?? 'DEVOLUCION',
        issueDate: original.issueDate,
      },
    },
  };
}

/** SUNAT documents carry the issuer's local date and time: Peru is UTC−5 all year (no daylight saving). */
export function limaDateTime(at: Date): { issueDate: string; issueTime: string } {
  const lima = new Date(at.getTime() - 5 * 3_600_000).toISOString();
  return { issueDate: lima.slice(0, 10), issueTime: lima.slice(11, 19) };
}
