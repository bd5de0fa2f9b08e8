import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { formatUblAmount, type InvoiceLineAmounts } from '../invoice-amounts';
import type { CustomerParty, DocumentReference, InvoiceDocument, IssuerParty } from '../invoice-document';
import { cbc, documentId, signatureBlock, UBL_NS, XMLNS } from './ubl-nodes';

/**
 * The UBL 2.1 XML of a SmartPay document: `Invoice` for facturas (01) and boletas (03), `CreditNote` for notas de
 * crédito (07), shaped like SUNAT's published examples (sunat.md B1/B2).
 *
 * The output is unsigned and has no `ext:UBLExtensions`: an empty `ext:ExtensionContent` is invalid against the
 * OASIS schema, so the unsigned document leaves the block out and stays schema-valid, and signUbl (ubl-signer.ts)
 * inserts `ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent` with the `ds:Signature` inside as the first
 * child of the root. The `cac:Signature` block written here already points at that signature (`#SignSmartPay`).
 *
 * Element order follows the XSD sequences (maindoc/UBL-Invoice-2.1.xsd, UBL-CreditNote-2.1.xsd and
 * common/UBL-CommonAggregateComponents-2.1.xsd); the schema rejects any other order.
 */

export { UBL_NS, UBL_SIGNATURE_ID } from './ubl-nodes';

const SUNAT = 'PE:SUNAT';
const UNECE = 'United Nations Economic Commission for Europe';
const catalogue = (n: string): string => `urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo${n}`;

/** Catálogo 51: internal sale, the only operation SmartPay documents. */
const OPERATION_TYPE = '0101';
/** Catálogo 07: gravado – operación onerosa. */
const IGV_AFFECTATION = '10';
/** Catálogo 16: precio unitario (with taxes). */
const PRICE_TYPE_WITH_TAXES = '01';
/** Catálogo 52: the amount in words. */
const LEGEND_AMOUNT_IN_WORDS = '1000';

type Node = XMLBuilder;

/** Builds the unsigned XML (UTF-8, pretty-printed). Throws when a credit note has no reference. */
export function buildUbl(doc: InvoiceDocument): string {
  const isCreditNote = doc.typeCode === '07';
  if (isCreditNote && !doc.reference) throw new Error('a credit note needs the document it modifies (reference)');
  const rootName = isCreditNote ? 'CreditNote' : 'Invoice';
  const root = create({ version: '1.0', encoding: 'UTF-8' })
    .ele(isCreditNote ? UBL_NS.creditNote : UBL_NS.invoice, rootName)
    .att(XMLNS, 'xmlns:cac', UBL_NS.cac)
    .att(XMLNS, 'xmlns:cbc', UBL_NS.cbc)
    // Declared up front for the signature the signer inserts, as SUNAT's examples do.
    .att(XMLNS, 'xmlns:ext', UBL_NS.ext)
    .att(XMLNS, 'xmlns:ds', UBL_NS.ds);
  const money = (parent: Node, name: string, minor: number): Node => cbc(parent, name, formatUblAmount(minor), { currencyID: doc.currency });

  cbc(root, 'UBLVersionID', '2.1');
  cbc(root, 'CustomizationID', '2.0');
  cbc(root, 'ID', documentId(doc.series, doc.number));
  cbc(root, 'IssueDate', doc.issueDate);
  cbc(root, 'IssueTime', doc.issueTime);
  if (!isCreditNote) {
    cbc(root, 'InvoiceTypeCode', doc.typeCode, {
      listID: OPERATION_TYPE,
      listAgencyName: SUNAT,
      listName: 'Tipo de Documento',
      listURI: catalogue('01'),
    });
  }
  cbc(root, 'Note', doc.amountInWords, { languageLocaleID: LEGEND_AMOUNT_IN_WORDS });
  cbc(root, 'DocumentCurrencyCode', doc.currency, { listID: 'ISO 4217 Alpha', listName: 'Currency', listAgencyName: UNECE });
  if (isCreditNote) creditNoteReference(root, doc.reference!);
  signatureBlock(root, doc.issuer);
  supplier(root, doc.issuer);
  customer(root, doc.customer);
  if (!isCreditNote) {
    const terms = root.ele(UBL_NS.cac, 'cac:PaymentTerms');
    cbc(terms, 'ID', 'FormaPago');
    cbc(terms, 'PaymentMeansID', doc.paymentTerms ?? 'Contado');
  }

  const { totals } = doc.amounts;
  const taxTotal = root.ele(UBL_NS.cac, 'cac:TaxTotal');
  money(taxTotal, 'TaxAmount', totals.igv);
  const subtotal = taxTotal.ele(UBL_NS.cac, 'cac:TaxSubtotal');
  money(subtotal, 'TaxableAmount', totals.base);
  money(subtotal, 'TaxAmount', totals.igv);
  igvCategory(subtotal, null);

  const monetary = root.ele(UBL_NS.cac, 'cac:LegalMonetaryTotal');
  money(monetary, 'LineExtensionAmount', totals.base);
  money(monetary, 'TaxInclusiveAmount', totals.total);
  money(monetary, 'PayableAmount', totals.total);

  doc.amounts.lines.forEach((line, i) => {
    invoiceLine(root, doc, line, i + 1, isCreditNote, money);
  });
  return root.end({ prettyPrint: true, indent: '  ' });
}




