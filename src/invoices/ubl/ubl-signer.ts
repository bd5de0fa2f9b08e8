import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import type { SigningCredentials } from './signing-credentials';
import { UBL_NS, UBL_SIGNATURE_ID } from './ubl-builder';

/**
 * The enveloped XMLDSig SUNAT requires (sunat.md B2): one `ds:Signature` as the only child of
 * `ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent`, one `Reference URI=""` (the whole document) with the
 * enveloped-signature transform, C14N 1.0 for SignedInfo and (implicitly, as the last step of the reference) for
 * the document, RSA-SHA1 with a SHA-1 digest by default, and the certificate in `KeyInfo/X509Data`.
 *
 * The reference lists only the enveloped-signature transform, like SUNAT's examples: XMLDSig canonicalises a
 * node-set with C14N 1.0 before digesting it, so listing C14N again would change nothing but the bytes.
 */

const ALGORITHMS = {
  'rsa-sha1': { signature: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', digest: 'http://www.w3.org/2000/09/xmldsig#sha1' },
  'rsa-sha256': { signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', digest: 'http://www.w3.org/2001/04/xmlenc#sha256' },
} as const;

export type UblSignatureAlgorithm = keyof typeof ALGORITHMS;

const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export interface SignedUbl {
  xml: string;
  /** The reference's DigestValue (base64): SUNAT's "valor resumen", printed on the receipt. */
  digestValue: string;
}

export interface UblSignatureCheck {
  valid: boolean;
  /** The certificate from the signature's KeyInfo, PEM; empty when there is none. */
  certificatePem: string;
  /** Why the signature is not valid; empty when it is. */
  errors: string[];
}

export class UblSigningError extends Error {
  override readonly name = 'UblSigningError';
}

/**
 * Signs a UBL document built by buildUbl. Inserts `ext:UBLExtensions` as the root's first child when the document
 * has none (the unsigned form leaves it out to stay schema-valid), or uses an existing empty `ext:ExtensionContent`.
 * The signature's Id is taken from `cac:Signature/…/cbc:URI` (`#SignSmartPay`), so the two always agree.
 */
export function signUbl(xml: string, credentials: SigningCredentials, options: { algorithm?: UblSignatureAlgorithm } = {}): SignedUbl {
  const algorithm = ALGORITHMS[options.algorithm ?? 'rsa-sha1'];
  const doc = parse(xml, (message, cause) => new UblSigningError(`the document is not well-formed XML: ${message}`, { cause }));
  const root = doc.documentElement!;
  if (doc.getElementsByTagNameNS(UBL_NS.ds, 'Signature').length > 0) throw new UblSigningError('the document is already signed');
  const extensionIndex = prepareExtensionContent(doc, root);
  const signatureId = signatureIdOf(root);

  const certificateBase64 = pemBody(credentials.certificatePem);
  const signer = new SignedXml({
    privateKey: keyObjectOf(credentials),
    signatureAlgorithm: algorithm.signature,
    canonicalizationAlgorithm: C14N,
    getKeyInfoContent: ({ prefix } = {}) => {
      const p = prefix ? `${prefix}:` : '';
      return `<${p}X509Data><${p}X509Certificate>${certificateBase64}</${p}X509Certificate></${p}X509Data>`;
    },
  });
  signer.addReference({ xpath: '/*', uri: '', isEmptyUri: true, transforms: [ENVELOPED], digestAlgorithm: algorithm.digest });
  const ext = (name: string) => `*[local-name()='${name}' and namespace-uri()='${UBL_NS.ext}']`;
  signer.computeSignature(new XMLSerializer().serializeToString(doc), {
    prefix: 'ds',
    attrs: { Id: signatureId },
    location: { reference: `/*/${ext('UBLExtensions')}/${ext('UBLExtension')}[${extensionIndex}]/${ext('ExtensionContent')}`, action: 'append' },
  });
  const signed = signer.getSignedXml();
  const signatureXml = parse(signer.getSignatureXml(), (message) => new UblSigningError(message));
  const digestValue = signatureXml.getElementsByTagNameNS(UBL_NS.ds, 'DigestValue')[0]?.textContent ?? '';
  if (digestValue === '') throw new UblSigningError('the signature has no DigestValue');
  return { xml: signed, digestValue };
}

/**
 * The private key parsed once per credentials: handing xml-crypto the PEM made OpenSSL parse it on every signature,
 * a quarter of the signing time. Credentials live as long as their issuer's configuration.
 */
const parsedKeys = new WeakMap<SigningCredentials, KeyObject>();
function keyObjectOf(credentials: SigningCredentials): KeyObject {
  let key = parsedKeys.get(credentials);
  if (!key) {
    key = createPrivateKey(credentials.privateKeyPem);
    parsedKeys.set(credentials, key);
  }
  return key;
}

/**
 * Checks the document's one signature with the certificate in its own KeyInfo, as SUNAT's first check does: it
 * proves the document is unchanged since that certificate's key signed it. Whether the certificate belongs to the
 * issuer (registered in SOL) is a separate question this does not answer, and an expired certificate is not an
 * error here: SUNAT judges validity at signing time.
 */
export function verifyUblSignature(xml: string): UblSignatureCheck {
  const errors: string[] = [];
  const result = (certificatePem = ''): UblSignatureCheck => ({ valid: errors.length === 0, certificatePem, errors });
  let doc: Document;
  try {
    doc = parse(xml, (message, cause) => new Error(message, { cause }));
  } catch (err) {
    errors.push(`the document is not well-formed XML: ${(err as Error).message}`);
    return result();
  }
  const root = doc.documentElement!;
  const signatures = Array.from(doc.getElementsByTagNameNS(UBL_NS.ds, 'Signature'));
  if (signatures.length === 0) {
    errors.push('the document is not signed (no ds:Signature)');
    return result();
  }
  if (signatures.length > 1) {
    errors.push(`the document has ${signatures.length} ds:Signature elements; SUNAT documents carry one`);
    return result();
  }
  const signature = signatures[0]!;
  if (!isInExtensionContent(signature, root)) errors.push('the ds:Signature is not inside the root’s ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent');

  const references = dsChildren(dsChildren(signature, 'SignedInfo')[0], 'Reference');
  if (references.length !== 1) errors.push(`the signature has ${references.length} references; it must have exactly one`);
  else if (references[0]!.getAttribute('URI') !== '') errors.push(`the signature's reference is URI="${references[0]!.getAttribute('URI') ?? ''}", not URI="" (the whole document)`);
  else {
    const transforms = dsChildren(dsChildren(references[0], 'Transforms')[0], 'Transform').map((t) => t.getAttribute('Algorithm'));
    if (!transforms.includes(ENVELOPED)) errors.push('the signature’s reference has no enveloped-signature transform');
  }

  const certificateText = dsChildren(dsChildren(dsChildren(signature, 'KeyInfo')[0], 'X509Data')[0], 'X509Certificate')[0]?.textContent ?? '';
  let certificatePem = '';
  try {
    certificatePem = toPem(certificateText);
    new X509Certificate(certificatePem);
  } catch {
    errors.push('the signature has no readable KeyInfo/X509Data/X509Certificate');
    return result();
  }
  if (errors.length > 0) return result(certificatePem);

  const checker = new SignedXml({ publicCert: certificatePem, getCertFromKeyInfo: () => certificatePem });
  try {
    checker.loadSignature(signature);
    if (!checker.checkSignature(xml)) {
      const why = checker.getReferences().flatMap((r) => (r.validationError ? [r.validationError.message] : []));
      errors.push(...(why.length > 0 ? why : ['the document does not match the signed digest']));
      return result(certificatePem);
    }
  } catch (err) {
    const message = (err as Error).message;
    // xml-crypto's message repeats the whole base64 signature value; the CDR and the logs want the fact.
    errors.push(/^invalid signature: the signature value .* is incorrect$/s.test(message) ? 'invalid signature: the signature value does not match SignedInfo under the KeyInfo certificate' : message);
    return result(certificatePem);
  }
  // Belt and braces: the one signed reference must be the whole document, root element included.
  const signedReferences = checker.getSignedReferences();
  if (signedReferences.length !== 1 || !signedReferences[0]!.startsWith(`<${root.tagName}`)) {
    errors.push('the signed reference does not cover the whole document');
  }
  return result(certificatePem);
}

/** xmldom reports errors through a callback and may return a partial tree; any error or warning here is fatal. */
function parse(xml: string, toError: (message: string, cause?: unknown) => Error): Document {
  let problem: string | null = null;
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (_level, message) => {
        problem ??= message;
      },
    }).parseFromString(xml, 'text/xml');
  } catch (err) {
    // Namespace errors (an undeclared prefix) are thrown rather than reported.
    throw toError((err as Error).message, err);
  }
  if (problem !== null || !doc.documentElement) throw toError(problem ?? 'no root element');
  return doc;
}

