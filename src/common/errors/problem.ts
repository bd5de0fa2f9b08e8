import { ApiError } from './api-error';
import { ERROR_CODES, type ErrorCode } from './error-codes';

/** RFC 9457 problem details, as every SmartPay error body. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  request_id: string;
  param?: string;
  errors?: { param: string; message: string }[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
const TYPE_BASE = 'https://docs.smartpay.pe/errors/';

/** Errors raised by the HTTP stack (body-parser, express) carry a `type`/`status` we translate here. */
interface HttpLayerError {
  type?: string;
  status?: number;
  statusCode?: number;
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = (err ?? {}) as HttpLayerError;
  switch (e.type) {
    case 'entity.parse.failed':
      return new ApiError('invalid_json', 'The request body could not be parsed as JSON');
    case 'entity.too.large':
      return new ApiError('payload_too_large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError('unsupported_media_type', 'Unsupported body encoding or charset');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new ApiError('invalid_json', 'The request body was incomplete');
    default:
      break;
  }
  const status = e.status ?? e.statusCode;
  if (status === 413) return new ApiError('payload_too_large');
  if (status === 400) return new ApiError('invalid_json', 'Malformed request');
  return new ApiError('internal_error', 'An unexpected error occurred; quote the request_id when asking for help');
}

export function problemBody(error: ApiError, requestId: string): Problem {
  const problem: Problem = {
    type: TYPE_BASE + error.code,
    title: ERROR_CODES[error.code].title,
    status: error.status,
    detail: error.detail ?? ERROR_CODES[error.code].title,
    code: error.code,
    request_id: requestId,
  };
  if (error.extra.param !== undefined) problem.param = error.extra.param;
  if (error.extra.errors !== undefined) problem.errors = error.extra.errors;
  return problem;
}