/** Catálogo 09 reason + the modified document (cac:DiscrepancyResponse, cac:BillingReference). */
function creditNoteReference(root: Node, reference: DocumentReference): void {
  const id = documentId(reference.series, reference.number);
  const discrepancy = root.ele(UBL_NS.cac, 'cac:DiscrepancyResponse');
  cbc(discrepancy, 'ReferenceID', id);
  cbc(discrepancy, 'ResponseCode', reference.reasonCode, {
    listAgencyName: SUNAT,
    listName: 'Tipo de nota de credito',
    listURI: catalogue('09'),
  });
  cbc(discrepancy, 'Description', reference.reasonDescription);
  const billed = root.ele(UBL_NS.cac, 'cac:BillingReference').ele(UBL_NS.cac, 'cac:InvoiceDocumentReference');
  cbc(billed, 'ID', id);
  cbc(billed, 'DocumentTypeCode', reference.typeCode, { listAgencyName: SUNAT, listName: 'Tipo de Documento', listURI: catalogue('01') });
}


/** Catálogo 06 document of a party: `6` RUC, `1` DNI, `0` none, … */
function partyIdentification(party: Node, documentType: string, documentNumber: string): void {
  cbc(party.ele(UBL_NS.cac, 'cac:PartyIdentification'), 'ID', documentNumber, {
    schemeID: documentType,
    schemeName: 'Documento de Identidad',
    schemeAgencyName: SUNAT,
    schemeURI: catalogue('06'),
  });
}

function supplier(root: Node, issuer: IssuerParty): void {
  const party = root.ele(UBL_NS.cac, 'cac:AccountingSupplierParty').ele(UBL_NS.cac, 'cac:Party');
  partyIdentification(party, '6', issuer.ruc);
  if (issuer.tradeName) cbc(party.ele(UBL_NS.cac, 'cac:PartyName'), 'Name', issuer.tradeName);
  const legal = party.ele(UBL_NS.cac, 'cac:PartyLegalEntity');
  cbc(legal, 'RegistrationName', issuer.legalName);
  const { address } = issuer;
  const registered = legal.ele(UBL_NS.cac, 'cac:RegistrationAddress');
  cbc(registered, 'ID', address.ubigeo, { schemeName: 'Ubigeos', schemeAgencyName: 'PE:INEI' });
  cbc(registered, 'AddressTypeCode', address.establishmentCode, { listAgencyName: SUNAT, listName: 'Establecimientos anexos' });
  // SUNAT's mapping: CityName = provincia, CountrySubentity = departamento, District = distrito.
  cbc(registered, 'CityName', address.province);
  cbc(registered, 'CountrySubentity', address.department);
  cbc(registered, 'District', address.district);
  cbc(registered.ele(UBL_NS.cac, 'cac:AddressLine'), 'Line', address.line);
  cbc(registered.ele(UBL_NS.cac, 'cac:Country'), 'IdentificationCode', address.countryCode, {
    listID: 'ISO 3166-1',
    listAgencyName: UNECE,
    listName: 'Country',
  });
}

