import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import forge from 'node-forge';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { SignedXml } from 'xml-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { amountInWords } from '../../src/invoices/amount-in-words';
import { invoiceLines } from '../../src/invoices/invoice-amounts';
import type { InvoiceDocument } from '../../src/invoices/invoice-document';
import { generateDemoCredentials, loadSigningCredentials, type SigningCredentials } from '../../src/invoices/ubl/signing-credentials';
import { buildUbl, UBL_NS } from '../../src/invoices/ubl/ubl-builder';
import { signUbl, verifyUblSignature } from '../../src/invoices/ubl/ubl-signer';

/**
 * The XMLDSig SmartPay puts on SUNAT documents (sunat.md B2) and the certificate handling behind it. One key pair
 * per file: RSA key generation is the slow part.
 */

const RUC = '20000000001';
/** Ñ, accents and an ampersand: the certificate must carry them as UTF-8, the XML escaped. */
const LEGAL_NAME = 'SMARTPAY PEÑA & CÍA S.A.C.';
const DS = UBL_NS.ds;
const SAMPLES = '/work/shared/reference/ubl-2.1/samples';

let credentials: SigningCredentials;

beforeAll(() => {
  credentials = generateDemoCredentials({ ruc: RUC, legalName: LEGAL_NAME, validDays: 30 });
});

function factura(over: Partial<InvoiceDocument> = {}): InvoiceDocument {
  const amounts = invoiceLines([{ description: 'Plan mensual', quantity: 2, unitAmount: 5900 }]);
  return {
    typeCode: '01',
    series: 'F001',
    number: 1,
    issueDate: '2026-12-04',
    issueTime: '10:30:00',
    currency: 'PEN',
    issuer: {
      ruc: RUC,
      legalName: LEGAL_NAME,
      address: { line: 'AV. JAVIER PRADO ESTE 123', district: 'SAN ISIDRO', province: 'LIMA', department: 'LIMA', ubigeo: '150131', countryCode: 'PE', establishmentCode: '0000' },
    },
    customer: { documentType: '6', documentNumber: '20100070970', name: 'SUPERMERCADOS PERUANOS S.A.' },
    amounts,
    unitCode: 'ZZ',
    amountInWords: amountInWords(amounts.totals.total, 'PEN'),
    paymentTerms: 'Contado',
    ...over,
  };
}

const parse = (xml: string): Document => new DOMParser().parseFromString(xml, 'text/xml');
const ds = (doc: Document, name: string): Element[] => Array.from(doc.getElementsByTagNameNS(DS, name));
const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;

