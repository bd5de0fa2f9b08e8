import { asRecord, stringField, textField } from '../json-input';
import { randomAlnum, randomDigits } from '../random-values';
import type { SimRouter } from '../sim-router';
import type { SimRequest, SimResponse } from '../sim-types';
import type { MpContext } from './mp-context';
import { badRequest, mpError, notFound } from './mp-errors';
import type { CardRecord, CustomerRecord, MpCard, MpCustomer } from './mp-objects';
import { paymentMethodForBin } from './mp-test-cards';
import { mpDate } from './mp-values';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function cardsOf(ctx: MpContext, customerId: string): MpCard[] {
  return ctx.store.cards
    .all()
    .filter((r) => !r.deleted && r.card.customer_id === customerId)
    .map((r) => structuredClone(r.card));
}

function view(ctx: MpContext, record: CustomerRecord): MpCustomer {
  return { ...structuredClone(record.customer), cards: cardsOf(ctx, record.customer.id) };
}

function liveCustomer(ctx: MpContext, req: SimRequest): CustomerRecord | SimResponse {
  const record = ctx.store.customers.get(req.params.id ?? '');
  return record && !record.deleted ? record : notFound('not_found', 'customer not found');
}

/** POST /v1/customers; a second customer with the same e-mail is refused (cause "101"). */
function createCustomer(ctx: MpContext, body: Record<string, unknown>): SimResponse {
  const email = stringField(body, 'email');
  if (!email || !EMAIL.test(email)) return mpError(400, 'bad_request', 'invalid email', [{ code: '106', description: 'invalid parameter email' }]);
  if (ctx.store.customers.all().some((r) => !r.deleted && r.customer.email.toLowerCase() === email.toLowerCase())) {
    return mpError(400, 'bad_request', 'the customer already exist', [{ code: '101', description: 'the customer already exist' }]);
  }
  const now = mpDate(ctx.now());
  const phone = asRecord(body.phone);
  const identification = asRecord(body.identification);
  const customer: MpCustomer = {
    id: `${randomDigits(10)}-${randomAlnum(14)}`,
    email,
    first_name: stringField(body, 'first_name') ?? null,
    last_name: stringField(body, 'last_name') ?? null,
    phone: { area_code: textField(phone, 'area_code') ?? null, number: textField(phone, 'number') ?? null },
    identification: { type: stringField(identification, 'type') ?? null, number: textField(identification, 'number') ?? null },
    address: { id: null, zip_code: null, street_name: null, street_number: null },
    description: stringField(body, 'description') ?? null,
    date_created: now,
    date_last_updated: now,
    metadata: { ...(asRecord(body.metadata) ?? {}), source_sync: 'source_ws' },
    default_card: null,
    default_address: null,
    cards: [],
    addresses: [],
    live_mode: false,
  };
  ctx.store.customers.add({ customer, deleted: false });
  return { status: 201, body: view(ctx, { customer, deleted: false }) };
}

/** POST /v1/customers/{id}/cards `{ token }`: saves the tokenized card; the same card again answers the saved one. */
function saveCard(ctx: MpContext, customer: CustomerRecord, body: Record<string, unknown>): SimResponse {
  const tokenId = stringField(body, 'token') ?? '';
  const token = ctx.store.tokens.get(tokenId);
  if (!token) return badRequest(2006, 'Card Token not found');
  if (token.used || ctx.now() - token.createdAt > ctx.tokenTtlMs) return badRequest(3003, 'Invalid card_token_id');
  const method = paymentMethodForBin(token.cardNumber);
  if (!method) return badRequest(3028, 'Invalid payment_method_id');
  token.used = true;
  token.token.status = 'used';
  token.token.date_used = mpDate(ctx.now());
  const existing = ctx.store.cards
    .all()
    .find((r) => !r.deleted && r.card.customer_id === customer.customer.id && r.cardNumber === token.cardNumber && r.card.expiration_year === token.token.expiration_year && r.card.expiration_month === token.token.expiration_month);
  if (existing) return { status: 200, body: structuredClone(existing.card) };
  const now = mpDate(ctx.now());
  const record: CardRecord = {
    card: {
      id: randomDigits(13),
      customer_id: customer.customer.id,
      expiration_month: token.token.expiration_month,
      expiration_year: token.token.expiration_year,
      first_six_digits: token.token.first_six_digits,
      last_four_digits: token.token.last_four_digits,
      payment_method: {
        id: method.id,
        name: method.name,
        payment_type_id: method.payment_type_id,
        thumbnail: `http://img.mlstatic.com/org-img/MP3/API/logos/${method.id}.gif`,
        secure_thumbnail: `https://www.mercadopago.com/org-img/MP3/API/logos/${method.id}.gif`,
      },
      security_code: { length: method.securityCodeLength, card_location: method.cardLocation },
      issuer: { ...method.issuer },
      cardholder: structuredClone(token.token.cardholder),
      date_created: now,
      date_last_updated: now,
      user_id: String(ctx.userId),
      live_mode: false,
    },
    cardNumber: token.cardNumber,
    deleted: false,
  };
  ctx.store.cards.add(record);
  customer.customer.default_card ??= record.card.id;
  return { status: 201, body: structuredClone(record.card) };
}

