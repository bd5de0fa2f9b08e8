import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { formatUblAmount } from '../invoice-amounts';
import type { IssuerParty } from '../invoice-document';
import { UBL_NS } from '../ubl/ubl-builder';
import { cbc, documentId, signatureBlock, XMLNS } from '../ubl/ubl-nodes';
import type { DailySummaryDocument, SummaryLine } from './daily-summary-document';

/**
 * The XML of a daily summary (resumen diario): root `SummaryDocuments`, SUNAT's UBL 2.0 schema with customization
 * 1.1 (sunat.md, "Boletas"). Unlike facturas and boletas, SUNAT never moved this document to UBL 2.1, so it keeps
 * the 2.0 header (`UBLVersionID` 2.0) and SUNAT's own `sac:` aggregates for the lines.
 *
 * Like buildUbl, the output is unsigned and has no `ext:UBLExtensions`: the 2.0 schema makes the block optional
 * (maindoc/UBL-SummaryDocuments-2.0.xsd, `minOccurs="0"`), so the unsigned document stays schema-valid, and signUbl
 * (ubl-signer.ts) inserts it, with the `ds:Signature` inside, as the root's first child. The `cac:Signature` block
 * written here already points at that signature (`#SignSmartPay`), which is where signUbl takes the Id from.
 *
 * Element order follows the XSD sequences (xsd-sunat/maindoc/UBL-SummaryDocuments-2.0.xsd,
 * common/UBLPE-SunatAggregateComponents-1.0.xsd `SummaryDocumentsLineType` and
 * common/UBL-CommonAggregateComponents-2.0.xsd); the schema rejects any other order.
 */

export const SUMMARY_NS = {
  summaryDocuments: 'urn:sunat:names:specification:ubl:peru:schema:xsd:SummaryDocuments-1',
  sac: 'urn:sunat:names:specification:ubl:peru:schema:xsd:SunatAggregateComponents-1',
} as const;


/** Catálogo 06: the issuer is always identified by its RUC. */
const RUC_DOCUMENT_TYPE = '6';
/** Summary line status: 1 = add (2 modify, 3 void). SmartPay reports each document once, when it is issued. */
const STATUS_ADD = '1';
/**
 * Catálogo 11 (`sac:BillingPayment/cbc:InstructionID`): `01` total valor venta – operaciones gravadas. SmartPay only
 * makes taxed sales, so the exonerated (02), unaffected (03) and free (05) totals would always be zero and are
 * left out.
 */
const PAYMENT_TAXED = '01';

type Node = XMLBuilder;

/** Builds the unsigned XML (UTF-8, pretty-printed). Throws on an empty summary or a credit note without reference. */
export function buildSummaryDocuments(doc: DailySummaryDocument): string {
  // The schema needs at least one line, and a summary of nothing has no meaning for SUNAT either.
  if (doc.lines.length === 0) throw new Error(`daily summary ${doc.id} has no lines: a summary needs at least one document`);
  doc.lines.forEach((line, i) => {
    if (line.typeCode === '07' && !line.reference) {
      throw new Error(`daily summary ${doc.id}, line ${i + 1} (${documentId(line.series, line.number)}): a credit note needs the boleta it modifies (reference)`);
    }
  });

  // The root lives in SUNAT's SummaryDocuments namespace as the default one, the way SUNAT's examples write it.
  const root = create({ version: '1.0', encoding: 'UTF-8' })
    .ele(SUMMARY_NS.summaryDocuments, 'SummaryDocuments')
    .att(XMLNS, 'xmlns:cac', UBL_NS.cac)
    .att(XMLNS, 'xmlns:cbc', UBL_NS.cbc)
    .att(XMLNS, 'xmlns:sac', SUMMARY_NS.sac)
    // Declared up front for the signature the signer inserts, as SUNAT's examples do.
    .att(XMLNS, 'xmlns:ext', UBL_NS.ext)
    .att(XMLNS, 'xmlns:ds', UBL_NS.ds);

  cbc(root, 'UBLVersionID', '2.0');
  cbc(root, 'CustomizationID', '1.1');
  cbc(root, 'ID', doc.id);
  cbc(root, 'ReferenceDate', doc.referenceDate);
  cbc(root, 'IssueDate', doc.issueDate);
  signatureBlock(root, doc.issuer);
  supplier(root, doc.issuer);
  doc.lines.forEach((line, i) => {
    summaryLine(root, line, i + 1);
  });
  return root.end({ prettyPrint: true, indent: '  ' });
}