describe('signUbl', () => {
  it('puts one enveloped ds:Signature in ext:UBLExtensions, first in the document, as SUNAT expects', () => {
    const { xml, digestValue } = signUbl(buildUbl(factura()), credentials);
    const doc = parse(xml);
    const root = doc.documentElement!;
    const first = Array.from(root.childNodes).find((n) => n.nodeType === 1) as Element;
    expect(first.namespaceURI).toBe(UBL_NS.ext);
    expect(first.localName).toBe('UBLExtensions');

    const [signature, ...others] = ds(doc, 'Signature');
    expect(others).toHaveLength(0);
    expect(signature!.getAttribute('Id')).toBe('SignSmartPay');
    const content = signature!.parentNode as Element;
    expect(content.localName).toBe('ExtensionContent');
    expect(content.childNodes.length).toBe(1);
    // cac:Signature points at it.
    expect(doc.getElementsByTagNameNS(UBL_NS.cbc, 'URI')[0]!.textContent).toBe('#SignSmartPay');

    expect(ds(doc, 'CanonicalizationMethod')[0]!.getAttribute('Algorithm')).toBe('http://www.w3.org/TR/2001/REC-xml-c14n-20010315');
    expect(ds(doc, 'SignatureMethod')[0]!.getAttribute('Algorithm')).toBe('http://www.w3.org/2000/09/xmldsig#rsa-sha1');
    const [reference, ...moreReferences] = ds(doc, 'Reference');
    expect(moreReferences).toHaveLength(0);
    expect(reference!.getAttribute('URI')).toBe('');
    expect(ds(doc, 'Transform').map((t) => t.getAttribute('Algorithm'))).toEqual(['http://www.w3.org/2000/09/xmldsig#enveloped-signature']);
    expect(ds(doc, 'DigestMethod')[0]!.getAttribute('Algorithm')).toBe('http://www.w3.org/2000/09/xmldsig#sha1');

    // The receipt's hash is the DigestValue in the XML: a SHA-1, 20 bytes.
    expect(ds(doc, 'DigestValue')[0]!.textContent).toBe(digestValue);
    expect(Buffer.from(digestValue, 'base64')).toHaveLength(20);

    // The certificate as base64 DER, no PEM armour.
    const certificate = ds(doc, 'X509Certificate')[0]!.textContent!;
    expect(certificate).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(certificate, 'base64')).toEqual(new X509Certificate(credentials.certificatePem).raw);
  });

  it('keeps the document readable: the inserted block follows the indentation', () => {
    const { xml } = signUbl(buildUbl(factura()), credentials);
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Invoice [^>]+>\n {2}<ext:UBLExtensions>\n {4}<ext:UBLExtension>\n {6}<ext:ExtensionContent><ds:Signature /);
    expect(xml).toMatch(/<\/ds:Signature><\/ext:ExtensionContent>\n {4}<\/ext:UBLExtension>\n {2}<\/ext:UBLExtensions>\n {2}<cbc:UBLVersionID>2\.1</);
  });

  it('is deterministic for the same document and key (RSA PKCS#1 v1.5)', () => {
    const xml = buildUbl(factura());
    expect(signUbl(xml, credentials)).toEqual(signUbl(xml, credentials));
  });

  it('signs with RSA-SHA256 and a SHA-256 digest when asked', () => {
    const { xml, digestValue } = signUbl(buildUbl(factura()), credentials, { algorithm: 'rsa-sha256' });
    const doc = parse(xml);
    expect(ds(doc, 'SignatureMethod')[0]!.getAttribute('Algorithm')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(ds(doc, 'DigestMethod')[0]!.getAttribute('Algorithm')).toBe('http://www.w3.org/2001/04/xmlenc#sha256');
    expect(Buffer.from(digestValue, 'base64')).toHaveLength(32);
    expect(verifyUblSignature(xml)).toMatchObject({ valid: true, errors: [] });
  });

  it('uses an empty ext:ExtensionContent the document already has', () => {
    const placeholder = '<ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent>\n</ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>';
    const unsigned = buildUbl(factura()).replace('<cbc:UBLVersionID>', `${placeholder}<cbc:UBLVersionID>`);
    const { xml } = signUbl(unsigned, credentials);
    const doc = parse(xml);
    expect(doc.getElementsByTagNameNS(UBL_NS.ext, 'UBLExtension')).toHaveLength(1);
    expect(verifyUblSignature(xml).valid).toBe(true);
  });

  it('refuses a document that is already signed, or not XML', () => {
    const { xml } = signUbl(buildUbl(factura()), credentials);
    expect(() => signUbl(xml, credentials)).toThrow(/already signed/);
    expect(() => signUbl('<Invoice><cbc:ID>', credentials)).toThrow(/not well-formed/);
  });
});

