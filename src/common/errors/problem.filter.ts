import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { IdempotencyGate } from '../idempotency/idempotency-gate';
import { StoredResponse } from '../idempotency/stored-response';
import { requestIdFor } from '../http/request-id';
import { RouteTable } from '../http/route-table';
import { ApiError } from './api-error';
import { PROBLEM_CONTENT_TYPE, problemBody, toApiError } from './problem';

/**
 * The one place errors become HTTP responses: RFC 9457 problem+json with a stable `code` and the
 * request id. Unknown errors are logged with their stack and answered as a bare 500.
 */
@Catch()
@Injectable()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    private readonly routes: RouteTable,
    private readonly logger: PinoLogger,
    private readonly idempotency: IdempotencyGate,
  ) {
    this.logger.setContext('ProblemFilter');
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const requestId = requestIdFor(req, res);
    if (res.headersSent) {
      this.log(req, requestId).error({ err: exception }, 'error after the response started');
      return;
    }

    if (exception instanceof StoredResponse) {
      const contentType = exception.status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json; charset=utf-8';
      res.status(exception.status).setHeader('Idempotent-Replayed', 'true').type(contentType).send(exception.body);
      return;
    }

    const error = this.classify(exception, req);
    if (error.status >= 500) {
      this.log(req, requestId).error({ err: exception }, 'unhandled error');
    }
    // Under an Idempotency-Key the problem is stored as the key's answer on its way out, unless it came before
    // any effect: then the key is released first, and only then answered.
    const released = this.idempotency.beforeProblem(req, res, error.code);
    if (released) {
      released.then(() => this.answer(res, error, requestId)).catch((err: unknown) => this.log(req, requestId).error({ err }, 'answering the problem failed'));
    } else {
      this.answer(res, error, requestId);
    }
  }

  private answer(res: Response, error: ApiError, requestId: string): void {
    for (const [name, value] of Object.entries(error.extra.headers ?? {})) res.setHeader(name, value);
    if (error.status === 401 && !res.hasHeader('WWW-Authenticate')) {
      // RFC 9110 §15.5.2: a 401 names the scheme to use (RFC 6750 adds the error for a bad token).
      res.setHeader('WWW-Authenticate', error.code === 'invalid_api_key' ? 'Bearer realm="SmartPay", error="invalid_token"' : 'Bearer realm="SmartPay"');
    }
    res.status(error.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problemBody(error, requestId)));
  }

  /** The request's own logger (bound to its request_id by the access-log middleware), even outside Nest's middleware. */
  private log(req: Request, requestId: string): Pick<Logger, 'error'> {
    const own = (req as Request & { log?: Logger }).log;
    if (own) return own;
    return { error: (obj: object, msg: string) => this.logger.error({ ...obj, request_id: requestId }, msg) } as Pick<Logger, 'error'>;
  }

  private classify(exception: unknown, req: Request): ApiError {
    if (exception instanceof ApiError) return exception;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) {
        // Nest answers unmatched routes with a 404: say whether the path exists with other methods.
        const served = this.routes.allowedMethods(req.path);
        if (served) {
          // Express answers HEAD wherever it serves GET.
          const allowed = [...new Set(served.includes('GET') ? [...served, 'HEAD'] : served)].sort();
          return new ApiError('method_not_allowed', `${req.method} is not allowed here; use ${allowed.join(', ')}`, {
            headers: { Allow: allowed.join(', ') },
          });
        }
        return new ApiError('route_not_found', `No route ${req.method} ${req.path}`);
      }
      if (status === 413) return new ApiError('payload_too_large');
      if (status === 415) return new ApiError('unsupported_media_type');
      if (status === 401) return new ApiError('authentication_required');
      if (status === 429) return new ApiError('rate_limited');
      // Nest turns the router's URIError (a path parameter with a bad %-escape) and body-parser's
      // SyntaxError into a bare 400 (our own validation throws ApiError). The first is a malformed id.
      if (status === 400 && /^Failed to decode param/.test(exception.message)) {
        return this.routes.allowedMethods(req.path)
          ? new ApiError('resource_not_found', 'No such resource: the id in the path is malformed')
          : new ApiError('route_not_found', 'The path holds a malformed %-escape');
      }
      if (status === 400) return new ApiError('invalid_json', 'The request body could not be parsed as JSON');
    }
    return toApiError(exception);
  }
}
