import type { Element } from '@xmldom/xmldom';
import { SunatFault } from './sunat-codes';
import { child, childElements, NS, parseXml, path, textOf } from './sunat-xml';

// The SOAP 1.1 side of billService: reading a call (WS-Security UsernameToken + one operation) and writing
// the answers and faults as SUNAT's service does (`soap-env` prefix, `br:` for the service namespace,
// unqualified parameters).

export type SoapOperation = 'sendBill' | 'sendSummary' | 'getStatus';

export interface SoapCredentials {
  username: string;
  password: string;
}

export type SoapCall =
  | { operation: 'sendBill' | 'sendSummary'; credentials: SoapCredentials; fileName: string; contentFile: string }
  | { operation: 'getStatus'; credentials: SoapCredentials; ticket: string };

/** A request the SOAP layer cannot take at all: answered `soap-env:Client` with no SUNAT code, as a SOAP stack would. */
export class SoapProtocolFault extends Error {}

const OPERATIONS: readonly string[] = ['sendBill', 'sendSummary', 'getStatus'];

/**
 * The call in a SOAP envelope. Throws SoapProtocolFault for what is not a SOAP call of this service, and
 * SunatFault 0101 when the WS-Security header is missing (SUNAT checks it before the operation).
 */
export function parseSoapCall(text: string): SoapCall {
  const doc = parseXml(text);
  const envelope = doc?.documentElement;
  if (!envelope || envelope.namespaceURI !== NS.soap || envelope.localName !== 'Envelope') {
    throw new SoapProtocolFault('El mensaje no es un sobre SOAP 1.1 válido');
  }
  const body = child(envelope, NS.soap, 'Body');
  const call = body ? childElements(body)[0] : undefined;
  if (!call || call.namespaceURI !== NS.service || !OPERATIONS.includes(call.localName ?? '')) {
    throw new SoapProtocolFault(`Operación desconocida: ${call ? `{${call.namespaceURI ?? ''}}${call.localName ?? ''}` : '(cuerpo vacío)'}`);
  }
  const credentials = credentialsOf(envelope);
  if (!credentials) throw new SunatFault('0101');
  const param = (name: string) => textOf(child(call, null, name)) ?? '';
  const operation = call.localName as SoapOperation;
  if (operation === 'getStatus') return { operation, credentials, ticket: param('ticket') };
  return { operation, credentials, fileName: param('fileName'), contentFile: param('contentFile') };
}

function credentialsOf(envelope: Element): SoapCredentials | null {
  const header = child(envelope, NS.soap, 'Header');
  const token = header ? path(header, [NS.wsse, 'Security'], [NS.wsse, 'UsernameToken']) : null;
  const username = token ? textOf(child(token, NS.wsse, 'Username')) : null;
  const password = token ? textOf(child(token, NS.wsse, 'Password')) : null;
  return username === null || password === null ? null : { username, password };
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function envelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soap-env:Envelope xmlns:soap-env="${NS.soap}"><soap-env:Header/><soap-env:Body>${body}</soap-env:Body></soap-env:Envelope>`;
}

export function sendBillResponse(cdrZip: Buffer): string {
  return envelope(`<br:sendBillResponse xmlns:br="${NS.service}"><applicationResponse>${cdrZip.toString('base64')}</applicationResponse></br:sendBillResponse>`);
}

export function sendSummaryResponse(ticket: string): string {
  return envelope(`<br:sendSummaryResponse xmlns:br="${NS.service}"><ticket>${escapeXml(ticket)}</ticket></br:sendSummaryResponse>`);
}

/** `statusCode` 98 (in process) carries no content; 0 and 99 carry the CDR zip. */
export function getStatusResponse(statusCode: string, cdrZip: Buffer | null): string {
  const content = cdrZip ? `<content>${cdrZip.toString('base64')}</content>` : '';
  return envelope(`<br:getStatusResponse xmlns:br="${NS.service}"><status>${content}<statusCode>${statusCode}</statusCode></status></br:getStatusResponse>`);
}

/** `soap-env:Client.0102` / `soap-env:Server.0130`, or a bare `soap-env:Client` for protocol errors. */
export function faultEnvelope(faultcode: string, faultstring: string): string {
  return envelope(`<soap-env:Fault><faultcode>${escapeXml(faultcode)}</faultcode><faultstring>${escapeXml(faultstring)}</faultstring></soap-env:Fault>`);
}
