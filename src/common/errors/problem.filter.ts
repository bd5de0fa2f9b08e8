import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
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
  ) {
    this.logger.setContext('ProblemFilter');
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const requestId = requestIdFor(req, res);
    if (res.headersSent) {
      this.logger.error({ err: exception, request_id: requestId }, 'error after the response started');
      return;
    }

    if (exception instanceof StoredResponse) {
      const contentType = exception.status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json; charset=utf-8';
      res.status(exception.status).setHeader('Idempotent-Replayed', 'true').type(contentType).send(exception.body);
      return;
    }

    const error = this.classify(exception, req);
    if (error.status >= 500) {
      this.logger.error({ err: exception, request_id: requestId }, 'unhandled error');
    }
    for (const [name, value] of Object.entries(error.extra.headers ?? {})) res.setHeader(name, value);
    res.status(error.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problemBody(error, requestId)));
  }

  private classify(exception: unknown, req: Request): ApiError {
    if (exception instanceof ApiError) return exception;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) {
        // Nest answers unmatched routes with a 404: say whether the path exists with other methods.
        const allowed = this.routes.allowedMethods(req.path);
        if (allowed) {
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
      // Nest turns body-parser failures into a bare 400 (our own validation throws ApiError), so a
      // Nest 400 here is always a body that is not JSON.
      if (status === 400) return new ApiError('invalid_json', 'The request body could not be parsed as JSON');
    }
    return toApiError(exception);
  }
}
