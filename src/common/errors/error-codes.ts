/**
 * Every stable error `code` SmartPay answers with, its HTTP status and title.
 * The OpenAPI document lists this catalogue; clients branch on `code`, never on `title` or `detail`.
 */
export const ERROR_CODES = {
  invalid_json: { status: 400, title: 'The request body is not valid JSON' },
  validation_error: { status: 400, title: 'The request is invalid' },
  card_data_not_allowed: { status: 400, title: 'Card numbers must never be sent to SmartPay' },
  unknown_credit_package: { status: 400, title: 'Unknown credit package' },
  gateway_required: { status: 400, title: 'Choose the gateway that issued the token' },
  gateway_not_supported: { status: 400, title: 'That gateway cannot take this payment' },
  webhook_url_not_allowed: { status: 400, title: 'Webhooks cannot be sent to that URL' },
  authentication_required: { status: 401, title: 'An API key is required' },
  invalid_api_key: { status: 401, title: 'The API key is not valid' },
  invalid_credentials: { status: 401, title: 'The e-mail or password is not right' },
  csrf_failed: { status: 403, title: 'The request did not carry the session’s CSRF token' },
  forbidden: { status: 403, title: 'Your role does not allow this action' },
  invalid_signature: { status: 401, title: 'The webhook signature or credentials are not valid' },
  card_declined: { status: 402, title: 'The card was declined by the gateway' },
  resource_not_found: { status: 404, title: 'Resource not found' },
  route_not_found: { status: 404, title: 'Route not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  duplicate_reference: { status: 409, title: 'An order with this reference already exists' },
  customer_email_taken: { status: 409, title: 'A customer with this e-mail already exists' },
  order_not_cancelable: { status: 409, title: 'The order cannot be canceled in its current status' },
  order_processing: { status: 409, title: 'A charge for this order is in flight' },
  order_already_paid: { status: 409, title: 'The order is already paid' },
  order_not_payable: { status: 409, title: 'The order can no longer be paid' },
  order_not_refundable: { status: 409, title: 'The order has no payment to refund' },
  charge_not_authenticatable: { status: 409, title: 'The charge is not awaiting 3-D Secure authentication' },
  payment_method_unusable: { status: 409, title: 'The saved payment method cannot be used for this charge' },
  webhook_endpoint_limit_reached: { status: 409, title: 'The app has as many webhook endpoints as allowed' },
  webhook_endpoint_disabled: { status: 409, title: 'The webhook endpoint is disabled' },
  alert_read_only: { status: 409, title: 'Deployment-wide alerts are managed by the operators' },
  alert_already_resolved: { status: 409, title: 'The alert is already resolved' },
  push_not_configured: { status: 409, title: 'Web Push is not configured on this deployment' },
  insufficient_credits: { status: 409, title: 'The customer does not have enough usable credits' },
  credits_grant_pending: { status: 409, title: "The purchase's credits have not been granted yet" },
  invoice_not_reissuable: { status: 409, title: 'Only a rejected document that nothing replaces yet can be issued again' },
  idempotency_request_in_progress: { status: 409, title: 'A request with this Idempotency-Key is still executing' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'The request body must be application/json' },
  idempotency_key_reused: { status: 422, title: 'This Idempotency-Key was used with a different request' },
  amount_exceeds_refundable: { status: 422, title: 'The amount is more than what can still be refunded' },
  credit_reference_reused: { status: 422, title: 'This reference was used for a different consumption' },
  credits_already_consumed: { status: 422, title: "The refund exceeds the unused part of the purchase's credits" },
  account_locked: { status: 423, title: 'The account is locked after repeated failed sign-ins' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal_error: { status: 500, title: 'Internal error' },
  gateway_error: { status: 502, title: 'The gateway answered with an error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
  gateway_unavailable: { status: 503, title: 'The gateway could not be reached' },
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
  'gateway_required',
  'gateway_not_supported',
  'webhook_url_not_allowed',
  'resource_not_found',
  'payload_too_large',
  'unsupported_media_type',
  // Nothing was debited: once the customer has credits again, the same request may succeed.
  'insufficient_credits',
  'credits_already_consumed',
  'credits_grant_pending',
]);
