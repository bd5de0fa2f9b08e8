import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import type { IssuerParty } from '../invoice-document';

/** The XML pieces SmartPay's SUNAT documents share: the invoices and notes (ubl-builder.ts) and the daily summary. */

export const UBL_NS = {
  invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  creditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
  ext: 'urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

/** The `Id` of SmartPay's `ds:Signature`, named by `cac:Signature/cbc:ID` and its `#…` URI. */
export const UBL_SIGNATURE_ID = 'SignSmartPay';

export const XMLNS = 'http://www.w3.org/2000/xmlns/';

/** `F001-1`: series and correlative without padding, as SUNAT identifies a document inside its XML. */
export function documentId(series: string, number: number): string {
  return `${series}-${number}`;
}

export function cbc(parent: XMLBuilder, name: string, text: string, attributes?: Record<string, string>): XMLBuilder {
  return parent.ele(UBL_NS.cbc, `cbc:${name}`, attributes).txt(singleLine(text));
}

/**
 * Every SUNAT field is one line of text; control characters (a pasted tab or newline in a product name, or the
 * C0 characters XML 1.0 cannot carry at all) become spaces.
 */
export function singleLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\u0000-\u001F\u007F]/g, ' ');
}

/** `cac:Signature`: names the `ds:Signature` signUbl adds, by its Id (`#SignSmartPay`). */
export function signatureBlock(root: XMLBuilder, issuer: IssuerParty): void {
  const signature = root.ele(UBL_NS.cac, 'cac:Signature');
  cbc(signature, 'ID', UBL_SIGNATURE_ID);
  const party = signature.ele(UBL_NS.cac, 'cac:SignatoryParty');
  cbc(party.ele(UBL_NS.cac, 'cac:PartyIdentification'), 'ID', issuer.ruc);
  cbc(party.ele(UBL_NS.cac, 'cac:PartyName'), 'Name', issuer.legalName);
  const reference = signature.ele(UBL_NS.cac, 'cac:DigitalSignatureAttachment').ele(UBL_NS.cac, 'cac:ExternalReference');
  cbc(reference, 'URI', `#${UBL_SIGNATURE_ID}`);
}
