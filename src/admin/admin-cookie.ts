import type { Response } from 'express';

export const SESSION_COOKIE = 'smartpay_admin';

/** One cookie's value from a Cookie header (the dashboard reads no other cookie). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * HttpOnly (page scripts never see it), SameSite=Strict (no other site's page can make the browser send
 * it), Path=/admin (the public API never receives it), Secure behind TLS. No Max-Age: the server-side
 * expiry is the one that counts, and the cookie leaves with the browser session.
 */
export function setSessionCookie(res: Response, token: string, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/admin', secure });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/admin', secure });
}
