import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../errors/api-error';

/**
 * NUL characters are refused in /v1 bodies and query strings: no field has a use for them, and the
 * SQLite driver cuts SQL text at a NUL, which would turn a bad input into a server error.
 */
export function rejectNulCharacters(req: Request, _res: Response, next: NextFunction): void {
  const where = findNul(req.body, '') ?? findNul(req.query, 'query');
  if (where !== null) {
    next(ApiError.validation([{ param: where, message: 'must not contain NUL characters' }]));
    return;
  }
  next();
}

function findNul(value: unknown, path: string): string | null {
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0) {
    const [current, at] = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return at || '(body)';
    } else if (Array.isArray(current)) {
      current.forEach((v, i) => stack.push([v, `${at}[${i}]`]));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, v] of Object.entries(current)) {
        const child = at ? `${at}.${key}` : key;
        if (key.includes('\u0000')) return at || '(body)';
        stack.push([v, child]);
      }
    }
  }
  return null;
}
