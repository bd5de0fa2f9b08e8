import { asRecord, booleanField, integerField, stringField, type JsonRecord } from '../json-input';
import type { SimRouter } from '../sim-router';
import type { SimRequest, SimResponse } from '../sim-types';
import { decideCard, REVIEW_BODY } from './culqi-card-decision';
import { approvedCharge, creationView, declinedCharge, isDeclined, type ChargeInput } from './culqi-charge-builder';
import { isEmail, isResponse, readMetadata, type CulqiContext } from './culqi-context';
import { chargeEventData } from './culqi-event-data';
import { listPage } from './culqi-list';
import type { CardRecord, CulqiCharge, TokenRecord } from './culqi-objects';
import { consumeToken, usableToken } from './culqi-token-routes';

const CURRENCIES = ['PEN', 'USD'];

type Source = { kind: 'card_token'; record: TokenRecord } | { kind: 'yape'; record: TokenRecord } | { kind: 'saved_card'; record: CardRecord };

function resolveSource(ctx: CulqiContext, sourceId: string): Source | SimResponse {
  if (sourceId.startsWith('crd_')) {
    const record = ctx.store.cards.get(sourceId);
    if (!record || record.deleted) return ctx.errors.parameter('source_id', `La tarjeta ${sourceId} no existe o fue eliminada.`, 'invalid_source_id');
    return { kind: 'saved_card', record };
  }
  if (sourceId.startsWith('tkn_') || sourceId.startsWith('ype_')) {
    const record = usableToken(ctx, sourceId, 'source_id');
    if (isResponse(record)) return record;
    return record.token.type === 'yape' ? { kind: 'yape', record } : { kind: 'card_token', record };
  }
  return ctx.errors.parameter('source_id', "El campo 'source_id' debe ser un token (tkn_, ype_) o una tarjeta (crd_).", 'invalid_source_id');
}

/** Validates the documented request fields of POST /v2/charges (culqi.md §4.3). */
function readChargeRequest(ctx: CulqiContext, body: JsonRecord): (Omit<ChargeInput, 'source'> & { sourceId: string }) | SimResponse {
  const amount = integerField(body, 'amount');
  if (amount === undefined || amount < 300 || amount > 999_900) {
    return ctx.errors.parameter('amount', "El campo 'amount' es inválido. Debe ser un entero en céntimos entre 300 y 999900.");
  }
  const currencyCode = stringField(body, 'currency_code');
  if (!currencyCode || !CURRENCIES.includes(currencyCode)) return ctx.errors.parameter('currency_code', "El campo 'currency_code' debe ser PEN o USD.");
  const email = stringField(body, 'email');
  if (!isEmail(email)) return ctx.errors.parameter('email', "El campo 'email' es inválido.");
  const sourceId = stringField(body, 'source_id');
  if (!sourceId) return ctx.errors.parameter('source_id', "El campo 'source_id' es obligatorio.", 'invalid_source_id');
  const description = body.description === undefined || body.description === null ? null : stringField(body, 'description');
  if (description === undefined || (description !== null && (description.length < 5 || description.length > 80))) {
    return ctx.errors.parameter('description', "El campo 'description' debe tener entre 5 y 80 caracteres.");
  }
  const installments = body.installments === undefined || body.installments === null ? 0 : integerField(body, 'installments');
  if (installments === undefined || installments < 0 || installments > 48) return ctx.errors.parameter('installments', "El campo 'installments' es inválido.");
  const capture = body.capture === undefined ? true : booleanField(body, 'capture');
  if (capture === undefined) return ctx.errors.parameter('capture', "El campo 'capture' debe ser booleano.");
  const metadata = readMetadata(ctx, body);
  if (isResponse(metadata)) return metadata;
  const antifraud = body.antifraud_details === undefined ? undefined : asRecord(body.antifraud_details);
  if (body.antifraud_details !== undefined && !antifraud) return ctx.errors.parameter('antifraud_details', "El campo 'antifraud_details' debe ser un objeto.");
  return { amount, currencyCode, email, description, installments, capture, metadata, antifraud, sourceId };
}

