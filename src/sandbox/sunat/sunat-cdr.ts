import { create } from 'xmlbuilder2';
import { zipDocument } from '../../invoices/ubl/document-zip';
import type { SunatObservation } from './sunat-codes';
import { NS } from './sunat-xml';

// The CDR (constancia de recepción, sunat.md B2): a UBL 2.1 ApplicationResponse named `R-{file}.xml`, zipped as
// `R-{file}.zip`. SUNAT signs its CDRs; the simulator's are unsigned (no ext:UBLExtensions, which keeps them
// valid against the ApplicationResponse schema) — SmartPay reads the CDR, it does not verify SUNAT's signature.

/** SUNAT's own RUC, the CDR's sender. */
export const SUNAT_RUC = '20131312955';
const XMLNS = 'http://www.w3.org/2000/xmlns/';
/** Peru has no daylight saving time: Lima is always UTC−5. */
const LIMA_OFFSET_MS = -5 * 60 * 60 * 1000;

export interface CdrInput {
  /** The CDR's own number. */
  cdrId: string;
  /** The answered document: `F001-1`, `RC-20240131-1`. */
  documentId: string;
  /** Catálogo 01 code of a factura, boleta or note; null for summaries and voids. */
  documentTypeCode: string | null;
  issuerRuc: string;
  /** The buyer (factura/boleta/note), as the document identifies it. */
  recipient: { schemeId: string; id: string } | null;
  responseCode: string;
  description: string;
  /** Observations, written as `cbc:Note` "4309 - …". */
  notes: SunatObservation[];
  at: Date;
}

export function buildCdrXml(input: CdrInput): string {
  const lima = new Date(input.at.getTime() + LIMA_OFFSET_MS).toISOString();
  const root = create({ version: '1.0', encoding: 'UTF-8' })
    .ele(NS.applicationResponse, 'ar:ApplicationResponse')
    .att(XMLNS, 'xmlns:cac', NS.cac)
    .att(XMLNS, 'xmlns:cbc', NS.cbc);
  const cbc = (parent: typeof root, name: string, text: string, attributes?: Record<string, string>) => parent.ele(NS.cbc, `cbc:${name}`, attributes).txt(text);
  cbc(root, 'UBLVersionID', '2.1');
  cbc(root, 'CustomizationID', '1.0');
  cbc(root, 'ID', input.cdrId);
  cbc(root, 'IssueDate', lima.slice(0, 10));
  cbc(root, 'IssueTime', lima.slice(11, 19));
  cbc(root, 'ResponseDate', lima.slice(0, 10));
  cbc(root, 'ResponseTime', lima.slice(11, 19));
  for (const note of input.notes) cbc(root, 'Note', `${note.code} - ${note.description}`);
  cbc(root.ele(NS.cac, 'cac:SenderParty').ele(NS.cac, 'cac:PartyIdentification'), 'ID', SUNAT_RUC);
  cbc(root.ele(NS.cac, 'cac:ReceiverParty').ele(NS.cac, 'cac:PartyIdentification'), 'ID', input.issuerRuc, { schemeID: '6' });
  const documentResponse = root.ele(NS.cac, 'cac:DocumentResponse');
  const response = documentResponse.ele(NS.cac, 'cac:Response');
  cbc(response, 'ReferenceID', input.documentId);
  cbc(response, 'ResponseCode', input.responseCode);
  cbc(response, 'Description', input.description);
  const reference = documentResponse.ele(NS.cac, 'cac:DocumentReference');
  cbc(reference, 'ID', input.documentId);
  if (input.documentTypeCode) cbc(reference, 'DocumentTypeCode', input.documentTypeCode);
  if (input.recipient) cbc(documentResponse.ele(NS.cac, 'cac:RecipientParty').ele(NS.cac, 'cac:PartyIdentification'), 'ID', input.recipient.id, { schemeID: input.recipient.schemeId });
  return root.end();
}

/** `R-{base}.zip` holding `R-{base}.xml`, as SUNAT returns it. */
export function cdrZip(base: string, xml: string): Buffer {
  return zipDocument(`R-${base}`, xml);
}

/** "La Factura numero F001-1, ha sido aceptada", in SUNAT's words for each kind of document. */
export function acceptedDescription(typeCode: string, id: string): string {
  switch (typeCode) {
    case '01':
      return `La Factura numero ${id}, ha sido aceptada`;
    case '03':
      return `La Boleta numero ${id}, ha sido aceptada`;
    case '07':
      return `La Nota de Credito numero ${id}, ha sido aceptada`;
    case 'RC':
      return `El Resumen diario ${id}, ha sido aceptado`;
    default:
      return `La Comunicacion de baja ${id}, ha sido aceptada`;
  }
}
