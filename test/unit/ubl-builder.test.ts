import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Currency } from '../../src/common/money';
import { amountInWords } from '../../src/invoices/amount-in-words';
import { formatUblAmount, invoiceLines, type InvoiceItemInput } from '../../src/invoices/invoice-amounts';
import type { CustomerParty, DocumentReference, InvoiceDocument } from '../../src/invoices/invoice-document';
import { documentFileName } from '../../src/invoices/invoice-document';
import { unzipSingle, zipDocument } from '../../src/invoices/ubl/document-zip';
import { generateDemoCredentials, type SigningCredentials } from '../../src/invoices/ubl/signing-credentials';
import { buildUbl, UBL_NS } from '../../src/invoices/ubl/ubl-builder';
import { validateUbl } from '../../src/invoices/ubl/ubl-schema';
import { signUbl, verifyUblSignature } from '../../src/invoices/ubl/ubl-signer';

/**
 * The UBL 2.1 documents SmartPay issues: every kind is built, signed and checked against the OASIS schemas (all
 * documents of a root in one validateUbl call: the schema compilation is the slow part), then read back.
 */

const RUC = '20000000001';
const RUC_CUSTOMER: CustomerParty = { documentType: '6', documentNumber: '20100070970', name: 'SUPERMERCADOS PERUANOS S.A.' };
const DNI_CUSTOMER: CustomerParty = { documentType: '1', documentNumber: '46027896', name: 'Ana Pérez Ñique' };
const ANONYMOUS: CustomerParty = { documentType: '0', documentNumber: '-', name: 'CLIENTES VARIOS' };

function document(over: {
  typeCode?: InvoiceDocument['typeCode'];
  series?: string;
  number?: number;
  currency?: Currency;
  customer?: CustomerParty;
  items?: InvoiceItemInput[];
  reference?: DocumentReference;
}): InvoiceDocument {
  const typeCode = over.typeCode ?? '01';
  const currency = over.currency ?? 'PEN';
  const amounts = invoiceLines(over.items ?? [{ description: 'Plan mensual', quantity: 2, unitAmount: 5900 }]);
  return {
    typeCode,
    series: over.series ?? 'F001',
    number: over.number ?? 1,
    issueDate: '2026-12-04',
    issueTime: '10:30:00',
    currency,
    issuer: {
      ruc: RUC,
      legalName: 'SMARTPAY PRUEBAS S.A.C.',
      tradeName: 'SmartPay',
      address: { line: 'AV. JAVIER PRADO ESTE 123', district: 'SAN ISIDRO', province: 'LIMA', department: 'LIMA', ubigeo: '150131', countryCode: 'PE', establishmentCode: '0000' },
    },
    customer: over.customer ?? RUC_CUSTOMER,
    amounts,
    unitCode: 'ZZ',
    amountInWords: amountInWords(amounts.totals.total, currency),
    ...(typeCode === '07' ? { reference: over.reference } : { paymentTerms: 'Contado' as const }),
  };
}

const FACTURA_REF: DocumentReference = { typeCode: '01', series: 'F001', number: 1, reasonCode: '01', reasonDescription: 'Anulación de la operación', issueDate: '2026-12-04' };
const BOLETA_REF: DocumentReference = { typeCode: '03', series: 'B001', number: 27, reasonCode: '07', reasonDescription: 'Devolución por ítem', issueDate: '2026-12-01' };

