/**
 * Every stable error `code` SmartPay answers with, its HTTP status and title.
 * The OpenAPI document lists this catalogue; clients branch on `code`, never on `title` or `detail`.
 */
export const ERROR_CODES = {
  invalid_json: { status: 400, title: 'The request body is not valid JSON' },
  validation_error: { status: 400, title: 'The request is invalid' },
  card_data_not_allowed: { status: 400, title: 'Card numbers must never be sent to SmartPay' },
  unknown_credit_package: { status: 400, title: 'Unknown credit package' },
  authentication_required: { status: 401, title: 'An API key is required' },
  invalid_api_key: { status: 401, title: 'The API key is not valid' },
  resource_not_found: { status: 404, title: 'Resource not found' },
  route_not_found: { status: 404, title: 'Route not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  duplicate_reference: { status: 409, title: 'An order with this reference already exists' },
  customer_email_taken: { status: 409, title: 'A customer with this e-mail already exists' },
  order_not_cancelable: { status: 409, title: 'The order cannot be canceled in its current status' },
  idempotency_request_in_progress: { status: 409, title: 'A request with this Idempotency-Key is still executing' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'The request body must be application/json' },
  idempotency_key_reused: { status: 422, title: 'This Idempotency-Key was used with a different request' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal_error: { status: 500, title: 'Internal error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Failures that happen before any effect (input rejected as such). An idempotent request that ends in
 * one of these is not stored, so the client may fix the request and send it again with the same key.
 */
export const PRE_EFFECT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'invalid_json',
  'validation_error',
  'card_data_not_allowed',
  'unknown_credit_package',
  'resource_not_found',
  'payload_too_large',
  'unsupported_media_type',
]);
