import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { unzipSingle } from '../ubl/document-zip';
import type { SubmissionAnswer, SubmissionException, SubmissionObservation } from './submission-port';

// The messages of SUNAT's billService as SmartPay writes and reads them: the SOAP 1.1 request with its WS-Security
// UsernameToken, SOAP faults, and the CDR (an ApplicationResponse inside a zip).

const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  service: 'http://service.sunat.gob.pe',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
} as const;
const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';

export type BillServiceOperation = 'sendBill' | 'sendSummary' | 'getStatus';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One billService call; parameters are unqualified, as SUNAT's WSDL declares them. */
export function requestEnvelope(operation: BillServiceOperation, params: Record<string, string>, credentials: { username: string; password: string }): string {
  const body = Object.entries(params)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="${NS.soap}" xmlns:ser="${NS.service}" xmlns:wsse="${NS.wsse}">` +
    `<soapenv:Header><wsse:Security><wsse:UsernameToken>` +
    `<wsse:Username>${escapeXml(credentials.username)}</wsse:Username>` +
    `<wsse:Password Type="${PASSWORD_TEXT}">${escapeXml(credentials.password)}</wsse:Password>` +
    `</wsse:UsernameToken></wsse:Security></soapenv:Header>` +
    `<soapenv:Body><ser:${operation}>${body}</ser:${operation}></soapenv:Body></soapenv:Envelope>`
  );
}

/** What a billService answer body holds: the operation's response element, a fault, or neither. */
export type SoapReply = { kind: 'response'; element: Element } | { kind: 'fault'; faultcode: string; faultstring: string } | { kind: 'unreadable' };

export function readSoapReply(text: string, operation: BillServiceOperation): SoapReply {
  const envelope = parseXml(text)?.documentElement;
  const body = envelope && envelope.namespaceURI === NS.soap && envelope.localName === 'Envelope' ? child(envelope, NS.soap, 'Body') : null;
  if (!body) return { kind: 'unreadable' };
  const fault = child(body, NS.soap, 'Fault');
  if (fault) {
    // SOAP 1.1 fault children are unqualified; some stacks qualify them anyway.
    return { kind: 'fault', faultcode: textOf(child(fault, null, 'faultcode')) ?? '', faultstring: textOf(child(fault, null, 'faultstring')) ?? '' };
  }
  const element = child(body, null, `${operation}Response`);
  return element ? { kind: 'response', element } : { kind: 'unreadable' };
}

/** Text of a response element's unqualified child (`applicationResponse`, `ticket`, `status/statusCode`). */
export function param(element: Element, ...names: string[]): string | null {
  let current: Element | null = element;
  for (const name of names) current = current ? child(current, null, name) : null;
  return textOf(current);
}

/**
 * Fault codes whose cause is on SUNAT's side (0100 "El sistema no puede responder…", 0109, 0110, 0125, 0130–0138,
 * batch and unzip failures 0200–0299): the same document may go through later. Every other exception — credentials,
 * file name, zip, XML, content, 1033 — fails the same way however often it is sent.
 */
export function isRetryableCode(code: string): boolean {
  if (!/^\d+$/.test(code)) return false;
  const n = Number(code);
  return n === 100 || n === 109 || n === 110 || n === 125 || (n >= 130 && n <= 138) || (n >= 200 && n <= 299);
}

/**
 * `soap-env:Client.0102` → 0102. Some services put the code at the start of the faultstring instead, and a bare
 * `Client`/`Server` has none: then the fault's side is the code, and only a Server fault is worth a resend.
 */
export function faultException(faultcode: string, faultstring: string): SubmissionException {
  const numeric = /(\d{3,4})\s*$/.exec(faultcode)?.[1] ?? /^\s*(\d{3,4})\b/.exec(faultstring)?.[1];
  if (numeric) {
    const code = numeric.padStart(4, '0');
    return { outcome: 'exception', code, description: faultstring || `SOAP fault ${faultcode}`, retryable: isRetryableCode(code) };
  }
  const side = faultcode.replace(/^.*:/, '').split('.')[0] || 'fault';
  return { outcome: 'exception', code: side, description: faultstring || `SOAP fault ${faultcode}`, retryable: /^server$/i.test(side) };
}

/**
 * The outcome a CDR zip states (sunat.md B2): ResponseCode 0 accepted, 2000–3999 rejected, ≥ 4000 accepted with
 * observations. SUNAT reports observations as `cbc:Note` "4287 - …" beside ResponseCode 0, some OSEs as the response
 * code itself; both are read. `rejectedStatus`: getStatus said 99 (done with errors), whatever the code says.
 */
export function readCdr(zip: Buffer, rejectedStatus = false): SubmissionAnswer | SubmissionException {
  const unreadable = (why: string): SubmissionException => ({
    outcome: 'exception',
    code: 'invalid_cdr',
    // A resend would return the same CDR: the document needs a person, not another attempt.
    description: `SUNAT answered with a CDR SmartPay cannot read (${why})`,
    retryable: false,
  });
  let entries: { name: string; content: Buffer }[];
  try {
    entries = unzipSingle(zip);
  } catch (err) {
    return unreadable(`not a zip: ${(err as Error).message}`);
  }
  // SUNAT's CDR zips may carry an empty folder entry beside the XML.
  const entry = entries.find((e) => /\.xml$/i.test(e.name) && !e.name.endsWith('/'));
  if (!entry) return unreadable('no XML in the zip');
  const cdrXml = decodeXml(entry.content);
  const root = parseXml(cdrXml)?.documentElement;
  const response = root ? path(root, [NS.cac, 'DocumentResponse'], [NS.cac, 'Response']) : null;
  const rawCode = response ? textOf(child(response, NS.cbc, 'ResponseCode')) : null;
  if (!root || !response || rawCode === null || !/^\d+$/.test(rawCode)) return unreadable('no DocumentResponse/Response/ResponseCode');
  const n = Number(rawCode);
  const code = n === 0 ? '0' : String(n).padStart(4, '0');
  const description = textOf(child(response, NS.cbc, 'Description')) ?? '';
  const observations = children(root, NS.cbc, 'Note')
    .map((note) => /^(\d{4})\s*-\s*([\s\S]*)$/.exec(textOf(note) ?? ''))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m): SubmissionObservation => ({ code: m[1]!, description: m[2]!.trim() }));
  const answer = { code, description, cdrZip: zip, cdrXml };
  if (rejectedStatus || (n >= 2000 && n <= 3999)) return { ...answer, outcome: 'rejected', observations };
  if (n >= 4000) {
    const all = observations.some((o) => o.code === code) ? observations : [{ code, description }, ...observations];
    return { ...answer, outcome: 'accepted_with_observations', observations: all };
  }
  if (n === 0) return { ...answer, outcome: observations.length > 0 ? 'accepted_with_observations' : 'accepted', observations };
  // An exception code inside a CDR: SUNAT did not decide the document.
  return { outcome: 'exception', code, description, retryable: isRetryableCode(code) };
}

function parseXml(text: string): Document | null {
  const parser = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(message);
    },
  });
  try {
    return parser.parseFromString(text, 'text/xml');
  } catch {
    return null;
  }
}

/** UTF-8 unless the declaration says ISO-8859-1 (some OSEs answer in it). */
function decodeXml(bytes: Buffer): string {
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(bytes.subarray(0, 200).toString('latin1'))?.[1]?.toLowerCase();
  if (declared === 'iso-8859-1' || declared === 'latin1') return bytes.toString('latin1');
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bytes.toString('utf8', bom ? 3 : 0);
}

function children(parent: Element, ns: string | null, local: string): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType !== 1) continue;
    const element = node as Element;
    if (element.localName === local && (ns === null || element.namespaceURI === ns)) out.push(element);
  }
  return out;
}

function child(parent: Element, ns: string | null, local: string): Element | null {
  return children(parent, ns, local)[0] ?? null;
}

function path(start: Element, ...steps: [string, string][]): Element | null {
  let current: Element | null = start;
  for (const [ns, local] of steps) current = current ? child(current, ns, local) : null;
  return current;
}

function textOf(element: Element | null): string | null {
  return element ? (element.textContent ?? '').trim() : null;
}