function customer(root: Node, buyer: CustomerParty): void {
  const party = root.ele(UBL_NS.cac, 'cac:AccountingCustomerParty').ele(UBL_NS.cac, 'cac:Party');
  partyIdentification(party, buyer.documentType, buyer.documentNumber);
  cbc(party.ele(UBL_NS.cac, 'cac:PartyLegalEntity'), 'RegistrationName', buyer.name);
}

/**
 * IGV, gravado (catálogo 05 `1000` / `IGV` / `VAT`, category `S`). The header subtotal carries no rate, the lines
 * carry the rate and the affectation code, as in SUNAT's examples.
 */
function igvCategory(subtotal: Node, rateBasisPoints: number | null): void {
  const category = subtotal.ele(UBL_NS.cac, 'cac:TaxCategory');
  cbc(category, 'ID', 'S', { schemeID: 'UN/ECE 5305', schemeName: 'Tax Category Identifier', schemeAgencyName: UNECE });
  if (rateBasisPoints !== null) {
    cbc(category, 'Percent', percent(rateBasisPoints));
    cbc(category, 'TaxExemptionReasonCode', IGV_AFFECTATION, { listAgencyName: SUNAT, listName: 'Afectacion del IGV', listURI: catalogue('07') });
  }
  const scheme = category.ele(UBL_NS.cac, 'cac:TaxScheme');
  cbc(scheme, 'ID', '1000', { schemeID: 'UN/ECE 5153', schemeName: 'Codigo de tributos', schemeAgencyName: SUNAT });
  cbc(scheme, 'Name', 'IGV');
  cbc(scheme, 'TaxTypeCode', 'VAT');
}

/** Basis points → percent with two decimals: 1800 → "18.00". */
function percent(basisPoints: number): string {
  return `${Math.trunc(basisPoints / 100)}.${String(basisPoints % 100).padStart(2, '0')}`;
}

function invoiceLine(
  root: Node,
  doc: InvoiceDocument,
  line: InvoiceLineAmounts,
  position: number,
  isCreditNote: boolean,
  money: (parent: Node, name: string, minor: number) => Node,
): void {
  const node = root.ele(UBL_NS.cac, isCreditNote ? 'cac:CreditNoteLine' : 'cac:InvoiceLine');
  cbc(node, 'ID', String(position));
  cbc(node, isCreditNote ? 'CreditedQuantity' : 'InvoicedQuantity', String(line.quantity), {
    unitCode: doc.unitCode,
    unitCodeListID: 'UN/ECE rec 20',
    unitCodeListAgencyName: UNECE,
  });
  money(node, 'LineExtensionAmount', line.base);
  const alternative = node.ele(UBL_NS.cac, 'cac:PricingReference').ele(UBL_NS.cac, 'cac:AlternativeConditionPrice');
  money(alternative, 'PriceAmount', line.unitPriceWithIgv);
  cbc(alternative, 'PriceTypeCode', PRICE_TYPE_WITH_TAXES, { listAgencyName: SUNAT, listName: 'Tipo de Precio', listURI: catalogue('16') });
  const taxTotal = node.ele(UBL_NS.cac, 'cac:TaxTotal');
  money(taxTotal, 'TaxAmount', line.igv);
  const subtotal = taxTotal.ele(UBL_NS.cac, 'cac:TaxSubtotal');
  money(subtotal, 'TaxableAmount', line.base);
  money(subtotal, 'TaxAmount', line.igv);
  igvCategory(subtotal, doc.amounts.igvRateBasisPoints);
  cbc(node.ele(UBL_NS.cac, 'cac:Item'), 'Description', line.description);
  // Valor unitario: already a decimal string with up to ten decimals (invoice-amounts.ts).
  cbc(node.ele(UBL_NS.cac, 'cac:Price'), 'PriceAmount', line.unitValue, { currencyID: doc.currency });
}
