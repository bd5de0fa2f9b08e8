import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

/**
 * The key and certificate SmartPay signs an issuer's SUNAT documents with (sunat.md B2: RSA, the X.509 certificate
 * travels in the signature's KeyInfo). Loaded once at start from the issuer's PFX or PEM files and checked there,
 * so that a wrong password, a mismatched pair or an expired certificate stops the start with a clear message
 * instead of failing the first paid order.
 */
export interface SigningCredentials {
  /** Unencrypted PKCS#8 PEM; kept in memory only. */
  privateKeyPem: string;
  /** The signing certificate alone (no chain), PEM. */
  certificatePem: string;
  /** The certificate subject, one line: `CN=…, OU=…, O=…`. */
  subject: string;
  notAfter: Date;
}

export interface SigningCredentialsInput {
  /** PKCS#12 (`.pfx` / `.p12`) bytes: how Peruvian certificate authorities deliver certificates. */
  pfx?: Buffer;
  /** One PEM with the private key and the certificate (and possibly its chain). */
  pem?: string;
  /** The private key alone, PEM (takes precedence over the key in `pem`). */
  keyPem?: string;
  /** The certificate alone, PEM (takes precedence over the certificates in `pem`). */
  certPem?: string;
  /** The PFX password, or the passphrase of an encrypted PEM key. */
  password?: string;
  /** The moment the validity is checked against; defaults to now. */
  now?: Date;
}

export class SigningCredentialsError extends Error {
  override readonly name = 'SigningCredentialsError';
}

const fail = (message: string, cause?: unknown): never => {
  throw new SigningCredentialsError(message, { cause });
};

/** Reads and checks an issuer's signing credentials. Throws SigningCredentialsError with a message for an operator. */
export function loadSigningCredentials(input: SigningCredentialsInput): SigningCredentials {
  const { key, certificates } = input.pfx ? readPfx(input.pfx, input.password) : readPem(input);
  if (key.asymmetricKeyType !== 'rsa') fail(`the private key is ${key.asymmetricKeyType ?? 'not a key pair'}; SUNAT signatures need an RSA key`);
  const certificate = certificates.find((c) => c.checkPrivateKey(key)) ?? fail('the certificate does not match the private key');
  const now = input.now ?? new Date();
  const notAfter = new Date(certificate.validTo);
  const notBefore = new Date(certificate.validFrom);
  if (notAfter.getTime() < now.getTime()) fail(`certificate expired on ${notAfter.toISOString()} (${oneLine(certificate.subject)})`);
  if (notBefore.getTime() > now.getTime()) fail(`certificate is not valid before ${notBefore.toISOString()} (${oneLine(certificate.subject)})`);
  return {
    privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: certificate.toString(),
    subject: oneLine(certificate.subject),
    notAfter,
  };
}

/** Node prints one attribute per line; logs and messages want one line. */
function oneLine(subject: string): string {
  return subject.split('\n').filter(Boolean).join(', ');
}

interface KeyAndCertificates {
  key: KeyObject;
  certificates: X509Certificate[];
}

function readPfx(pfx: Buffer, password: string | undefined): KeyAndCertificates {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(pfx.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password ?? '');
  } catch (err) {
    const message = (err as Error).message;
    // forge's words for a failed MAC check (the integrity check keyed by the password) and, in a PFX without a
    // MAC, for a key bag that does not decrypt.
    if (/mac could not be verified|invalid password|wrong password/i.test(message)) fail('the PFX password is wrong', err);
    return fail(`the PFX file cannot be read (${message})`, err);
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const keyBag = keyBags[0] ?? fail('no private key in the PFX file');
  // forge decodes RSA keys only; any other algorithm leaves `key` empty.
  const forgeKey = keyBag.key ?? fail('the private key in the PFX file is not RSA; SUNAT signatures need an RSA key');
  const key = createPrivateKey(forge.pki.privateKeyToPem(forgeKey));
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const certificates = certBags.flatMap((bag) => (bag.cert ? [new X509Certificate(forge.pki.certificateToPem(bag.cert))] : []));
  if (certificates.length === 0) fail('no certificate in the PFX file');
  return { key, certificates };
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

function pemBlocks(pem: string): { label: string; text: string }[] {
  return [...pem.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1]!, text: m[0] }));
}

