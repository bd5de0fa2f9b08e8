import type { SimResponse } from '../sim-types';

/**
 * Postmark's API error codes (postmark.md A1, "API error codes"): the JSON `ErrorCode` beside the HTTP status.
 * The official client maps HTTP 422 + 300 to InvalidEmailRequestError and 422 + 406 to InactiveRecipientsError.
 */
export const PM_ERRORS = {
  invalidToken: 10,
  invalidEmailRequest: 300,
  senderSignatureNotFound: 400,
  senderSignatureNotConfirmed: 401,
  invalidJson: 402,
  incompatibleJson: 403,
  inactiveRecipient: 406,
  jsonRequired: 409,
  tooManyBatchMessages: 410,
  forbiddenAttachment: 411,
  /** [unconfirmed] The Messages API's "message not found" code; not in postmark.md. */
  messageNotFound: 701,
  /** [unconfirmed] "Template not found"; not in postmark.md's table, remembered from Postmark's templates API. */
  templateNotFound: 1101,
  /** [unconfirmed] "A required template field is missing / invalid"; not in postmark.md's table. */
  invalidTemplate: 1120,
} as const;

/**
 * What one message failed with: the body of a 422 for `/email`, one item of a batch answer. A class, so a
 * failure can never be mistaken for a caller's JSON that happens to carry an `ErrorCode` field.
 */
export class PmFailure {
  constructor(
    readonly ErrorCode: number,
    readonly Message: string,
    readonly status = 422,
  ) {}
}

export function failure(code: number, message: string, status = 422): PmFailure {
  return new PmFailure(code, message, status);
}

export function isFailure(value: unknown): value is PmFailure {
  return value instanceof PmFailure;
}

export function failureResponse(f: PmFailure): SimResponse {
  return { status: f.status, body: { ErrorCode: f.ErrorCode, Message: f.Message } };
}

export function pmError(status: number, code: number, message: string): SimResponse {
  return { status, body: { ErrorCode: code, Message: message } };
}

/** 401 for a missing or wrong X-Postmark-Server-Token (postmark.md A1). Wording is the simulator's own. */
export function invalidToken(missing: boolean): SimResponse {
  return pmError(
    401,
    PM_ERRORS.invalidToken,
    missing
      ? 'Request does not contain a valid Server token. Send it in the X-Postmark-Server-Token header.'
      : 'The Server Token you provided in the X-Postmark-Server-Token request header was invalid. Please verify that you are using a valid token.',
  );
}

/**
 * [unconfirmed] Postmark's bodies for unknown paths, for a 413 and for its own 500s are not documented; the
 * simulator answers its usual `{ ErrorCode, Message }` with ErrorCode 0 ("no API error code"), which is also
 * what the official client assumes when a body carries none.
 */
export function routeNotFound(method: string, path: string): SimResponse {
  return pmError(404, 0, `No such endpoint: ${method} ${path}.`);
}

export function methodNotAllowed(method: string, path: string): SimResponse {
  return pmError(405, 0, `The method ${method} is not allowed on ${path}.`);
}

export function payloadTooLarge(): SimResponse {
  return pmError(413, 0, 'Payload Too Large: the Email API takes at most 10 MB per message and 50 MB per batch, measured after base64 encoding.');
}

export function serverError(): SimResponse {
  return pmError(500, 0, 'Internal server error. The request was not processed; please retry later.');
}
