import { DOMParser, type Element } from '@xmldom/xmldom';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { invoiceLines } from '../../src/invoices/invoice-amounts';
import type { IssuerParty } from '../../src/invoices/invoice-document';
import { type DailySummaryDocument, type SummaryLine, summaryFileName, summaryId } from '../../src/invoices/summary/daily-summary-document';
import { buildSummaryDocuments, SUMMARY_NS } from '../../src/invoices/summary/summary-builder';
import { zipDocument } from '../../src/invoices/ubl/document-zip';
import { generateDemoCredentials, type SigningCredentials } from '../../src/invoices/ubl/signing-credentials';
import { UBL_NS } from '../../src/invoices/ubl/ubl-builder';
import { validateUbl } from '../../src/invoices/ubl/ubl-schema';
import { signUbl, verifyUblSignature } from '../../src/invoices/ubl/ubl-signer';
import { SunatFault } from '../../src/sandbox/sunat/sunat-codes';
import { readSummaryFile } from '../../src/sandbox/sunat/sunat-files';

/**
 * SUNAT's daily summary of boletas (resumen diario, `SummaryDocuments`, UBL 2.0): built, signed, checked against
 * SUNAT's UBL 2.0 schema and read back, then handed to the sandbox the way sendSummary receives it.
 */

const RUC = '20000000001';
const SAMPLE = '/work/shared/reference/ubl-2.1/samples/sunat-ubl-2.0/openubl-summary-document_signed.xml';
const ISSUER: IssuerParty = {
  ruc: RUC,
  legalName: 'SMARTPAY PRUEBAS S.A.C.',
  tradeName: 'SmartPay',
  address: { line: 'AV. JAVIER PRADO ESTE 123', district: 'SAN ISIDRO', province: 'LIMA', department: 'LIMA', ubigeo: '150131', countryCode: 'PE', establishmentCode: '0000' },
};

/** A summary line whose amounts come from the same split invoices use, so base + IGV = total as on the document. */
function line(over: Omit<SummaryLine, 'base' | 'igv' | 'total'>, charged: number): SummaryLine {
  const { totals } = invoiceLines([{ description: 'Plan mensual', quantity: 1, unitAmount: charged }]);
  return { ...over, base: totals.base, igv: totals.igv, total: totals.total };
}

const LINES = {
  anonymous: line({ typeCode: '03', series: 'B001', number: 12, currency: 'PEN', customer: { documentType: '0', documentNumber: '-' } }, 11_800),
  dni: line({ typeCode: '03', series: 'B001', number: 13, currency: 'PEN', customer: { documentType: '1', documentNumber: '46027896' } }, 4990),
  usd: line({ typeCode: '03', series: 'B002', number: 7, currency: 'USD', customer: { documentType: '1', documentNumber: '70123456' } }, 119_900),
  creditNote: line(
    {
      typeCode: '07',
      series: 'BC01',
      number: 3,
      currency: 'PEN',
      customer: { documentType: '0', documentNumber: '-' },
      reference: { typeCode: '03', series: 'B001', number: 12 },
    },
    2000,
  ),
};

const SUMMARY: DailySummaryDocument = {
  issuer: ISSUER,
  id: summaryId('2026-12-05', 1),
  referenceDate: '2026-12-04',
  issueDate: '2026-12-05',
  lines: [LINES.anonymous, LINES.dni, LINES.usd, LINES.creditNote],
};

let credentials: SigningCredentials;
let unsigned: string;
let signed: string;

beforeAll(() => {
  credentials = generateDemoCredentials({ ruc: RUC, legalName: ISSUER.legalName, validDays: 30 });
  unsigned = buildSummaryDocuments(SUMMARY);
  signed = signUbl(unsigned, credentials).xml;
});

const NS = { cac: UBL_NS.cac, cbc: UBL_NS.cbc, ext: UBL_NS.ext, sac: SUMMARY_NS.sac } as const;
const parse = (xml: string): Element => new DOMParser().parseFromString(xml, 'text/xml').documentElement!;
const elements = (parent: Element): Element[] => Array.from(parent.childNodes).filter((c): c is Element => c.nodeType === 1);
/** Children of `parent` along a path of `prefix:LocalName` steps, depth first. */
function at(parent: Element, ...path: string[]): Element[] {
  let nodes = [parent];
  for (const step of path) {
    const [prefix, name] = step.split(':') as [keyof typeof NS, string];
    nodes = nodes.flatMap((n) => elements(n).filter((c) => c.namespaceURI === NS[prefix] && c.localName === name));
  }
  return nodes;
}
const one = (parent: Element, ...path: string[]): Element => {
  const found = at(parent, ...path);
  expect(found, path.join('/')).toHaveLength(1);
  return found[0]!;
};
const text = (parent: Element, ...path: string[]): string => one(parent, ...path).textContent ?? '';
/** An amount as `currency value`, so one assertion covers both. */
const amount = (parent: Element, ...path: string[]): string => `${one(parent, ...path).getAttribute('currencyID')} ${text(parent, ...path)}`;