/**
 * Makes room for the signature and returns the 1-based position of the `ext:UBLExtension` whose ExtensionContent
 * will hold it. Keeps the document's indentation when it has any, so the signed XML stays readable.
 */
function prepareExtensionContent(doc: Document, root: Element): number {
  const existing = extChildren(root, 'UBLExtensions')[0];
  const first = firstElementChild(root);
  const indent = existing ? null : whitespaceBefore(first);
  const step = indent ? indent.replace(/^\n/, '').length || 2 : 0;
  const newline = (depth: number) => (indent ? doc.createTextNode(`${indent}${' '.repeat(step * depth)}`) : null);
  const append = (parent: Element, child: Element, depth: number) => {
    const before = newline(depth);
    if (before) parent.appendChild(before);
    parent.appendChild(child);
  };

  if (existing) {
    if (firstElementChild(root) !== existing) throw new UblSigningError('ext:UBLExtensions must be the first element of the document');
    const extensions = extChildren(existing, 'UBLExtension');
    const free = extensions.findIndex((e) => {
      const content = extChildren(e, 'ExtensionContent')[0];
      return content !== undefined && !firstElementChild(content);
    });
    if (free >= 0) {
      const content = extChildren(extensions[free]!, 'ExtensionContent')[0]!;
      // The signature is the content's only child: no stray whitespace to be signed around it.
      while (content.firstChild) content.removeChild(content.firstChild);
      return free + 1;
    }
    const extension = doc.createElementNS(UBL_NS.ext, 'ext:UBLExtension');
    extension.appendChild(doc.createElementNS(UBL_NS.ext, 'ext:ExtensionContent'));
    existing.appendChild(extension);
    return extensions.length + 1;
  }

  const extensions = doc.createElementNS(UBL_NS.ext, 'ext:UBLExtensions');
  const extension = doc.createElementNS(UBL_NS.ext, 'ext:UBLExtension');
  append(extension, doc.createElementNS(UBL_NS.ext, 'ext:ExtensionContent'), 2);
  const closeExtension = newline(1);
  if (closeExtension) extension.appendChild(closeExtension);
  append(extensions, extension, 1);
  const closeExtensions = newline(0);
  if (closeExtensions) extensions.appendChild(closeExtensions);
  if (first) {
    root.insertBefore(extensions, first);
    const after = newline(0);
    if (after) root.insertBefore(after, first);
  } else {
    root.appendChild(extensions);
  }
  return 1;
}

