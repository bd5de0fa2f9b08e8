import { asRecord, booleanField, stringField, textField, type JsonRecord } from '../json-input';
import type { SimRouter } from '../sim-router';
import type { SimRequest, SimResponse } from '../sim-types';
import { idempotencyKey, withIdempotency, type MpContext } from './mp-context';
import { badRequest, mpError, notFound } from './mp-errors';
import type { PaymentRecord } from './mp-objects';
import { applyOutcome, buildPayment, type PaymentInput } from './mp-payment-builder';
import { MP_3DS_CARDS, outcomeForCardholder, paymentMethodForBin } from './mp-test-cards';
import { expireChallenges, startChallenge } from './mp-three-ds';
import { decimalToCents } from './mp-values';

const SORT_FIELDS = ['date_created', 'date_approved', 'date_last_updated', 'money_release_date'];

function validNotificationUrl(value: string): boolean {
  if (value.length > 500) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Reads and validates POST /v1/payments (mercadopago.md §2); the answer on failure mirrors the API's causes. */
function readPaymentRequest(ctx: MpContext, body: JsonRecord): Omit<PaymentInput, 'method' | 'issuerId' | 'token'> & { tokenId: string; methodId: string; issuerId?: string; threeDs: boolean } | SimResponse {
  if (body.transaction_amount === undefined || body.transaction_amount === null) return badRequest(4002, 'transaction_amount attribute can\'t be null');
  if (typeof body.transaction_amount !== 'number') return badRequest(4003, 'transaction_amount attribute must be numeric');
  const amountCents = decimalToCents(body.transaction_amount);
  if (amountCents === null) return badRequest(4037, 'Invalid transaction_amount');
  if (body.currency_id !== undefined && body.currency_id !== 'PEN') return badRequest(4037, 'Invalid transaction_amount', 'Mercado Pago Peru only charges in PEN (currency_id)');
  const tokenId = stringField(body, 'token');
  if (!tokenId) return badRequest(3003, 'Invalid card_token_id');
  const methodId = stringField(body, 'payment_method_id');
  if (!methodId) return badRequest(2131, 'Cannot infer Payment Method');
  const installments = body.installments;
  if (typeof installments !== 'number' || !Number.isInteger(installments) || installments < 1 || installments > 36) {
    return badRequest(4000, 'installments attribute must be a positive integer');
  }
  const payer = asRecord(body.payer);
  const email = stringField(payer, 'email');
  if (!payer || !email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return badRequest(4050, 'payer.email must be a valid email');
  const notificationUrl = body.notification_url === undefined || body.notification_url === null ? null : stringField(body, 'notification_url');
  if (notificationUrl === undefined || (notificationUrl !== null && !validNotificationUrl(notificationUrl))) {
    return badRequest(4020, 'notification_url attribute must be url valid');
  }
  const mode = body.three_d_secure_mode ?? 'not_supported';
  if (mode !== 'not_supported' && mode !== 'optional') return badRequest(1, 'Params Error', 'three_d_secure_mode must be not_supported or optional');
  const metadata = body.metadata === undefined || body.metadata === null ? {} : asRecord(body.metadata);
  if (!metadata) return badRequest(4022, 'metadata must be a valid JSON');
  const capture = body.capture === undefined ? true : booleanField(body, 'capture');
  const binaryMode = body.binary_mode === undefined ? false : booleanField(body, 'binary_mode');
  if (capture === undefined || binaryMode === undefined) return badRequest(1, 'Params Error', 'capture and binary_mode must be booleans');
  const externalReference = body.external_reference === undefined || body.external_reference === null ? null : textField(body, 'external_reference');
  if (externalReference === undefined || (externalReference !== null && externalReference.length > 256)) return badRequest(1, 'Params Error', 'invalid external_reference');
  return {
    amountCents,
    description: stringField(body, 'description') ?? null,
    installments,
    payer: { ...payer },
    externalReference,
    notificationUrl,
    metadata: { ...metadata },
    statementDescriptor: stringField(body, 'statement_descriptor') ?? null,
    capture,
    binaryMode,
    tokenId,
    methodId,
    issuerId: textField(body, 'issuer_id'),
    threeDs: mode === 'optional',
  };
}

function createPayment(ctx: MpContext, req: SimRequest): SimResponse {
  const body = asRecord(req.body);
  if (!body) return badRequest(1, 'Params Error', 'invalid body');
  const input = readPaymentRequest(ctx, body);
  if ('status' in input) return input;
  const token = ctx.store.tokens.get(input.tokenId);
  if (!token) return badRequest(2006, 'Card Token not found');
  if (token.used || ctx.now() - token.createdAt > ctx.tokenTtlMs) return badRequest(3003, 'Invalid card_token_id');
  const method = paymentMethodForBin(token.cardNumber);
  if (!method || method.id !== input.methodId) return badRequest(3028, 'Invalid payment_method_id', `payment_method_id ${input.methodId} does not match the card`);

  const record = buildPayment(ctx, { ...input, method, issuerId: input.issuerId ?? String(method.issuer.id), token });
  token.used = true;
  token.token.status = 'used';
  token.token.date_used = record.json.date_created as string;
  const threeDs = MP_3DS_CARDS[token.cardNumber];
  if (input.threeDs && threeDs) {
    record.threeDs = threeDs;
    startChallenge(ctx, record);
  } else {
    const outcome = outcomeForCardholder(token.token.cardholder.name);
    applyOutcome(ctx, record, outcome.status === 'approved' && !input.capture ? { status: 'authorized', status_detail: 'pending_capture' } : outcome);
  }
  ctx.store.payments.add(record);
  ctx.notify(record, 'payment.created');
  return { status: 201, body: structuredClone(record.json) };
}

function findPayment(ctx: MpContext, id: string): PaymentRecord | SimResponse {
  expireChallenges(ctx);
  const record = /^\d{1,19}$/.test(id) ? ctx.store.payments.get(id) : undefined;
  return record ?? notFound(2000, 'Payment not found');
}

/** GET /v1/payments/search: filters, sort/criteria, limit/offset and the `{ paging, results }` envelope. */
function searchPayments(ctx: MpContext, req: SimRequest): SimResponse {
  expireChallenges(ctx);
  const q = req.query;
  const sort = q.get('sort') ?? 'date_created';
  if (!SORT_FIELDS.includes(sort)) return badRequest(1003, 'Invalid sort');
  const criteria = q.get('criteria') ?? 'desc';
  if (criteria !== 'asc' && criteria !== 'desc') return badRequest(1004, 'Invalid criteria');
  const limit = Number(q.get('limit') ?? 30);
  const offset = Number(q.get('offset') ?? 0);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000 || !Number.isInteger(offset) || offset < 0) return badRequest(1, 'Params Error', 'invalid limit or offset');
  const range = q.get('range') ?? 'date_created';
  if (!SORT_FIELDS.includes(range)) return badRequest(1, 'Params Error', 'invalid range');
  const bound = (name: string): number | null | undefined => {
    const text = q.get(name);
    if (text === null) return undefined;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : ms;
  };
  const begin = bound('begin_date');
  const end = bound('end_date');
  if (begin === null || end === null) return badRequest(1001, 'bad date format');

  const dateOf = (r: PaymentRecord, field: string): number | null => {
    const value = r.json[field];
    return typeof value === 'string' ? Date.parse(value) : null;
  };
  const filtered = ctx.store.payments.all().filter((r) => {
    if (q.get('external_reference') !== null && r.json.external_reference !== q.get('external_reference')) return false;
    if (q.get('status') !== null && r.json.status !== q.get('status')) return false;
    if (q.get('id') !== null && String(r.json.id) !== q.get('id')) return false;
    if (begin !== undefined || end !== undefined) {
      const at = dateOf(r, range);
      if (at === null || (begin !== undefined && at < begin) || (end !== undefined && at > end)) return false;
    }
    return true;
  });
  // Stable on creation order so equal timestamps keep a deterministic order.
  const sorted = filtered
    .map((r, i) => ({ r, i, at: dateOf(r, sort) ?? -Infinity }))
    .sort((a, b) => (a.at === b.at ? a.i - b.i : a.at - b.at))
    .map((x) => x.r);
  if (criteria === 'desc') sorted.reverse();
  return {
    status: 200,
    body: { paging: { total: sorted.length, limit, offset }, results: sorted.slice(offset, offset + limit).map((r) => structuredClone(r.json)) },
  };
}

/** PUT /v1/payments/{id}: capture `{ capture: true, transaction_amount? }` or cancel `{ status: "cancelled" }`. */
function updatePayment(ctx: MpContext, req: SimRequest, record: PaymentRecord): SimResponse {
  const body = asRecord(req.body);
  if (!body) return badRequest(1, 'Params Error', 'invalid body');
  const status = record.json.status;
  if (body.status !== undefined) {
    if (body.status !== 'cancelled') return badRequest(2016, 'Invalid status for update');
    if (!['pending', 'in_process', 'authorized'].includes(status)) return badRequest(2018, 'Action not allowed for the current payment status', `payment is ${status}`);
    applyOutcome(ctx, record, { status: 'cancelled', status_detail: 'by_collector' });
  } else if (body.capture === true) {
    if (status !== 'authorized') return badRequest(2018, 'Action not allowed for the current payment status', `payment is ${status}`);
    if (body.transaction_amount !== undefined) {
      const cents = decimalToCents(body.transaction_amount);
      if (cents === null || cents > record.amountCents) return badRequest(2017, 'Invalid transaction_amount for update');
      record.amountCents = cents;
    }
    applyOutcome(ctx, record, { status: 'approved', status_detail: 'accredited' });
  } else if (body.metadata !== undefined) {
    const metadata = asRecord(body.metadata);
    if (!metadata) return badRequest(4022, 'metadata must be a valid JSON');
    record.json.metadata = { ...(record.json.metadata as Record<string, unknown>), ...metadata };
  } else {
    return badRequest(1, 'Params Error', 'nothing to update');
  }
  ctx.notify(record, 'payment.updated');
  return { status: 200, body: structuredClone(record.json) };
}

export function registerPaymentRoutes(router: SimRouter, ctx: MpContext): void {
  router.add('POST', '/v1/payments', (req) => {
    const denied = ctx.authorize(req);
    if (denied) return denied;
    const key = idempotencyKey(req);
    if (key === undefined) return mpError(400, 'bad_request', "Header X-Idempotency-Key can't be null", [{ code: 1, description: "Header X-Idempotency-Key can't be null" }]);
    return withIdempotency(ctx, req, key, () => createPayment(ctx, req));
  });

  router.add('GET', '/v1/payments/search', (req) => ctx.authorize(req) ?? searchPayments(ctx, req));

  router.add('GET', '/v1/payments/:id', (req) => {
    const denied = ctx.authorize(req);
    if (denied) return denied;
    const record = findPayment(ctx, req.params.id ?? '');
    return 'json' in record ? { status: 200, body: structuredClone(record.json) } : record;
  });

  router.add('PUT', '/v1/payments/:id', (req) => {
    const denied = ctx.authorize(req);
    if (denied) return denied;
    const record = findPayment(ctx, req.params.id ?? '');
    if (!('json' in record)) return record;
    return withIdempotency(ctx, req, idempotencyKey(req), () => updatePayment(ctx, req, record));
  });
}
