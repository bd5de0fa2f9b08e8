import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { PushRejection } from './push-rejection';

// RFC 8292 VAPID, checked as a push service does: `Authorization: vapid t=<ES256 JWT>, k=<public key>`.
// Written from the RFC (not shared with SmartPay's sender), so it independently checks what goes on the wire.

export interface VapidClaims {
  aud: string;
  exp: number;
  sub: string;
  [claim: string]: unknown;
}

export interface VerifiedVapid {
  claims: VapidClaims;
  /** The `k` parameter, base64url: the application server key the JWT verified with. */
  publicKey: string;
}

/** RFC 8292 §2: exp no more than 24 hours after the request. */
const MAX_JWT_LIFETIME_SECONDS = 24 * 60 * 60;

/**
 * The P-256 key of a base64url uncompressed point (65 bytes, 0x04 | X | Y), or null when it is not one;
 * importing as a JWK makes node check the point lies on the curve.
 */
export function p256PublicKey(base64url: string): KeyObject | null {
  if (!/^[A-Za-z0-9_-]+$/.test(base64url)) return null;
  const point = Buffer.from(base64url, 'base64url');
  if (point.length !== 65 || point[0] !== 0x04) return null;
  try {
    return createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return null;
  }
}

/** Verifies the header against the push resource's origin and `nowSeconds`; throws a 401 PushRejection. */
export function verifyVapid(authorization: string | undefined, origin: string, nowSeconds: number): VerifiedVapid {
  // §3: Authorization: vapid t=<JWT>, k=<base64url uncompressed P-256 public key>
  if (!authorization) throw new PushRejection(401, 'missing Authorization header');
  const scheme = /^vapid\s+(.*)$/i.exec(authorization);
  if (!scheme) throw new PushRejection(401, 'Authorization scheme is not vapid');
  const params = new Map<string, string>();
  for (const part of (scheme[1] ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const token = params.get('t');
  const k = params.get('k');
  if (!token || !k) throw new PushRejection(401, 'vapid Authorization needs both t and k');

  // §3.2: k is the uncompressed point.
  const point = Buffer.from(k, 'base64url');
  if (point.length !== 65 || point[0] !== 0x04) throw new PushRejection(401, 'k is not an uncompressed P-256 point');
  const key = p256PublicKey(k);
  if (!key) throw new PushRejection(401, 'k is not a point on P-256');

  // §2 + RFC 7515: header.claims.signature, ES256 = ECDSA P-256 SHA-256 with the raw 64-byte r||s signature.
  const parts = token.split('.');
  if (parts.length !== 3) throw new PushRejection(401, 'JWT does not have three parts');
  const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];
  const header = parseJsonPart(headerPart, 'JWT header');
  if (header.typ !== 'JWT' || header.alg !== 'ES256') {
    throw new PushRejection(401, `JWT header must be typ JWT / alg ES256, got ${String(header.typ)} / ${String(header.alg)}`);
  }
  const signature = Buffer.from(signaturePart, 'base64url');
  if (signature.length !== 64) throw new PushRejection(401, `JWT signature is ${signature.length} bytes, ES256 needs 64 (r||s)`);
  const signed = Buffer.from(`${headerPart}.${claimsPart}`, 'ascii');
  if (!verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, signature)) {
    throw new PushRejection(401, 'JWT signature does not verify with k');
  }

  // §2: aud is the push resource's origin, exp no more than 24 h ahead, sub a contact URI.
  const claims = parseJsonPart(claimsPart, 'JWT claims');
  if (claims.aud !== origin) throw new PushRejection(401, `JWT aud ${String(claims.aud)} is not ${origin}`);
  if (typeof claims.exp !== 'number' || !Number.isInteger(claims.exp)) throw new PushRejection(401, 'JWT exp is not an integer');
  if (claims.exp <= nowSeconds) throw new PushRejection(401, 'JWT has expired');
  if (claims.exp > nowSeconds + MAX_JWT_LIFETIME_SECONDS) throw new PushRejection(401, 'JWT exp is more than 24 hours ahead');
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) {
    throw new PushRejection(401, 'JWT sub is not a mailto: or https: URI');
  }
  return { claims: claims as VapidClaims, publicKey: k };
}

function parseJsonPart(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // not JSON: reported below like any other malformed part
  }
  throw new PushRejection(401, `${what} is not a base64url JSON object`);
}