/** `#SignSmartPay` in cac:Signature → `SignSmartPay`; SmartPay's default when the document names none. */
function signatureIdOf(root: Element): string {
  for (const signature of Array.from(root.childNodes).filter(isElement)) {
    if (signature.namespaceURI !== UBL_NS.cac || signature.localName !== 'Signature') continue;
    const uri = signature.getElementsByTagNameNS(UBL_NS.cbc, 'URI')[0]?.textContent?.trim() ?? '';
    if (/^#[A-Za-z_][\w.-]*$/.test(uri)) return uri.slice(1);
  }
  return UBL_SIGNATURE_ID;
}

function isInExtensionContent(signature: Element, root: Element): boolean {
  const content = signature.parentNode;
  const extension = content?.parentNode ?? null;
  const extensions = extension?.parentNode ?? null;
  return (
    isExt(content, 'ExtensionContent') &&
    isExt(extension, 'UBLExtension') &&
    isExt(extensions, 'UBLExtensions') &&
    extensions!.parentNode === root &&
    Array.from(content!.childNodes).filter(isElement).length === 1
  );
}

type DomNode = Element['parentNode'];

function isElement(node: DomNode): node is Element {
  return node?.nodeType === 1;
}

function isExt(node: DomNode, localName: string): boolean {
  return isElement(node) && node.namespaceURI === UBL_NS.ext && node.localName === localName;
}

function extChildren(parent: Element, localName: string): Element[] {
  return Array.from(parent.childNodes).filter((n): n is Element => isElement(n) && n.namespaceURI === UBL_NS.ext && n.localName === localName);
}

function dsChildren(parent: Element | undefined, localName: string): Element[] {
  if (!parent) return [];
  return Array.from(parent.childNodes).filter((n): n is Element => isElement(n) && n.namespaceURI === UBL_NS.ds && n.localName === localName);
}

function firstElementChild(parent: Element): Element | null {
  return Array.from(parent.childNodes).find(isElement) ?? null;
}

/** The whitespace-only text right before `node` (`\n  ` in a pretty-printed document), or null. */
function whitespaceBefore(node: Element | null): string | null {
  const previous = node?.previousSibling;
  return previous?.nodeType === 3 && /^\n[ \t]*$/.test(previous.nodeValue ?? '') ? previous.nodeValue : null;
}

/** The base64 DER of a PEM certificate, on one line. */
function pemBody(pem: string): string {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (!match) throw new UblSigningError('the signing certificate is not a PEM certificate');
  return match[1]!.replace(/\s+/g, '');
}

/** Base64 DER as found in X509Certificate (any line breaks, even `&#13;`) → PEM. */
function toPem(base64: string): string {
  const body = base64.replace(/\s+/g, '');
  if (body === '') throw new Error('empty certificate');
  return `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}