describe('schema validity (SUNAT UBL 2.0, UBL-SummaryDocuments-2.0.xsd)', () => {
  it('the signed summary, and its unsigned form, are valid', async () => {
    // Unsigned means no ext:UBLExtensions at all, as for invoices; the 2.0 schema makes the block optional.
    expect(unsigned).not.toContain('UBLExtensions');
    expect(await validateUbl([signed, unsigned], 'SummaryDocuments')).toEqual({ valid: true, errors: [] });
  });

  it('the known-good published sample is valid too, so the vendored schema set is complete', async () => {
    expect(await validateUbl(readFileSync(SAMPLE), 'SummaryDocuments')).toEqual({ valid: true, errors: [] });
  });

  it('the check can fail: a line without its required LineID, or elements out of order, is reported', async () => {
    // LineID, not the line's cbc:ID: SUNAT's XSD makes the document ID optional (minOccurs 0), so only SUNAT's own
    // rules reject a line without it.
    const withoutLineId = signed.replace(/\s*<cbc:LineID>1<\/cbc:LineID>/, '');
    // sac:TotalAmount moved ahead of cac:Status in the first line: the sequence order is part of the schema.
    const total = /\s*<sac:TotalAmount[^>]*>118\.00<\/sac:TotalAmount>/.exec(unsigned)![0];
    const outOfOrder = unsigned.replace(total, '').replace('<cac:Status>', `${total.trim()}<cac:Status>`);
    expect(withoutLineId).not.toBe(signed);
    expect(outOfOrder).not.toBe(unsigned);
    const result = await validateUbl([withoutLineId, outOfOrder], 'SummaryDocuments');
    expect(result.valid).toBe(false);
    expect(result.errors.join('\n')).toMatch(/document-1\.xml.*DocumentTypeCode.*LineID/s);
    expect(result.errors.join('\n')).toMatch(/document-2\.xml.*Status/s);
  });

  it('a summary is not mistaken for a UBL 2.1 document', async () => {
    expect((await validateUbl(signed, 'Invoice')).valid).toBe(false);
  });
});

describe('signature', () => {
  it('signUbl puts the ds:Signature named by cac:Signature in ext:UBLExtensions, first in the document, and it verifies', () => {
    const root = parse(signed);
    const first = elements(root)[0]!;
    expect(first.namespaceURI).toBe(UBL_NS.ext);
    expect(first.localName).toBe('UBLExtensions');
    const content = one(root, 'ext:UBLExtensions', 'ext:UBLExtension', 'ext:ExtensionContent');
    const [signature, ...others] = elements(content);
    expect(others).toHaveLength(0);
    expect(signature!.namespaceURI).toBe(UBL_NS.ds);
    expect(signature!.getAttribute('Id')).toBe('SignSmartPay');
    expect(text(root, 'cac:Signature', 'cbc:ID')).toBe('SignSmartPay');
    expect(text(root, 'cac:Signature', 'cac:DigitalSignatureAttachment', 'cac:ExternalReference', 'cbc:URI')).toBe('#SignSmartPay');

    const check = verifyUblSignature(signed);
    expect(check).toMatchObject({ valid: true, errors: [] });
    expect(check.certificatePem).toContain('BEGIN CERTIFICATE');
  });

  it('a changed amount breaks the signature', () => {
    const tampered = signed.replace('>118.00<', '>117.00<');
    expect(tampered).not.toBe(signed);
    expect(verifyUblSignature(tampered).valid).toBe(false);
  });
});

