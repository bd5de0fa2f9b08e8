import { asRecord, booleanField, stringField } from '../json-input';
import type { SimRouter } from '../sim-router';
import type { SimResponse } from '../sim-types';
import { decideCard, REVIEW_BODY } from './culqi-card-decision';
import { declinedCharge } from './culqi-charge-builder';
import { culqiId, isEmail, isResponse, readMetadata, type CulqiContext } from './culqi-context';
import { chargeEventData } from './culqi-event-data';
import { listPage } from './culqi-list';
import type { CardRecord, CulqiCard, CulqiCustomer } from './culqi-objects';
import type { CustomerRecord } from './culqi-store';
import { consumeToken, usableToken } from './culqi-token-routes';

/** Culqi validates a card with a small charge that it reverses (culqi.md §4.6; documented as 3 PEN). */
const VALIDATION_AMOUNT = 300;

function activeCardsOf(ctx: CulqiContext, customerId: string): CulqiCard[] {
  return ctx.store.cards
    .all()
    .filter((r) => !r.deleted && r.card.customer_id === customerId)
    .map((r) => structuredClone(r.card));
}

function customerView(ctx: CulqiContext, record: CustomerRecord): Record<string, unknown> {
  return { ...structuredClone(record.customer), cards: activeCardsOf(ctx, record.customer.id) };
}

function liveCustomer(ctx: CulqiContext, id: string): CustomerRecord | undefined {
  const record = ctx.store.customers.get(id);
  return record && !record.deleted ? record : undefined;
}

function createCustomer(ctx: CulqiContext, body: Record<string, unknown>): SimResponse {
  const fields = ['first_name', 'last_name', 'address', 'address_city', 'country_code', 'phone_number'] as const;
  for (const field of fields) {
    const value = stringField(body, field);
    if (!value || value.trim().length < 2 || value.length > 100) return ctx.errors.parameter(field, `El campo '${field}' es obligatorio.`);
  }
  if (!/^[A-Z]{2}$/.test(stringField(body, 'country_code') ?? '')) return ctx.errors.parameter('country_code', "El campo 'country_code' debe ser un código ISO de 2 letras.");
  const email = stringField(body, 'email');
  if (!isEmail(email)) return ctx.errors.parameter('email', "El campo 'email' es inválido.");
  if (ctx.store.customers.all().some((r) => !r.deleted && r.customer.email.toLowerCase() === email.toLowerCase())) {
    return ctx.errors.parameter('email', 'Un cliente esta registrado actualmente con este email.');
  }
  const metadata = readMetadata(ctx, body);
  if (isResponse(metadata)) return metadata;
  const customer: CulqiCustomer = {
    object: 'customer',
    id: culqiId('cus'),
    creation_date: ctx.now(),
    email,
    antifraud_details: {
      first_name: body.first_name,
      last_name: body.last_name,
      address: body.address,
      address_city: body.address_city,
      country_code: body.country_code,
      phone: body.phone_number,
      object: 'client',
    },
    metadata,
  };
  ctx.store.customers.add({ customer, deleted: false });
  ctx.emit('customer.creation.succeeded', customer);
  return { status: 201, body: structuredClone(customer) };
}