/**
 * UBL 2.0 identifies the issuer with `CustomerAssignedAccountID` (the RUC) and `AdditionalAccountID` (its catálogo
 * 06 type) ahead of `cac:Party`, not with `cac:PartyIdentification` as UBL 2.1 documents do. The address is not
 * part of a summary. `cac:PartyName` is the trade name, written only when the issuer has one (as on invoices).
 */
function supplier(root: Node, issuer: IssuerParty): void {
  const supplierParty = root.ele(UBL_NS.cac, 'cac:AccountingSupplierParty');
  cbc(supplierParty, 'CustomerAssignedAccountID', issuer.ruc);
  cbc(supplierParty, 'AdditionalAccountID', RUC_DOCUMENT_TYPE);
  const party = supplierParty.ele(UBL_NS.cac, 'cac:Party');
  if (issuer.tradeName) cbc(party.ele(UBL_NS.cac, 'cac:PartyName'), 'Name', issuer.tradeName);
  cbc(party.ele(UBL_NS.cac, 'cac:PartyLegalEntity'), 'RegistrationName', issuer.legalName);
}

/** One boleta or credit note, in the order of `SummaryDocumentsLineType`. Amounts are in the line's currency. */
function summaryLine(root: Node, line: SummaryLine, position: number): void {
  const money = (parent: Node, name: string, minor: number): Node => cbc(parent, name, formatUblAmount(minor), { currencyID: line.currency });

  const node = root.ele(SUMMARY_NS.sac, 'sac:SummaryDocumentsLine');
  cbc(node, 'LineID', String(position));
  cbc(node, 'DocumentTypeCode', line.typeCode);
  cbc(node, 'ID', documentId(line.series, line.number));
  // The buyer as on the document; an anonymous boleta says so with type `0` and number `-`.
  const customer = node.ele(UBL_NS.cac, 'cac:AccountingCustomerParty');
  cbc(customer, 'CustomerAssignedAccountID', line.customer.documentNumber);
  cbc(customer, 'AdditionalAccountID', line.customer.documentType);
  if (line.typeCode === '07') {
    const reference = line.reference!;
    const billed = node.ele(UBL_NS.cac, 'cac:BillingReference').ele(UBL_NS.cac, 'cac:InvoiceDocumentReference');
    cbc(billed, 'ID', documentId(reference.series, reference.number));
    cbc(billed, 'DocumentTypeCode', reference.typeCode);
  }
  cbc(node.ele(UBL_NS.cac, 'cac:Status'), 'ConditionCode', STATUS_ADD);
  // Importe total of the document: SUNAT's own element, not a cbc one.
  node.ele(SUMMARY_NS.sac, 'sac:TotalAmount', { currencyID: line.currency }).txt(formatUblAmount(line.total));
  const payment = node.ele(SUMMARY_NS.sac, 'sac:BillingPayment');
  money(payment, 'PaidAmount', line.base);
  cbc(payment, 'InstructionID', PAYMENT_TAXED);
  // IGV (catálogo 05 `1000` / `IGV` / `VAT`). As in SUNAT's summary examples, only the tax amount: no taxable amount
  // or rate, because the taxable amount is already the BillingPayment above.
  const taxTotal = node.ele(UBL_NS.cac, 'cac:TaxTotal');
  money(taxTotal, 'TaxAmount', line.igv);
  const subtotal = taxTotal.ele(UBL_NS.cac, 'cac:TaxSubtotal');
  money(subtotal, 'TaxAmount', line.igv);
  const scheme = subtotal.ele(UBL_NS.cac, 'cac:TaxCategory').ele(UBL_NS.cac, 'cac:TaxScheme');
  cbc(scheme, 'ID', '1000');
  cbc(scheme, 'Name', 'IGV');
  cbc(scheme, 'TaxTypeCode', 'VAT');
}