const CASES = {
  factura: document({}),
  boletaDni: document({ typeCode: '03', series: 'B001', number: 27, customer: DNI_CUSTOMER, items: [{ description: 'Polo talla M', quantity: 1, unitAmount: 4990 }] }),
  boletaAnonymous: document({ typeCode: '03', series: 'B001', number: 28, customer: ANONYMOUS, items: [{ description: 'Recarga', quantity: 1, unitAmount: 102 }] }),
  facturaUsd: document({ number: 2, currency: 'USD', items: [{ description: 'Licencia anual', quantity: 1, unitAmount: 119_900 }] }),
  facturaMultiLine: document({
    number: 99_999_999,
    items: [
      { description: 'Plan mensual', quantity: 3, unitAmount: 3990 },
      { description: 'Servicio técnico', quantity: 7, unitAmount: 1 },
      { description: 'Recarga', quantity: 1, unitAmount: 102 },
    ],
  }),
};
const NOTES = {
  fullOfFactura: document({ typeCode: '07', series: 'FC01', number: 1, reference: FACTURA_REF }),
  partialOfBoleta: document({ typeCode: '07', series: 'BC01', number: 3, customer: DNI_CUSTOMER, reference: BOLETA_REF, items: [{ description: 'Polo talla M', quantity: 1, unitAmount: 2000 }] }),
};

let credentials: SigningCredentials;
const signed: Record<string, string> = {};

beforeAll(() => {
  credentials = generateDemoCredentials({ ruc: RUC, legalName: 'SMARTPAY PRUEBAS S.A.C.', validDays: 30 });
  for (const [name, doc] of Object.entries({ ...CASES, ...NOTES })) signed[name] = signUbl(buildUbl(doc), credentials).xml;
});

const parse = (xml: string): Document => new DOMParser().parseFromString(xml, 'text/xml');
/** Children of `parent` along a path of `prefix:LocalName` steps, depth first. */
function at(parent: Element, ...path: string[]): Element[] {
  let nodes = [parent];
  for (const step of path) {
    const [prefix, name] = step.split(':') as ['cac' | 'cbc' | 'ext', string];
    nodes = nodes.flatMap((n) => Array.from(n.childNodes).filter((c): c is Element => c.nodeType === 1 && (c as Element).namespaceURI === UBL_NS[prefix] && (c as Element).localName === name));
  }
  return nodes;
}
const one = (parent: Element, ...path: string[]): Element => {
  const found = at(parent, ...path);
  expect(found, path.join('/')).toHaveLength(1);
  return found[0]!;
};
const text = (parent: Element, ...path: string[]): string => one(parent, ...path).textContent ?? '';

describe('schema validity', () => {
  it('every signed factura and boleta, and their unsigned form, is valid against UBL-Invoice-2.1.xsd', async () => {
    const documents = Object.entries(CASES).flatMap(([name, doc]) => [signed[name]!, buildUbl(doc)]);
    // Unsigned means no ext:UBLExtensions at all: an empty ExtensionContent would be schema-invalid.
    expect(buildUbl(CASES.factura)).not.toContain('UBLExtensions');
    expect(await validateUbl(documents, 'Invoice')).toEqual({ valid: true, errors: [] });
  });

  it('every signed credit note, and its unsigned form, is valid against UBL-CreditNote-2.1.xsd', async () => {
    const documents = Object.entries(NOTES).flatMap(([name, doc]) => [signed[name]!, buildUbl(doc)]);
    expect(await validateUbl(documents, 'CreditNote')).toEqual({ valid: true, errors: [] });
  });

  it('the check can fail: no PayableAmount, or an element out of order, is reported', async () => {
    const withoutPayable = signed.factura!.replace(/\s*<cbc:PayableAmount[^>]*>[^<]*<\/cbc:PayableAmount>/, '');
    // cbc:IssueTime moved before cbc:ID: the sequence order is part of the schema.
    const outOfOrder = buildUbl(CASES.factura)
      .replace(/\s*<cbc:IssueTime>[^<]*<\/cbc:IssueTime>/, '')
      .replace('<cbc:ID>F001-1</cbc:ID>', '<cbc:IssueTime>10:30:00</cbc:IssueTime><cbc:ID>F001-1</cbc:ID>');
    expect(withoutPayable).not.toBe(signed.factura);
    const result = await validateUbl([withoutPayable, outOfOrder], 'Invoice');
    expect(result.valid).toBe(false);
    expect(result.errors.join('\n')).toMatch(/PayableAmount/);
    expect(result.errors.join('\n')).toMatch(/IssueTime/);
  });

  it('every signature verifies', () => {
    for (const [name, xml] of Object.entries(signed)) expect(verifyUblSignature(xml), name).toMatchObject({ valid: true, errors: [] });
  });
});