describe('verifyUblSignature', () => {
  it('accepts SmartPay’s signature and returns the certificate from KeyInfo', () => {
    const { xml } = signUbl(buildUbl(factura()), credentials);
    const check = verifyUblSignature(xml);
    expect(check).toMatchObject({ valid: true, errors: [] });
    expect(fingerprint(check.certificatePem)).toBe(fingerprint(credentials.certificatePem));
  });

  it('survives the trip through UTF-8 bytes with accents, Ñ and escaped characters', () => {
    const amounts = invoiceLines([{ description: 'Año nuevo: café & piñas <x> "ñandú"', quantity: 1, unitAmount: 1000 }]);
    const doc = factura({ amounts, amountInWords: amountInWords(amounts.totals.total, 'PEN'), customer: { documentType: '6', documentNumber: '20100070970', name: 'PEÑA & CÍA S.A.C.' } });
    const { xml } = signUbl(buildUbl(doc), credentials);
    const roundTrip = Buffer.from(xml, 'utf8').toString('utf8');
    expect(verifyUblSignature(roundTrip)).toMatchObject({ valid: true });
    expect(parse(roundTrip).getElementsByTagNameNS(UBL_NS.cbc, 'Description')[0]!.textContent).toBe('Año nuevo: café & piñas <x> "ñandú"');
  });

  it('rejects the document when an amount changes after signing', () => {
    const { xml } = signUbl(buildUbl(factura()), credentials);
    const tampered = xml.replace(/(<cbc:PayableAmount currencyID="PEN">)118\.00</, '$1117.00<');
    expect(tampered).not.toBe(xml);
    const check = verifyUblSignature(tampered);
    expect(check.valid).toBe(false);
    expect(check.errors.join(' ')).toMatch(/digest/);
  });

  it('rejects a changed SignedInfo (the digest swapped for the tampered document’s)', () => {
    const { xml, digestValue } = signUbl(buildUbl(factura()), credentials);
    const tampered = signUbl(buildUbl(factura({ customer: { documentType: '6', documentNumber: '20100070970', name: 'OTRA EMPRESA S.A.' } })), credentials);
    // The tampered document with the original signature value: the digest matches the content, the signature not.
    const originalValue = /<ds:SignatureValue>([^<]+)</.exec(xml)![1]!;
    const forged = tampered.xml.replace(/<ds:SignatureValue>[^<]+</, `<ds:SignatureValue>${originalValue}<`);
    expect(tampered.digestValue).not.toBe(digestValue);
    expect(verifyUblSignature(forged)).toMatchObject({ valid: false });
  });

  it('rejects a signature checked against another certificate, or an unreadable one', () => {
    const { xml } = signUbl(buildUbl(factura()), credentials);
    const other = forge.pki.createCertificate();
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    other.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    other.serialNumber = '01';
    other.validity.notBefore = new Date();
    other.validity.notAfter = new Date(Date.now() + 86_400_000);
    other.setSubject([{ name: 'commonName', value: 'SmartPay other key' }]);
    other.setIssuer([{ name: 'commonName', value: 'SmartPay other key' }]);
    other.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()), forge.md.sha256.create());
    const otherBase64 = forge.util.encode64(forge.asn1.toDer(forge.pki.certificateToAsn1(other)).getBytes());

    const swapped = xml.replace(/<ds:X509Certificate>[^<]+</, `<ds:X509Certificate>${otherBase64}<`);
    expect(verifyUblSignature(swapped)).toMatchObject({ valid: false });
    expect(verifyUblSignature(swapped).errors.join(' ')).toMatch(/signature value/);

    const garbled = xml.replace(/<ds:X509Certificate>MII/, '<ds:X509Certificate>XYZ');
    expect(verifyUblSignature(garbled)).toMatchObject({ valid: false, certificatePem: '' });
  });

  it('rejects a document with no signature, a signature outside ExtensionContent, or a reference to a part', () => {
    expect(verifyUblSignature(buildUbl(factura()))).toEqual({ valid: false, certificatePem: '', errors: ['the document is not signed (no ds:Signature)'] });
    expect(verifyUblSignature('not xml').valid).toBe(false);

    // Moved to the end of the document: still a correct enveloped signature, but not where SUNAT looks for it.
    const { xml } = signUbl(buildUbl(factura()), credentials);
    const signature = /<ds:Signature [\s\S]*<\/ds:Signature>/.exec(xml)![0];
    const moved = xml.replace(signature, '<ds:Object/>').replace('</Invoice>', `${signature}</Invoice>`);
    expect(verifyUblSignature(moved).errors.join(' ')).toMatch(/not inside/);

    // A signature over cac:Signature only, placed correctly: the rest of the document could change freely.
    const partial = new SignedXml({ privateKey: credentials.privateKeyPem, publicCert: credentials.certificatePem, signatureAlgorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', canonicalizationAlgorithm: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315' });
    partial.addReference({ xpath: "//*[local-name()='Signature' and namespace-uri()='" + UBL_NS.cac + "']", transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature'], digestAlgorithm: 'http://www.w3.org/2000/09/xmldsig#sha1' });
    const withBlock = buildUbl(factura()).replace('<cbc:UBLVersionID>', '<ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent/></ext:UBLExtension></ext:UBLExtensions><cbc:UBLVersionID>');
    partial.computeSignature(withBlock, { prefix: 'ds', location: { reference: "//*[local-name()='ExtensionContent']", action: 'append' } });
    const check = verifyUblSignature(partial.getSignedXml());
    expect(check.valid).toBe(false);
    expect(check.errors.join(' ')).toMatch(/not URI=""/);
  });

  it.skipIf(!existsSync(SAMPLES))('accepts the signed reference samples made by another XMLDSig implementation (Apache Santuario)', () => {
    const samples: [string, BufferEncoding][] = [
      ['openubl-12345678912-01-F001-1.xml', 'latin1'], // ISO-8859-1, and an expired test certificate
      ['openubl-invoice_boleta_signed.xml', 'utf8'],
      ['openubl-credit-note_signed.xml', 'utf8'],
    ];
    for (const [file, encoding] of samples) {
      const check = verifyUblSignature(readFileSync(`${SAMPLES}/${file}`).toString(encoding));
      expect(check, file).toMatchObject({ valid: true, errors: [] });
      expect(check.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    }
  });
});

describe('loadSigningCredentials', () => {
  const keyPair = () => ({ keyPem: credentials.privateKeyPem, certPem: credentials.certificatePem });
  const pfx = (password: string, algorithm: '3des' | 'aes256', chain: string[] = []): Buffer => {
    const key = forge.pki.privateKeyFromPem(credentials.privateKeyPem);
    const certs = [...chain, credentials.certificatePem].map((pem) => forge.pki.certificateFromPem(pem));
    const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, password, { algorithm });
    return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
  };

  it('demo credentials: a self-signed RSA 2048 certificate naming the issuer in UTF-8, with a positive serial', () => {
    const certificate = new X509Certificate(credentials.certificatePem);
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(parseInt(certificate.serialNumber.slice(0, 2), 16)).toBeLessThan(0x80);
    expect(credentials.subject).toBe(`C=PE, O=${LEGAL_NAME}, OU=RUC ${RUC}, serialNumber=${RUC}, CN=${LEGAL_NAME}`);
    const cn = forge.pki.certificateFromPem(credentials.certificatePem).subject.getField('CN') as { value: string; valueTagClass: number };
    expect(cn.valueTagClass).toBe(forge.asn1.Type.UTF8);
    expect(forge.util.decodeUtf8(cn.value)).toBe(LEGAL_NAME);
    const days = (credentials.notAfter.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    expect(credentials.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('reads a PFX with the right password (3DES and AES-256 protected), and picks the signing certificate from a chain', () => {
    for (const algorithm of ['3des', 'aes256'] as const) {
      const loaded = loadSigningCredentials({ pfx: pfx('clave secreta', algorithm), password: 'clave secreta' });
      expect(fingerprint(loaded.certificatePem)).toBe(fingerprint(credentials.certificatePem));
      expect(loaded).toMatchObject({ subject: credentials.subject, notAfter: credentials.notAfter });
      // The key signs: the loaded pair produces a signature the original certificate verifies.
      expect(verifyUblSignature(signUbl(buildUbl(factura()), loaded).xml).valid).toBe(true);
    }
    const otherCa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const ca = forge.pki.createCertificate();
    ca.publicKey = forge.pki.publicKeyFromPem(otherCa.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    ca.serialNumber = '02';
    ca.validity.notBefore = new Date();
    ca.validity.notAfter = new Date(Date.now() + 86_400_000);
    ca.setSubject([{ name: 'commonName', value: 'Some CA' }]);
    ca.setIssuer([{ name: 'commonName', value: 'Some CA' }]);
    ca.sign(forge.pki.privateKeyFromPem(otherCa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()), forge.md.sha256.create());
    const chained = loadSigningCredentials({ pfx: pfx('x', '3des', [forge.pki.certificateToPem(ca)]), password: 'x' });
    expect(fingerprint(chained.certificatePem)).toBe(fingerprint(credentials.certificatePem));
  });

  it('says so when the PFX password is wrong or the file is not a PFX', () => {
    expect(() => loadSigningCredentials({ pfx: pfx('clave secreta', '3des'), password: 'otra' })).toThrow('the PFX password is wrong');
    expect(() => loadSigningCredentials({ pfx: pfx('clave secreta', 'aes256') })).toThrow('the PFX password is wrong');
    expect(() => loadSigningCredentials({ pfx: Buffer.from('not a pfx'), password: 'x' })).toThrow(/the PFX file cannot be read/);
  });

  it('reads PEM: key and certificate in one text or apart, the key encrypted or not', () => {
    const separate = loadSigningCredentials(keyPair());
    expect(fingerprint(separate.certificatePem)).toBe(fingerprint(credentials.certificatePem));
    const combined = loadSigningCredentials({ pem: `${credentials.privateKeyPem}\n${credentials.certificatePem}` });
    expect(combined.privateKeyPem).toBe(credentials.privateKeyPem);

    const encrypted = createPrivateKey(credentials.privateKeyPem)
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'clave' })
      .toString();
    expect(encrypted).toContain('ENCRYPTED PRIVATE KEY');
    expect(loadSigningCredentials({ pem: `${encrypted}${credentials.certificatePem}`, password: 'clave' }).privateKeyPem).toBe(credentials.privateKeyPem);
    expect(() => loadSigningCredentials({ pem: `${encrypted}${credentials.certificatePem}`, password: 'otra' })).toThrow('the private key password is wrong');
    expect(() => loadSigningCredentials({ pem: `${encrypted}${credentials.certificatePem}` })).toThrow('the private key is encrypted and no password was given');
  });

  it('says what is missing from a PEM', () => {
    expect(() => loadSigningCredentials({ pem: credentials.certificatePem })).toThrow('no private key in the PEM');
    expect(() => loadSigningCredentials({ pem: credentials.privateKeyPem })).toThrow('no certificate in the PEM');
    expect(() => loadSigningCredentials({ keyPem: credentials.privateKeyPem, certPem: 'nothing' })).toThrow('no certificate in the certificate PEM');
    expect(() => loadSigningCredentials({})).toThrow(/no credentials given/);
  });

  it('refuses a certificate that does not match the key, and a key that is not RSA', () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadSigningCredentials({ keyPem: otherKey, certPem: credentials.certificatePem })).toThrow('the certificate does not match the private key');
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadSigningCredentials({ keyPem: ecKey, certPem: credentials.certificatePem })).toThrow(/the private key is ec; SUNAT signatures need an RSA key/);
  });

  it('refuses an expired certificate, naming the date, and one not valid yet', () => {
    expect(() => loadSigningCredentials({ ...keyPair(), now: new Date(credentials.notAfter.getTime() + 1000) })).toThrow(
      `certificate expired on ${credentials.notAfter.toISOString()} (${credentials.subject})`,
    );
    expect(() => loadSigningCredentials({ ...keyPair(), now: new Date(Date.now() - 86_400_000) })).toThrow(/certificate is not valid before/);
  });
});