function createCharge(ctx: CulqiContext, req: SimRequest): SimResponse {
  const body = asRecord(req.body);
  if (!body) return ctx.errors.invalidRequest();
  const input = readChargeRequest(ctx, body);
  if (isResponse(input)) return input;
  const source = resolveSource(ctx, input.sourceId);
  if (isResponse(source)) return source;

  if (source.kind === 'yape') {
    if (input.currencyCode !== 'PEN') return ctx.errors.parameter('currency_code', 'Yape solo acepta cargos en PEN.');
    if (source.record.token.amount !== input.amount) {
      return ctx.errors.parameter('amount', `El monto del cargo debe ser igual al monto aprobado en Yape (${source.record.token.amount}).`);
    }
    const charge = approvedCharge(ctx, { ...input, source: structuredClone(source.record.token) as unknown as Record<string, unknown> });
    consumeToken(source.record);
    return finish(ctx, charge);
  }

  const card =
    source.kind === 'card_token'
      ? { cardNumber: source.record.cardNumber ?? '', expMonth: source.record.expMonth ?? 0, expYear: source.record.expYear ?? 0, email: source.record.token.email ?? undefined }
      : { cardNumber: source.record.cardNumber, expMonth: source.record.expMonth, expYear: source.record.expYear, email: source.record.email };
  const iin = source.kind === 'card_token' ? source.record.token.iin : source.record.card.source.iin;
  const allowed = (iin?.installments_allowed as number[] | null | undefined) ?? [];
  if (input.installments > 1 && !allowed.includes(input.installments)) {
    return ctx.errors.parameter('installments', `La tarjeta no permite ${input.installments} cuotas.`);
  }
  const decision = decideCard(card, [input.email, card.email], body.authentication_3DS, ctx.now());
  if (decision.kind === 'review') return { status: 200, body: { ...REVIEW_BODY } };
  if (decision.kind === 'invalid_3ds') return ctx.errors.parameter('authentication_3DS', decision.message);

  const snapshot = source.kind === 'card_token' ? structuredClone(source.record.token) : structuredClone(source.record.card);
  const chargeInput: ChargeInput = { ...input, source: snapshot as unknown as Record<string, unknown> };
  if (source.kind === 'card_token') consumeToken(source.record);
  if (decision.kind === 'declined') {
    const charge = ctx.store.charges.add(declinedCharge(ctx, chargeInput, decision.code));
    ctx.emit('charge.creation.failed', chargeEventData(charge));
    return ctx.errors.card(charge.id, decision.code, 402);
  }
  return finish(ctx, approvedCharge(ctx, chargeInput));
}

function finish(ctx: CulqiContext, charge: CulqiCharge): SimResponse {
  ctx.store.charges.add(charge);
  ctx.emit('charge.creation.succeeded', chargeEventData(charge));
  return { status: 201, body: creationView(charge) };
}

/** List filters beyond dates and cursors (a subset of culqi.md §2.4). */
function filterCharges(req: SimRequest, charges: CulqiCharge[]): CulqiCharge[] {
  const q = req.query;
  const num = (key: string) => (q.get(key) === null ? undefined : Number(q.get(key)));
  const amount = num('amount');
  const min = num('min_amount');
  const max = num('max_amount');
  return charges.filter(
    (c) =>
      (amount === undefined || c.amount === amount) &&
      (min === undefined || c.amount >= min) &&
      (max === undefined || c.amount <= max) &&
      (q.get('currency_code') === null || c.currency_code === q.get('currency_code')) &&
      (q.get('email') === null || c.email === q.get('email')) &&
      (q.get('decline_code') === null || c.outcome.decline_code === q.get('decline_code')) &&
      (q.get('reference') === null || c.reference_code === q.get('reference')),
  );
}

export function registerChargeRoutes(router: SimRouter, ctx: CulqiContext): void {
  router.add('POST', '/v2/charges', (req) => ctx.authorize(req, 'secret') ?? createCharge(ctx, req));

  router.add('GET', '/v2/charges', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    return listPage(ctx, req, 'charges', filterCharges(req, ctx.store.charges.newestFirst()), (c) => c.creation_date, (c) => structuredClone(c));
  });

  router.add('GET', '/v2/charges/:id', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const charge = ctx.store.charges.get(req.params.id ?? '');
    return charge ? { status: 200, body: structuredClone(charge) } : ctx.errors.notFound('el cargo', req.params.id ?? '');
  });

  router.add('PATCH', '/v2/charges/:id', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const charge = ctx.store.charges.get(req.params.id ?? '');
    if (!charge) return ctx.errors.notFound('el cargo', req.params.id ?? '');
    const body = asRecord(req.body);
    if (!body) return ctx.errors.invalidRequest();
    const metadata = readMetadata(ctx, body);
    if (isResponse(metadata)) return metadata;
    charge.metadata = { ...charge.metadata, ...metadata };
    return { status: 200, body: structuredClone(charge) };
  });

  router.add('POST', '/v2/charges/:id/capture', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const charge = ctx.store.charges.get(req.params.id ?? '');
    if (!charge) return ctx.errors.notFound('el cargo', req.params.id ?? '');
    if (isDeclined(charge)) return ctx.errors.badState(`El cargo ${charge.id} fue denegado y no puede capturarse.`);
    if (charge.capture === true) return ctx.errors.badState(`El cargo ${charge.id} ya fue capturado.`);
    charge.capture = true;
    charge.capture_date = ctx.now();
    ctx.emit('charge.capture.succeeded', chargeEventData(charge));
    return { status: 201, body: structuredClone(charge) };
  });
}