describe('factura and boleta content', () => {
  it('factura to a RUC: header, parties, payment terms, totals and legend', () => {
    const root = parse(signed.factura!).documentElement!;
    expect(root.localName).toBe('Invoice');
    expect(root.namespaceURI).toBe(UBL_NS.invoice);
    expect(text(root, 'cbc:UBLVersionID')).toBe('2.1');
    expect(text(root, 'cbc:CustomizationID')).toBe('2.0');
    expect(text(root, 'cbc:ID')).toBe('F001-1');
    expect(text(root, 'cbc:IssueDate')).toBe('2026-12-04');
    expect(text(root, 'cbc:IssueTime')).toBe('10:30:00');
    const typeCode = one(root, 'cbc:InvoiceTypeCode');
    expect(typeCode.textContent).toBe('01');
    expect(typeCode.getAttribute('listID')).toBe('0101');
    expect(typeCode.getAttribute('listURI')).toBe('urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo01');
    const legend = one(root, 'cbc:Note');
    expect(legend.getAttribute('languageLocaleID')).toBe('1000');
    expect(legend.textContent).toBe('CIENTO DIECIOCHO CON 00/100 SOLES');
    expect(text(root, 'cbc:DocumentCurrencyCode')).toBe('PEN');

    expect(text(root, 'cac:Signature', 'cbc:ID')).toBe('SignSmartPay');
    expect(text(root, 'cac:Signature', 'cac:SignatoryParty', 'cac:PartyIdentification', 'cbc:ID')).toBe(RUC);
    expect(text(root, 'cac:Signature', 'cac:DigitalSignatureAttachment', 'cac:ExternalReference', 'cbc:URI')).toBe('#SignSmartPay');

    const supplier = one(root, 'cac:AccountingSupplierParty', 'cac:Party');
    const supplierId = one(supplier, 'cac:PartyIdentification', 'cbc:ID');
    expect([supplierId.getAttribute('schemeID'), supplierId.textContent]).toEqual(['6', RUC]);
    expect(text(supplier, 'cac:PartyName', 'cbc:Name')).toBe('SmartPay');
    expect(text(supplier, 'cac:PartyLegalEntity', 'cbc:RegistrationName')).toBe('SMARTPAY PRUEBAS S.A.C.');
    const address = one(supplier, 'cac:PartyLegalEntity', 'cac:RegistrationAddress');
    expect(text(address, 'cbc:ID')).toBe('150131');
    expect(text(address, 'cbc:AddressTypeCode')).toBe('0000');
    expect([text(address, 'cbc:District'), text(address, 'cbc:CityName'), text(address, 'cbc:CountrySubentity')]).toEqual(['SAN ISIDRO', 'LIMA', 'LIMA']);
    expect(text(address, 'cac:AddressLine', 'cbc:Line')).toBe('AV. JAVIER PRADO ESTE 123');
    expect(text(address, 'cac:Country', 'cbc:IdentificationCode')).toBe('PE');

    const customerId = one(root, 'cac:AccountingCustomerParty', 'cac:Party', 'cac:PartyIdentification', 'cbc:ID');
    expect([customerId.getAttribute('schemeID'), customerId.textContent]).toEqual(['6', '20100070970']);
    expect(text(root, 'cac:AccountingCustomerParty', 'cac:Party', 'cac:PartyLegalEntity', 'cbc:RegistrationName')).toBe('SUPERMERCADOS PERUANOS S.A.');

    expect(text(root, 'cac:PaymentTerms', 'cbc:ID')).toBe('FormaPago');
    expect(text(root, 'cac:PaymentTerms', 'cbc:PaymentMeansID')).toBe('Contado');

    expect(text(root, 'cac:TaxTotal', 'cbc:TaxAmount')).toBe('18.00');
    expect(text(root, 'cac:TaxTotal', 'cac:TaxSubtotal', 'cbc:TaxableAmount')).toBe('100.00');
    expect(text(root, 'cac:TaxTotal', 'cac:TaxSubtotal', 'cbc:TaxAmount')).toBe('18.00');
    const scheme = one(root, 'cac:TaxTotal', 'cac:TaxSubtotal', 'cac:TaxCategory', 'cac:TaxScheme');
    expect([text(scheme, 'cbc:ID'), text(scheme, 'cbc:Name'), text(scheme, 'cbc:TaxTypeCode')]).toEqual(['1000', 'IGV', 'VAT']);
    expect(text(root, 'cac:LegalMonetaryTotal', 'cbc:LineExtensionAmount')).toBe('100.00');
    expect(text(root, 'cac:LegalMonetaryTotal', 'cbc:TaxInclusiveAmount')).toBe('118.00');
    expect(text(root, 'cac:LegalMonetaryTotal', 'cbc:PayableAmount')).toBe('118.00');
  });

  it('lines: quantity and unit, valor venta, precio unitario, IGV 18 % gravado, description, valor unitario', () => {
    const root = parse(signed.facturaMultiLine!).documentElement!;
    expect(text(root, 'cbc:ID')).toBe('F001-99999999');
    const lines = at(root, 'cac:InvoiceLine');
    const amounts = CASES.facturaMultiLine.amounts;
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => {
      const expected = amounts.lines[i]!;
      expect(text(line, 'cbc:ID')).toBe(String(i + 1));
      const quantity = one(line, 'cbc:InvoicedQuantity');
      expect([quantity.textContent, quantity.getAttribute('unitCode')]).toEqual([String(expected.quantity), 'ZZ']);
      expect(text(line, 'cbc:LineExtensionAmount')).toBe(formatUblAmount(expected.base));
      expect(text(line, 'cac:PricingReference', 'cac:AlternativeConditionPrice', 'cbc:PriceAmount')).toBe(formatUblAmount(expected.unitPriceWithIgv));
      expect(text(line, 'cac:PricingReference', 'cac:AlternativeConditionPrice', 'cbc:PriceTypeCode')).toBe('01');
      expect(text(line, 'cac:TaxTotal', 'cbc:TaxAmount')).toBe(formatUblAmount(expected.igv));
      const subtotal = one(line, 'cac:TaxTotal', 'cac:TaxSubtotal');
      expect(text(subtotal, 'cbc:TaxableAmount')).toBe(formatUblAmount(expected.base));
      expect(text(subtotal, 'cbc:TaxAmount')).toBe(formatUblAmount(expected.igv));
      expect(text(subtotal, 'cac:TaxCategory', 'cbc:Percent')).toBe('18.00');
      expect(text(subtotal, 'cac:TaxCategory', 'cbc:TaxExemptionReasonCode')).toBe('10');
      expect(text(subtotal, 'cac:TaxCategory', 'cac:TaxScheme', 'cbc:ID')).toBe('1000');
      expect(text(line, 'cac:Item', 'cbc:Description')).toBe(expected.description);
      expect(text(line, 'cac:Price', 'cbc:PriceAmount')).toBe(expected.unitValue);
    });
    // 7 × S/ 0.01: a valor unitario with more than two decimals.
    expect(text(lines[1]!, 'cac:Price', 'cbc:PriceAmount')).toBe('0.0085714286');
    // The header is the sum of the lines.
    expect(text(root, 'cac:LegalMonetaryTotal', 'cbc:PayableAmount')).toBe(formatUblAmount(3 * 3990 + 7 + 102));
    expect(text(root, 'cac:LegalMonetaryTotal', 'cbc:LineExtensionAmount')).toBe(formatUblAmount(amounts.totals.base));
    expect(text(root, 'cac:TaxTotal', 'cbc:TaxAmount')).toBe(formatUblAmount(amounts.totals.igv));
  });

  it('every amount carries the document currency: USD', () => {
    const doc = parse(signed.facturaUsd!);
    const root = doc.documentElement!;
    expect(text(root, 'cbc:DocumentCurrencyCode')).toBe('USD');
    expect(text(root, 'cbc:Note')).toBe('MIL CIENTO NOVENTA Y NUEVE CON 00/100 DOLARES AMERICANOS');
    const amounts = Array.from(doc.getElementsByTagNameNS(UBL_NS.cbc, '*')).filter((e) => /Amount$/.test(e.localName!));
    expect(amounts.length).toBeGreaterThanOrEqual(11);
    for (const amount of amounts) expect(amount.getAttribute('currencyID'), amount.localName!).toBe('USD');
    expect(text(root, 'cac:LegalMonetaryTotal', 'cbc:PayableAmount')).toBe('1199.00');
  });

  it('boletas: DNI customer, and the anonymous customer (type 0, "-")', () => {
    const dni = parse(signed.boletaDni!).documentElement!;
    expect(text(dni, 'cbc:ID')).toBe('B001-27');
    expect(text(dni, 'cbc:InvoiceTypeCode')).toBe('03');
    const dniId = one(dni, 'cac:AccountingCustomerParty', 'cac:Party', 'cac:PartyIdentification', 'cbc:ID');
    expect([dniId.getAttribute('schemeID'), dniId.textContent]).toEqual(['1', '46027896']);
    expect(text(dni, 'cac:AccountingCustomerParty', 'cac:Party', 'cac:PartyLegalEntity', 'cbc:RegistrationName')).toBe('Ana Pérez Ñique');

    const anonymous = parse(signed.boletaAnonymous!).documentElement!;
    const anonymousId = one(anonymous, 'cac:AccountingCustomerParty', 'cac:Party', 'cac:PartyIdentification', 'cbc:ID');
    expect([anonymousId.getAttribute('schemeID'), anonymousId.textContent]).toEqual(['0', '-']);
    expect(text(anonymous, 'cac:AccountingCustomerParty', 'cac:Party', 'cac:PartyLegalEntity', 'cbc:RegistrationName')).toBe('CLIENTES VARIOS');
    // S/ 1.02: 0.86 + 0.16, the amount the textbook rounding gets wrong.
    expect(text(anonymous, 'cac:TaxTotal', 'cbc:TaxAmount')).toBe('0.16');
    expect(text(anonymous, 'cac:LegalMonetaryTotal', 'cbc:PayableAmount')).toBe('1.02');
  });

  it('a supplier without trade name has no PartyName; line breaks in text become spaces', () => {
    const doc = document({ items: [{ description: 'Plan\nmensual\tPro', quantity: 1, unitAmount: 100 }] });
    const xml = buildUbl({ ...doc, issuer: { ...doc.issuer, tradeName: undefined } });
    const root = parse(xml).documentElement!;
    expect(at(root, 'cac:AccountingSupplierParty', 'cac:Party', 'cac:PartyName')).toHaveLength(0);
    expect(text(one(root, 'cac:InvoiceLine'), 'cac:Item', 'cbc:Description')).toBe('Plan mensual Pro');
  });
});

