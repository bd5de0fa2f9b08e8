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
