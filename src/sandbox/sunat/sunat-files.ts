import { createHash } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { unzipSingle } from '../../invoices/ubl/document-zip';
import { SunatFault } from './sunat-codes';
import { child, decodeXml, NS, parseXml, path, textOf } from './sunat-xml';

// What SUNAT checks before it looks at a document's content: the file name, the zip, the XML inside it and
// that the XML is the document the name says. Every failure here is an exception (a SOAP fault): SUNAT has not
// received the document, so nothing is recorded against its number.

export type BillType = '01' | '03' | '07';
export type SummaryType = 'RC' | 'RA' | 'RR';

/** `{RUC}-{01|03|07}-{series}-{number}` (sunat.md B2). */
const BILL_NAME = /^(\d{11})-(\d{2})-([A-Z0-9]{4})-(\d{1,8})\.zip$/;
/** `{RUC}-RC|RA|RR-{YYYYMMDD}-{n ≤ 5 digits}` (sunat.md B2). */
const SUMMARY_NAME = /^(\d{11})-(RC|RA|RR)-(\d{8})-(\d{1,5})\.zip$/;

interface ZippedXml {
  /** The file name without `.zip`. */
  base: string;
  ruc: string;
  bytes: Buffer;
  text: string;
  root: Element;
  /** SHA-256 of the XML bytes: what tells an identical resend from another document under the same number. */
  digest: string;
}

export interface BillFile extends ZippedXml {
  type: BillType;
  series: string;
  number: number;
  /** `F001-1`: the document's ID. */
  id: string;
  schemaRoot: 'Invoice' | 'CreditNote';
}

export interface SummaryFile extends ZippedXml {
  type: SummaryType;
  /** `RC-20240131-1`. */
  id: string;
}

/** The RUC a WS-Security username starts with (username = RUC + SOL user). */
export function rucOfUsername(username: string): string | null {
  return /^(\d{11})/.exec(username)?.[1] ?? null;
}

/** A sendBill file: name, zip and XML checked, the ID and the issuer's RUC matching the name. */
export function readBillFile(fileName: string, contentFile: string, userRuc: string): BillFile {
  if (SUMMARY_NAME.test(fileName)) throw new SunatFault('0152', fileName);
  const m = BILL_NAME.exec(fileName);
  if (!m) throw new SunatFault('0151', fileName);
  const [, ruc, type, series, number] = m as unknown as [string, string, string, string, string];
  if (type !== '01' && type !== '03' && type !== '07') throw new SunatFault('0151', `tipo de comprobante ${type}`);
  // Facturas and their notes use F series, boletas and theirs B series (sunat.md B1).
  if ((type === '01' && !series.startsWith('F')) || (type === '03' && !series.startsWith('B')) || (type === '07' && !/^[FB]/.test(series))) {
    throw new SunatFault('1001', `${series} para el tipo ${type}`);
  }
  if (ruc !== userRuc) throw new SunatFault('0154');
  const base = fileName.slice(0, -'.zip'.length);
  const xml = readZippedXml(base, contentFile);
  const schemaRoot = type === '07' ? 'CreditNote' : 'Invoice';
  const rootNs = type === '07' ? NS.creditNote : NS.invoice;
  if (xml.root.namespaceURI !== rootNs || xml.root.localName !== schemaRoot) {
    throw new SunatFault('1003', `se esperaba ${schemaRoot}, se recibió ${xml.root.localName ?? '?'}`);
  }
  if (type !== '07' && textOf(child(xml.root, NS.cbc, 'InvoiceTypeCode')) !== type) throw new SunatFault('1003');
  const id = `${series}-${Number(number)}`;
  const xmlId = textOf(child(xml.root, NS.cbc, 'ID')) ?? '';
  const idMatch = /^([A-Z0-9]{4})-(\d{1,8})$/.exec(xmlId);
  if (!idMatch || idMatch[1] !== series || Number(idMatch[2]) !== Number(number)) throw new SunatFault('1049', `${xmlId || '(vacío)'} ≠ ${id}`);
  const supplierRuc = textOf(path(xml.root, [NS.cac, 'AccountingSupplierParty'], [NS.cac, 'Party'], [NS.cac, 'PartyIdentification'], [NS.cbc, 'ID']));
  if (supplierRuc !== ruc) throw new SunatFault('1034');
  return { ...xml, ruc, type, series, number: Number(number), id, schemaRoot };
}

/** A sendSummary file (RC daily summary, RA/RR voids): name, zip, XML root and ID; no content rules. */
export function readSummaryFile(fileName: string, contentFile: string, userRuc: string): SummaryFile {
  const m = SUMMARY_NAME.exec(fileName);
  if (!m) throw new SunatFault('0151', fileName);
  const [, ruc, type, date, n] = m as unknown as [string, string, SummaryType, string, string];
  if (ruc !== userRuc) throw new SunatFault('0154');
  const base = fileName.slice(0, -'.zip'.length);
  const xml = readZippedXml(base, contentFile);
  const [rootNs, rootName] = type === 'RC' ? [NS.summary, 'SummaryDocuments'] : [NS.voided, 'VoidedDocuments'];
  if (xml.root.namespaceURI !== rootNs || xml.root.localName !== rootName) throw new SunatFault('1003', `se esperaba ${rootName}`);
  const id = `${type}-${date}-${Number(n)}`;
  const xmlId = textOf(child(xml.root, NS.cbc, 'ID')) ?? '';
  if (xmlId.replace(/-0*(\d+)$/, '-$1') !== id) throw new SunatFault('1049', `${xmlId || '(vacío)'} ≠ ${id}`);
  return { ...xml, ruc, type, id };
}

/** The one `{base}.xml` inside the base64 zip, parsed. Directory entries are ignored. */
function readZippedXml(base: string, contentFile: string): Omit<ZippedXml, 'ruc'> {
  const compact = contentFile.replace(/\s+/g, '');
  if (compact === '') throw new SunatFault('0155');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) throw new SunatFault('0156', 'contentFile no es base64');
  let entries: { name: string; content: Buffer }[];
  try {
    entries = unzipSingle(Buffer.from(compact, 'base64'));
  } catch {
    throw new SunatFault('0156');
  }
  const files = entries.filter((e) => !e.name.endsWith('/'));
  if (files.length === 0) throw new SunatFault('0157');
  if (files.length > 1) throw new SunatFault('0158', `${files.length} archivos`);
  const file = files[0]!;
  if (!/\.xml$/i.test(file.name)) throw new SunatFault('0159', file.name);
  if (file.name !== `${base}.xml`) throw new SunatFault('0161', `${file.name} ≠ ${base}.xml`);
  if (file.content.length === 0) throw new SunatFault('0160');
  const text = decodeXml(file.content);
  const root = parseXml(text)?.documentElement;
  if (!root) throw new SunatFault('0306');
  return { base, bytes: file.content, text, root, digest: createHash('sha256').update(file.content).digest('hex') };
}

/** What a file name tells, for the received-documents list; nulls when it is not a SUNAT file name. */
export function fileNameParts(fileName: string): { ruc: string | null; type: string | null; series: string | null; number: number | null } {
  const m = BILL_NAME.exec(fileName) ?? SUMMARY_NAME.exec(fileName);
  if (!m) return { ruc: /^(\d{11})-/.exec(fileName)?.[1] ?? null, type: null, series: null, number: null };
  return { ruc: m[1]!, type: m[2]!, series: m[3]!, number: Number(m[4]) };
}