export function registerCustomerRoutes(router: SimRouter, ctx: MpContext): void {
  router.add('POST', '/v1/customers', (req) => {
    const denied = ctx.authorize(req);
    if (denied) return denied;
    const body = asRecord(req.body);
    return body ? createCustomer(ctx, body) : badRequest(1, 'Params Error', 'invalid body');
  });

  router.add('GET', '/v1/customers/search', (req) => {
    const denied = ctx.authorize(req);
    if (denied) return denied;
    const email = req.query.get('email')?.toLowerCase();
    const results = ctx.store.customers
      .all()
      .filter((r) => !r.deleted && (email === undefined || r.customer.email.toLowerCase() === email))
      .map((r) => view(ctx, r));
    return { status: 200, body: { paging: { limit: 10, offset: 0, total: results.length }, results } };
  });

  router.add('GET', '/v1/customers/:id', (req) => {
    const denied = ctx.authorize(req);
    if (denied) return denied;
    const record = liveCustomer(ctx, req);
    return 'customer' in record ? { status: 200, body: view(ctx, record) } : record;
  });

  router.add('DELETE', '/v1/customers/:id', (req) => {
    const denied = ctx.authorize(req);
    if (denied) return denied;
    const record = liveCustomer(ctx, req);
    if (!('customer' in record)) return record;
    record.deleted = true;
    for (const card of ctx.store.cards.all()) if (card.card.customer_id === record.customer.id) card.deleted = true;
    return { status: 200, body: view(ctx, record) };
  });

  router.add('POST', '/v1/customers/:id/cards', (req) => {
    const denied = ctx.authorize(req);
    if (denied) return denied;
    const record = liveCustomer(ctx, req);
    if (!('customer' in record)) return record;
    const body = asRecord(req.body);
    return body ? saveCard(ctx, record, body) : badRequest(1, 'Params Error', 'invalid body');
  });

  router.add('GET', '/v1/customers/:id/cards', (req) => {
    const denied = ctx.authorize(req);
    if (denied) return denied;
    const record = liveCustomer(ctx, req);
    return 'customer' in record ? { status: 200, body: cardsOf(ctx, record.customer.id) } : record;
  });

  const findCard = (req: SimRequest): CardRecord | SimResponse => {
    const card = ctx.store.cards.get(req.params.cardId ?? '');
    return card && !card.deleted && card.card.customer_id === req.params.id ? card : notFound('not_found', 'card not found');
  };

  router.add('GET', '/v1/customers/:id/cards/:cardId', (req) => {
    const denied = ctx.authorize(req);
    if (denied) return denied;
    const card = findCard(req);
    return 'card' in card ? { status: 200, body: structuredClone(card.card) } : card;
  });

  router.add('DELETE', '/v1/customers/:id/cards/:cardId', (req) => {
    const denied = ctx.authorize(req);
    if (denied) return denied;
    const card = findCard(req);
    if (!('card' in card)) return card;
    card.deleted = true;
    const customer = ctx.store.customers.get(card.card.customer_id);
    if (customer && customer.customer.default_card === card.card.id) customer.customer.default_card = null;
    return { status: 200, body: structuredClone(card.card) };
  });
}
