import { ERROR_CODES, type ErrorCode } from './error-codes';

export interface FieldError {
  param: string;
  message: string;
}

/**
 * A known, expected failure with a stable code. The global filter renders it as problem+json;
 * anything thrown that is not an ApiError becomes a 500 `internal_error` without details.
 */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly extra: { param?: string; errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? ERROR_CODES[code].title);
    this.name = 'ApiError';
    this.status = ERROR_CODES[code].status;
  }

  static notFound(what = 'resource'): ApiError {
    return new ApiError('resource_not_found', `No such ${what}`);
  }

  static validation(errors: FieldError[]): ApiError {
    const first = errors[0];
    const detail = errors.map((e) => `${e.param}: ${e.message}`).join('; ');
    return new ApiError('validation_error', detail, { param: first?.param, errors });
  }
}
