import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ApiError } from '../errors/api-error';
import { PROBLEM_CONTENT_TYPE, problemBody, toApiError } from '../errors/problem';
import { requestIdFor } from './request-id';

type Handle = (req: IncomingMessage, res: ServerResponse, done?: (err?: unknown) => void) => void;

/**
 * Express hands a request that no layer took to its `finalhandler`, which answers in HTML. Nest's
 * own not-found and error handlers normally come first, but the router skips every layer when it
 * cannot parse the URL at all (`//host?a=b@c` has no pathname). Answer those as problem+json too.
 */
export function answerFallthroughAsProblems(expressApp: object, logger: Logger): void {
  // `handle` is Express's internal entry point (not in its typings); the app function calls it per request.
  const express = expressApp as { handle: Handle };
  const handle = express.handle.bind(express);
  express.handle = (req, res, done) =>
    handle(req, res, done ?? ((err?: unknown) => answer(err, req, res, logger)));
}

function answer(err: unknown, req: IncomingMessage, res: ServerResponse, logger: Logger): void {
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  const requestId = requestIdFor(req, res);
  const error = err === undefined ? new ApiError('route_not_found', 'No route matches this URL') : toApiError(err);
  if (error.status >= 500) logger.error({ err, request_id: requestId }, 'unhandled error outside the router');
  const body = JSON.stringify(problemBody(error, requestId));
  res.statusCode = error.status;
  res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(req.method === 'HEAD' ? undefined : body);
}
