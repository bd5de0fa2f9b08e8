import type { NextFunction, Request, Response } from 'express';
import { findCardData } from '../card-data';
import { ApiError } from '../errors/api-error';

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** A request body must be JSON (415 otherwise); body-less POSTs (cancel, rotate) need no type. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (BODY_METHODS.has(req.method) && hasBody(req)) {
    const type = req.headers['content-type'];
    if (type === undefined || !JSON_TYPE.test(type)) {
      next(new ApiError('unsupported_media_type', 'Send the body as application/json'));
      return;
    }
  }
  next();
}

/** No request schema nests deeper than a few levels; this bound keeps recursive walkers off deep input. */
export const MAX_BODY_DEPTH = 32;

/** The nesting depth of a parsed JSON value (iterative, so arbitrarily deep input cannot overflow the stack). */
export function jsonDepth(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Refuses bodies nested deeper than MAX_BODY_DEPTH before anything walks them (card scan, fingerprint, validation). */
export function limitBodyDepth(req: Request, _res: Response, next: NextFunction): void {
  if (req.body !== undefined && jsonDepth(req.body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
    next(ApiError.validation([{ param: '(body)', message: `nested more than ${MAX_BODY_DEPTH} levels deep` }]));
    return;
  }
  next();
}

/** Refuses any /v1 body holding a card number (api.md, "card data"); the value is never echoed or logged. */
export function rejectCardData(req: Request, _res: Response, next: NextFunction): void {
  const where = req.body === undefined ? null : findCardData(req.body);
  if (where !== null) {
    next(
      new ApiError('card_data_not_allowed', 'Card numbers must be tokenized at the gateway; send the token instead', {
        param: where,
      }),
    );
    return;
  }
  next();
}
