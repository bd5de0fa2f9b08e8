/**
 * The sandbox push service's self-signed certificate is DER built by hand: every one must parse. A
 * non-minimal serial number (a leading zero byte) made OpenSSL refuse one certificate in 256 ("illegal
 * padding"), which failed a test app's start now and then; 2,000 certificates make such a rate visible.
 */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../src/sandbox/push/push-certificate';

describe('sandbox push certificate', () => {
  it('2,000 fresh certificates all parse, with the host and loopback names, valid now', () => {
    const now = Date.now();
    for (let i = 0; i < 2000; i++) {
      const { cert } = selfSignedCertificate('127.0.0.1', now);
      const x509 = new X509Certificate(cert);
      expect(x509.serialNumber).toMatch(/^[4-7][0-9A-F]{15}$/);
      if (i === 0) {
        expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');
        expect(x509.subjectAltName).toContain('DNS:localhost');
        expect(Date.parse(x509.validFrom)).toBeLessThanOrEqual(now);
        expect(Date.parse(x509.validTo)).toBeGreaterThan(now);
        expect(x509.verify(x509.publicKey)).toBe(true);
      }
    }
  });
});