function readPem(input: SigningCredentialsInput): KeyAndCertificates {
  const keyText = input.keyPem ?? input.pem;
  const certText = input.certPem ?? input.pem;
  if (keyText === undefined && certText === undefined) fail('no credentials given: a PFX file or PEM text is needed');
  const keyBlock =
    pemBlocks(keyText ?? '').find((b) => b.label.endsWith('PRIVATE KEY')) ?? fail(`no private key in ${input.keyPem !== undefined ? 'the key PEM' : 'the PEM'}`);
  // Asked before OpenSSL is: without a passphrase it fails with an unhelpful "interrupted or cancelled".
  const encrypted = keyBlock.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(keyBlock.text);
  if (encrypted && input.password === undefined) fail('the private key is encrypted and no password was given');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: keyBlock.text, format: 'pem', passphrase: input.password });
  } catch (err) {
    const message = (err as Error).message;
    if (encrypted) fail(`the private key password is wrong (${message})`, err);
    return fail(`the private key cannot be read (${message})`, err);
  }
  const certificates = pemBlocks(certText ?? '')
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => {
      try {
        return new X509Certificate(b.text);
      } catch (err) {
        return fail(`a certificate in the PEM cannot be read (${(err as Error).message})`, err);
      }
    });
  if (certificates.length === 0) fail(`no certificate in ${input.certPem !== undefined ? 'the certificate PEM' : 'the PEM'}`);
  return { key, certificates };
}

export interface DemoCredentialsInput {
  ruc: string;
  legalName: string;
  validDays: number;
  /** Start of validity; defaults to now. */
  now?: Date;
}

/**
 * A fresh RSA 2048 key and a self-signed certificate for the issuer: enough for SUNAT's beta service and for the
 * sandbox (sunat.md B2), never for production, where SUNAT only trusts a certificate registered in SOL.
 * Node generates the key (native, a few tens of milliseconds; forge's pure-JS generation takes seconds) and forge
 * builds and signs the certificate, which Node cannot do.
 */
export function generateDemoCredentials(input: DemoCredentialsInput): SigningCredentials {
  if (!Number.isInteger(input.validDays) || input.validDays < 1) throw new RangeError(`validDays must be a positive integer, got ${input.validDays}`);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = input.now ?? new Date();
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  certificate.serialNumber = positiveSerial();
  // A minute of slack for clocks that run behind the one that made the certificate.
  certificate.validity.notBefore = new Date(now.getTime() - 60_000);
  certificate.validity.notAfter = new Date(now.getTime() + input.validDays * 86_400_000);
  // UTF8String, not forge's default PrintableString, which cannot hold Ñ or accents; forge encodes the value.
  const utf8 = (name: string, value: string): forge.pki.CertificateField => ({ name, value, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class });
  const subject: forge.pki.CertificateField[] = [
    { name: 'countryName', value: 'PE' },
    utf8('organizationName', input.legalName),
    utf8('organizationalUnitName', `RUC ${input.ruc}`),
    { type: '2.5.4.5', value: input.ruc }, // serialNumber attribute: the RUC, as Peruvian certificates carry it
    utf8('commonName', input.legalName),
  ];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  certificate.sign(forgeKey, forge.md.sha256.create());
  return loadSigningCredentials({
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certPem: forge.pki.certificateToPem(certificate),
    now,
  });
}

/**
 * 16 random bytes as a positive DER INTEGER: the first byte below 0x80 (no sign bit) and not zero (no padding
 * byte, which strict DER parsers reject).
 */
function positiveSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) || 0x01;
  return bytes.toString('hex');
}