describe('content', () => {
  it('header: UBL 2.0, customization 1.1, RC id, reference and issue dates, issuer by RUC', () => {
    const root = parse(signed);
    expect(root.namespaceURI).toBe(SUMMARY_NS.summaryDocuments);
    expect(root.localName).toBe('SummaryDocuments');
    expect(text(root, 'cbc:UBLVersionID')).toBe('2.0');
    expect(text(root, 'cbc:CustomizationID')).toBe('1.1');
    expect(text(root, 'cbc:ID')).toBe('RC-20261205-1');
    expect(text(root, 'cbc:ReferenceDate')).toBe('2026-12-04');
    expect(text(root, 'cbc:IssueDate')).toBe('2026-12-05');
    expect(text(root, 'cac:Signature', 'cac:SignatoryParty', 'cac:PartyIdentification', 'cbc:ID')).toBe(RUC);
    expect(text(root, 'cac:AccountingSupplierParty', 'cbc:CustomerAssignedAccountID')).toBe(RUC);
    expect(text(root, 'cac:AccountingSupplierParty', 'cbc:AdditionalAccountID')).toBe('6');
    expect(text(root, 'cac:AccountingSupplierParty', 'cac:Party', 'cac:PartyName', 'cbc:Name')).toBe('SmartPay');
    expect(text(root, 'cac:AccountingSupplierParty', 'cac:Party', 'cac:PartyLegalEntity', 'cbc:RegistrationName')).toBe('SMARTPAY PRUEBAS S.A.C.');
    expect(at(root, 'sac:SummaryDocumentsLine')).toHaveLength(4);
  });

  it('each line: position, type, unpadded number, buyer, status 1, total, taxed base and IGV in its currency', () => {
    const lines = at(parse(signed), 'sac:SummaryDocumentsLine');
    const expected = [
      { id: 'B001-12', type: '03', buyer: ['-', '0'], currency: 'PEN', total: '118.00', base: '100.00', igv: '18.00' },
      { id: 'B001-13', type: '03', buyer: ['46027896', '1'], currency: 'PEN', total: '49.90', base: '42.29', igv: '7.61' },
      { id: 'B002-7', type: '03', buyer: ['70123456', '1'], currency: 'USD', total: '1199.00', base: '1016.10', igv: '182.90' },
      { id: 'BC01-3', type: '07', buyer: ['-', '0'], currency: 'PEN', total: '20.00', base: '16.95', igv: '3.05' },
    ];
    expected.forEach((want, i) => {
      const node = lines[i]!;
      expect(text(node, 'cbc:LineID')).toBe(String(i + 1));
      expect(text(node, 'cbc:DocumentTypeCode')).toBe(want.type);
      expect(text(node, 'cbc:ID')).toBe(want.id);
      expect([text(node, 'cac:AccountingCustomerParty', 'cbc:CustomerAssignedAccountID'), text(node, 'cac:AccountingCustomerParty', 'cbc:AdditionalAccountID')]).toEqual(want.buyer);
      expect(text(node, 'cac:Status', 'cbc:ConditionCode')).toBe('1');
      expect(amount(node, 'sac:TotalAmount')).toBe(`${want.currency} ${want.total}`);
      // Only the taxed total (catálogo 11 `01`): SmartPay makes no exonerated, unaffected or free sales.
      expect(at(node, 'sac:BillingPayment')).toHaveLength(1);
      expect(amount(node, 'sac:BillingPayment', 'cbc:PaidAmount')).toBe(`${want.currency} ${want.base}`);
      expect(text(node, 'sac:BillingPayment', 'cbc:InstructionID')).toBe('01');
      expect(at(node, 'cac:TaxTotal')).toHaveLength(1);
      expect(amount(node, 'cac:TaxTotal', 'cbc:TaxAmount')).toBe(`${want.currency} ${want.igv}`);
      expect(amount(node, 'cac:TaxTotal', 'cac:TaxSubtotal', 'cbc:TaxAmount')).toBe(`${want.currency} ${want.igv}`);
      const scheme = one(node, 'cac:TaxTotal', 'cac:TaxSubtotal', 'cac:TaxCategory', 'cac:TaxScheme');
      expect([text(scheme, 'cbc:ID'), text(scheme, 'cbc:Name'), text(scheme, 'cbc:TaxTypeCode')]).toEqual(['1000', 'IGV', 'VAT']);
      // Only the credit note names the boleta it modifies.
      expect(at(node, 'cac:BillingReference')).toHaveLength(want.type === '07' ? 1 : 0);
    });
    const reference = one(lines[3]!, 'cac:BillingReference', 'cac:InvoiceDocumentReference');
    expect(text(reference, 'cbc:ID')).toBe('B001-12');
    expect(text(reference, 'cbc:DocumentTypeCode')).toBe('03');
  });

  it('refuses an empty summary and a credit note without the boleta it modifies', () => {
    expect(() => buildSummaryDocuments({ ...SUMMARY, lines: [] })).toThrow(/RC-20261205-1 has no lines/);
    const { reference: _reference, ...orphan } = LINES.creditNote;
    expect(() => buildSummaryDocuments({ ...SUMMARY, lines: [LINES.anonymous, orphan] })).toThrow(/line 2 \(BC01-3\).*needs the boleta it modifies/);
  });
});

describe('sendSummary file', () => {
  const base = (): string => summaryFileName(RUC, SUMMARY.id);
  const content = (xml: string): string => zipDocument(base(), xml).toString('base64');

  it('the SUNAT sandbox accepts the zipped signed summary under its RC file name', () => {
    expect(base()).toBe('20000000001-RC-20261205-1');
    const file = readSummaryFile(`${base()}.zip`, content(signed), RUC);
    expect(file).toMatchObject({ ruc: RUC, type: 'RC', id: 'RC-20261205-1', base: base() });
    expect(file.root.localName).toBe('SummaryDocuments');
    expect(file.text).toBe(signed);
  });

  it('and refuses it from another RUC’s SOAP user', () => {
    expect(() => readSummaryFile(`${base()}.zip`, content(signed), '20999999999')).toThrow(SunatFault);
  });
});
