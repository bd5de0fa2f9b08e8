import { createECDH, createPublicKey } from 'node:crypto';
import { generateVAPIDKeys } from 'web-push';

// VAPID (RFC 8292) application-server keys: a P-256 key pair, both halves base64url without padding, as the
// browser's `pushManager.subscribe({ applicationServerKey })` and the push services expect them.

export interface VapidKeyPair {
  publicKey: string;
  privateKey: string;
}

/** A fresh key pair (sandbox mode; production keys come from configuration and must not change). */
export function generateVapidKeys(): VapidKeyPair {
  const { publicKey, privateKey } = generateVAPIDKeys();
  return { publicKey, privateKey };
}

/**
 * Problems with configured VAPID keys and subject, as sentences for the startup report; empty when all is well.
 * The messages never repeat the keys themselves.
 */
export function validateVapidKeys(publicKey: string, privateKey: string, subject: string): string[] {
  const problems: string[] = [];

  const pub = decodeBase64Url(publicKey);
  if (pub === null) {
    problems.push('VAPID public key is not base64url (A-Z a-z 0-9 - _, no padding)');
  } else if (pub.length !== 65 || pub[0] !== 0x04) {
    problems.push(`VAPID public key must be an uncompressed P-256 point (65 bytes starting 0x04), got ${pub.length} bytes`);
  } else if (!isP256Point(pub)) {
    problems.push('VAPID public key is not a point on the P-256 curve');
  }

  const priv = decodeBase64Url(privateKey);
  let derivedPublic: Buffer | null = null;
  if (priv === null) {
    problems.push('VAPID private key is not base64url (A-Z a-z 0-9 - _, no padding)');
  } else if (priv.length !== 32) {
    problems.push(`VAPID private key must be 32 bytes, got ${priv.length} bytes`);
  } else {
    try {
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(priv);
      derivedPublic = ecdh.getPublicKey();
    } catch {
      problems.push('VAPID private key is not a valid P-256 private key');
    }
  }

  // A mismatched pair signs JWTs that no push service accepts (401): catch it at startup instead.
  if (problems.length === 0 && pub !== null && derivedPublic !== null && !derivedPublic.equals(pub)) {
    problems.push('VAPID private key does not belong to the VAPID public key');
  }

  problems.push(...subjectProblems(subject));
  return problems;
}

function subjectProblems(subject: string): string[] {
  let url: URL;
  try {
    url = new URL(subject);
  } catch {
    return ['VAPID subject must be a mailto: or https: URL (e.g. mailto:alerts@example.com)'];
  }
  if (url.protocol === 'mailto:') {
    return /^[^@\s]+@[^@\s]+$/.test(decodeURIComponent(url.pathname)) ? [] : ['VAPID subject mailto: URL has no e-mail address'];
  }
  if (url.protocol === 'https:') {
    // Apple's push service answers BadJwtToken to a localhost subject.
    return url.hostname === 'localhost' ? ['VAPID subject must not point at localhost (Apple rejects it)'] : [];
  }
  return [`VAPID subject must be a mailto: or https: URL, not ${url.protocol}`];
}

/** Strict base64url: only the URL-safe alphabet, no padding, and it must round-trip (no stray bits). */
export function decodeBase64Url(value: string): Buffer | null {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  const bytes = Buffer.from(value, 'base64url');
  return bytes.toString('base64url') === value ? bytes : null;
}

/** True when `point` (65 bytes, 0x04 | X | Y) lies on P-256; key import checks the curve equation. */
export function isP256Point(point: Buffer): boolean {
  if (point.length !== 65 || point[0] !== 0x04) return false;
  try {
    createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
      format: 'jwk',
    });
    return true;
  } catch {
    return false;
  }
}