describe('credit notes', () => {
  it('full credit note of a factura: DiscrepancyResponse and BillingReference, no type code, no payment terms', () => {
    const root = parse(signed.fullOfFactura!).documentElement!;
    expect(root.localName).toBe('CreditNote');
    expect(root.namespaceURI).toBe(UBL_NS.creditNote);
    expect(text(root, 'cbc:ID')).toBe('FC01-1');
    expect(at(root, 'cbc:InvoiceTypeCode')).toHaveLength(0);
    expect(at(root, 'cbc:CreditNoteTypeCode')).toHaveLength(0);
    expect(at(root, 'cac:PaymentTerms')).toHaveLength(0);
    expect(text(root, 'cbc:Note')).toBe('CIENTO DIECIOCHO CON 00/100 SOLES');
    const discrepancy = one(root, 'cac:DiscrepancyResponse');
    expect(text(discrepancy, 'cbc:ReferenceID')).toBe('F001-1');
    expect(text(discrepancy, 'cbc:ResponseCode')).toBe('01');
    expect(one(discrepancy, 'cbc:ResponseCode').getAttribute('listURI')).toBe('urn:pe:gob:sunat:cpe:see:gem:catalogos:catalogo09');
    expect(text(discrepancy, 'cbc:Description')).toBe('Anulación de la operación');
    expect(text(root, 'cac:BillingReference', 'cac:InvoiceDocumentReference', 'cbc:ID')).toBe('F001-1');
    expect(text(root, 'cac:BillingReference', 'cac:InvoiceDocumentReference', 'cbc:DocumentTypeCode')).toBe('01');
    expect(text(root, 'cac:LegalMonetaryTotal', 'cbc:PayableAmount')).toBe('118.00');
    const line = one(root, 'cac:CreditNoteLine');
    expect(text(line, 'cbc:CreditedQuantity')).toBe('2');
    expect(one(line, 'cbc:CreditedQuantity').getAttribute('unitCode')).toBe('ZZ');
    expect(at(root, 'cac:InvoiceLine')).toHaveLength(0);
  });

  it('partial credit note of a boleta: reason 07, the boleta referenced, the credited amount only', () => {
    const root = parse(signed.partialOfBoleta!).documentElement!;
    expect(text(root, 'cbc:ID')).toBe('BC01-3');
    expect(text(root, 'cac:DiscrepancyResponse', 'cbc:ReferenceID')).toBe('B001-27');
    expect(text(root, 'cac:DiscrepancyResponse', 'cbc:ResponseCode')).toBe('07');
    expect(text(root, 'cac:BillingReference', 'cac:InvoiceDocumentReference', 'cbc:ID')).toBe('B001-27');
    expect(text(root, 'cac:BillingReference', 'cac:InvoiceDocumentReference', 'cbc:DocumentTypeCode')).toBe('03');
    expect(text(root, 'cac:LegalMonetaryTotal', 'cbc:PayableAmount')).toBe('20.00');
    expect(text(root, 'cbc:Note')).toBe('VEINTE CON 00/100 SOLES');
  });

  it('a credit note without the document it modifies is refused', () => {
    expect(() => buildUbl({ ...NOTES.fullOfFactura, reference: undefined })).toThrow(/reference/);
  });
});

describe('document zip', () => {
  it('one entry named like the zip, the XML bytes unchanged (UTF-8)', () => {
    const base = documentFileName(RUC, '03', 'B001', 27);
    expect(base).toBe('20000000001-03-B001-27');
    const zip = zipDocument(base, signed.boletaDni!);
    expect(zip.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
    const entries = unzipSingle(zip);
    expect(entries.map((e) => e.name)).toEqual([`${base}.xml`]);
    expect(entries[0]!.content.toString('utf8')).toBe(signed.boletaDni);
    expect(verifyUblSignature(entries[0]!.content.toString('utf8')).valid).toBe(true);
  });

  it('lists every entry, folders included, and refuses what is not a zip or a name with a path', () => {
    const zip = Buffer.from(zipSync({ 'dummy/': new Uint8Array(0), 'R-20000000001-01-F001-1.xml': new TextEncoder().encode('<x/>') }));
    expect(unzipSingle(zip).map((e) => e.name).sort()).toEqual(['R-20000000001-01-F001-1.xml', 'dummy/']);
    expect(() => unzipSingle(Buffer.from('not a zip'))).toThrow();
    expect(() => zipDocument('../evil', '<x/>')).toThrow(/plain file name/);
  });
});