/** POST /v2/cards: validates the card like a charge (REVIEW, declines answered 400) and saves it. */
function createCard(ctx: CulqiContext, body: Record<string, unknown>): SimResponse {
  const customerId = stringField(body, 'customer_id') ?? '';
  const customer = liveCustomer(ctx, customerId);
  if (!customer) return ctx.errors.parameter('customer_id', `El cliente ${customerId} no existe.`);
  const tokenId = stringField(body, 'token_id') ?? '';
  const token = usableToken(ctx, tokenId, 'token_id');
  if (isResponse(token)) return token;
  if (token.token.type !== 'card' || !token.cardNumber) return ctx.errors.parameter('token_id', 'Solo un token de tarjeta puede guardarse como tarjeta.');
  if (body.validate !== undefined && booleanField(body, 'validate') === undefined) return ctx.errors.parameter('validate', "El campo 'validate' debe ser booleano.");
  const metadata = readMetadata(ctx, body);
  if (isResponse(metadata)) return metadata;

  const facts = { cardNumber: token.cardNumber, expMonth: token.expMonth ?? 0, expYear: token.expYear ?? 0 };
  const email = token.token.email ?? customer.customer.email;
  const decision = decideCard(facts, [email], body.authentication_3DS, ctx.now());
  if (decision.kind === 'review') return { status: 200, body: { ...REVIEW_BODY } };
  if (decision.kind === 'invalid_3ds') return ctx.errors.parameter('authentication_3DS', decision.message);
  consumeToken(token);
  if (decision.kind === 'declined') {
    const input = { amount: VALIDATION_AMOUNT, currencyCode: 'PEN', email, description: null, installments: 0, capture: false, metadata: {}, antifraud: undefined, validation: true };
    const charge = ctx.store.charges.add(declinedCharge(ctx, { ...input, source: structuredClone(token.token) as unknown as Record<string, unknown> }, decision.code));
    ctx.emit('charge.creation.failed', chargeEventData(charge));
    return ctx.errors.card(charge.id, decision.code, 400);
  }
  const record: CardRecord = {
    card: { object: 'card', id: culqiId('crd'), active: true, creation_date: ctx.now(), customer_id: customerId, source: structuredClone(token.token), metadata },
    cardNumber: token.cardNumber,
    expMonth: facts.expMonth,
    expYear: facts.expYear,
    email,
    deleted: false,
  };
  record.card.source.active = true;
  ctx.store.cards.add(record);
  ctx.emit('card.creation.succeeded', record.card);
  return { status: 201, body: structuredClone(record.card) };
}

function deleted(id: string, what: string): SimResponse {
  return { status: 200, body: { id, deleted: true, merchant_message: `Se eliminó ${what} con ID ${id} exitosamente.` } };
}

export function registerCustomerRoutes(router: SimRouter, ctx: CulqiContext): void {
  router.add('POST', '/v2/customers', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const body = asRecord(req.body);
    return body ? createCustomer(ctx, body) : ctx.errors.invalidRequest();
  });

  router.add('GET', '/v2/customers', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const email = req.query.get('email')?.toLowerCase();
    const records = ctx.store.customers.newestFirst().filter((r) => !r.deleted && (email === undefined || r.customer.email.toLowerCase() === email));
    return listPage(ctx, req, 'customers', records.map((r) => ({ id: r.customer.id, record: r })), (x) => x.record.customer.creation_date, (x) => customerView(ctx, x.record));
  });

  router.add('GET', '/v2/customers/:id', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const record = liveCustomer(ctx, req.params.id ?? '');
    return record ? { status: 200, body: customerView(ctx, record) } : ctx.errors.notFound('el cliente', req.params.id ?? '');
  });

  router.add('DELETE', '/v2/customers/:id', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const record = liveCustomer(ctx, req.params.id ?? '');
    if (!record) return ctx.errors.notFound('el cliente', req.params.id ?? '');
    record.deleted = true;
    for (const card of ctx.store.cards.all()) {
      if (card.card.customer_id === record.customer.id) {
        card.deleted = true;
        card.card.active = false;
      }
    }
    ctx.emit('customer.delete.succeeded', { id: record.customer.id });
    return deleted(record.customer.id, 'el cliente');
  });

  router.add('POST', '/v2/cards', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const body = asRecord(req.body);
    return body ? createCard(ctx, body) : ctx.errors.invalidRequest();
  });

  router.add('GET', '/v2/cards', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const customerId = req.query.get('customer_id');
    const cards = ctx.store.cards
      .newestFirst()
      .filter((r) => !r.deleted && (customerId === null || r.card.customer_id === customerId))
      .map((r) => r.card);
    return listPage(ctx, req, 'cards', cards, (c) => c.creation_date, (c) => structuredClone(c));
  });

  router.add('GET', '/v2/cards/:id', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const record = ctx.store.cards.get(req.params.id ?? '');
    return record && !record.deleted ? { status: 200, body: structuredClone(record.card) } : ctx.errors.notFound('la tarjeta', req.params.id ?? '');
  });

  router.add('DELETE', '/v2/cards/:id', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const record = ctx.store.cards.get(req.params.id ?? '');
    if (!record || record.deleted) return ctx.errors.notFound('la tarjeta', req.params.id ?? '');
    record.deleted = true;
    record.card.active = false;
    ctx.emit('card.delete.succeeded', { id: record.card.id });
    return deleted(record.card.id, 'la tarjeta');
  });
}
