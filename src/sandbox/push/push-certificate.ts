import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

// A throwaway TLS certificate for the push simulator's listener, built with node:crypto only (a minimal
// self-signed X.509 v3, DER by hand): push senders (web-push) only speak HTTPS, and the sandbox must not
// depend on openssl being installed. SmartPay trusts it through the `ca` of the sandbox description.

export interface PushCertificate {
  /** PKCS#8 PEM private key of the listener. */
  key: string;
  /** PEM certificate: what a client passes as `new https.Agent({ ca })`. */
  cert: string;
}

/** A standalone sandbox may run for days; the certificate is made at each start, so a long life costs nothing. */
const VALIDITY_MS = 365 * 24 * 3_600_000;

/**
 * A certificate for `host` (an IPv4/IPv6 address or a name), plus 127.0.0.1 and localhost, whose
 * subjectAltName TLS hostname checks need (the common name alone is ignored for IP addresses).
 */
export function selfSignedCertificate(host: string, now = Date.now()): PushCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsaWithSha256 = der(0x30, Buffer.from('06082a8648ce3d040302', 'hex'));
  const commonName = der(0x0c, Buffer.from('SmartPay sandbox push service', 'utf8'));
  const name = der(0x30, der(0x31, der(0x30, Buffer.from('0603550403', 'hex'), commonName)));
  const validity = der(0x30, utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + VALIDITY_MS)));
  const serial = randomBytes(8);
  // A positive INTEGER in minimal DER: the top bit clear (positive) and the first byte never zero — a
  // leading 0x00 before a byte < 0x80 is "illegal padding" to OpenSSL, which failed one start in 256.
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const san = der(0x30, Buffer.from('0603551d11', 'hex'), der(0x04, der(0x30, ...altNames(host))));
  const tbs = der(
    0x30,
    der(0xa0, der(0x02, Buffer.from([2]))), // version v3
    der(0x02, serial),
    ecdsaWithSha256,
    name,
    validity,
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    der(0xa3, der(0x30, san)),
  );
  const signature = sign('sha256', tbs, privateKey); // DER-encoded ECDSA-Sig-Value, as X.509 wants
  const cert = der(0x30, tbs, ecdsaWithSha256, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const lines = cert.toString('base64').match(/.{1,64}/g) ?? [];
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    cert: `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`,
  };
}

/** GeneralNames entries: [7] iPAddress (4 or 16 bytes) or [2] dNSName. */
function altNames(host: string): Buffer[] {
  const hosts = [...new Set([host, '127.0.0.1', 'localhost'])];
  return hosts.map((h) => {
    if (isIPv4(h)) return der(0x87, Buffer.from(h.split('.').map(Number)));
    if (isIPv6(h)) return der(0x87, ipv6Bytes(h));
    return der(0x82, Buffer.from(h, 'ascii'));
  });
}

/** The 16 bytes of a textual IPv6 address (`::` shorthand and a trailing dotted IPv4 part included). */
function ipv6Bytes(text: string): Buffer {
  const groups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [head = '', tail] = text.split('::');
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(group, i * 2));
  return bytes;
}

function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

function utcTime(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ → YYMMDDHHMMSSZ
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return der(0x17, Buffer.from(text, 'ascii'));
}
