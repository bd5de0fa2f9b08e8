import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an `Authorization: Basic …` header carries exactly `user:password`. Compared as SHA-256
 * digests in constant time, so neither the length nor the content leaks through timing.
 */
export function verifyBasicAuth(authorizationHeader: string | string[] | null | undefined, user: string, password: string): boolean {
  const header = Array.isArray(authorizationHeader) ? authorizationHeader[0] : authorizationHeader;
  if (!header || !user) return false;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header.trim());
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1], 'base64').toString('utf8');
  return timingSafeEqual(digest(given), digest(`${user}:${password}`));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
