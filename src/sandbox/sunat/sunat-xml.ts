import { DOMParser, type Document, type Element } from '@xmldom/xmldom';

// XML reading for the SUNAT simulator: strict parsing (anything SUNAT's parser would refuse is refused here too)
// and lookups by namespace and local name, so the prefixes a sender picks never matter.

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  service: 'http://service.sunat.gob.pe',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  ext: 'urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2',
  invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  creditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  applicationResponse: 'urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2',
  summary: 'urn:sunat:names:specification:ubl:peru:schema:xsd:SummaryDocuments-1',
  voided: 'urn:sunat:names:specification:ubl:peru:schema:xsd:VoidedDocuments-1',
} as const;

/** The document, or null when the text is not well-formed XML (xmldom's errors, not only its fatal ones, count). */
export function parseXml(text: string): Document | null {
  const parser = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(message);
    },
  });
  try {
    const doc = parser.parseFromString(text, 'text/xml');
    return doc.documentElement ? doc : null;
  } catch {
    return null;
  }
}

/**
 * The text of an XML file as its declaration says it is encoded: SUNAT documents are UTF-8 or ISO-8859-1
 * (widely used by Peruvian issuers). A byte order mark is dropped.
 */
export function decodeXml(bytes: Buffer): string {
  const head = bytes.subarray(0, 200).toString('latin1');
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared === 'iso-8859-1' || declared === 'latin1' || declared === 'windows-1252') return bytes.toString('latin1');
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return bytes.toString('utf8', start);
}

/** Element children of `parent` (text, comments and processing instructions skipped). */
export function childElements(parent: Element | Document): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1) out.push(node as Element);
  }
  return out;
}

/** The direct children named `{ns}local`. */
export function children(parent: Element, ns: string | null, local: string): Element[] {
  return childElements(parent).filter((e) => e.localName === local && (ns === null ? true : e.namespaceURI === ns));
}

/** The first direct child named `{ns}local`, or null. */
export function child(parent: Element, ns: string | null, local: string): Element | null {
  return children(parent, ns, local)[0] ?? null;
}

/** Follows a path of `[ns, local]` steps through first children; null when a step is missing. */
export function path(start: Element, ...steps: [string | null, string][]): Element | null {
  let current: Element | null = start;
  for (const [ns, local] of steps) {
    if (!current) return null;
    current = child(current, ns, local);
  }
  return current;
}

/** Trimmed text content, or null for a missing element. */
export function textOf(element: Element | null): string | null {
  return element ? (element.textContent ?? '').trim() : null;
}

/** Every descendant named `{ns}local`, in document order. */
export function descendants(root: Element, ns: string, local: string): Element[] {
  const list = root.getElementsByTagNameNS(ns, local);
  const out: Element[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list.item(i);
    if (item) out.push(item);
  }
  return out;
}
