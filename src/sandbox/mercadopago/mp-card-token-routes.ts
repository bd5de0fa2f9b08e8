import { isExpired, luhnValid, normaliseCardNumber } from '../card-numbers';
import { asRecord, stringField, textField } from '../json-input';
import { randomHex } from '../random-values';
import type { SimRouter } from '../sim-router';
import type { SimResponse } from '../sim-types';
import type { MpContext } from './mp-context';
import { badRequest, mpError, notFound } from './mp-errors';
import type { MpCardholder, TokenRecord } from './mp-objects';
import { MP_PAYMENT_METHODS, paymentMethodForBin, type MpPaymentMethod } from './mp-test-cards';
import { mpDate } from './mp-values';

/** Card-token validation codes as Mercado Pago's card-form libraries report them (e.g. "E301", "316"). */
const invalid = (code: string, description: string) => mpError(400, 'bad_request', 'invalid parameters', [{ code, description }]);

function newToken(ctx: MpContext, cardNumber: string, month: number, year: number, cardholder: MpCardholder, cardId: string | null): TokenRecord {
  const now = ctx.now();
  const method = paymentMethodForBin(cardNumber);
  return {
    token: {
      id: randomHex(16),
      public_key: ctx.publicKey,
      card_id: cardId,
      luhn_validation: true,
      status: 'active',
      date_used: null,
      card_number_length: cardNumber.length,
      date_created: mpDate(now),
      first_six_digits: cardNumber.slice(0, 6),
      last_four_digits: cardNumber.slice(-4),
      security_code_length: method?.securityCodeLength ?? 3,
      expiration_month: month,
      expiration_year: year,
      date_last_updated: mpDate(now),
      date_due: mpDate(now + ctx.tokenTtlMs),
      live_mode: false,
      require_esc: false,
      cardholder,
    },
    cardNumber,
    createdAt: now,
    used: false,
  };
}

function tokenFromCardData(ctx: MpContext, body: Record<string, unknown>): TokenRecord | SimResponse {
  const cardNumber = normaliseCardNumber(textField(body, 'card_number') ?? '');
  if (cardNumber === '') return invalid('205', 'parameter cardNumber can not be null/empty');
  if (!/^\d{13,19}$/.test(cardNumber) || !luhnValid(cardNumber) || !paymentMethodForBin(cardNumber)) return invalid('E301', 'invalid parameter cardNumber');
  const code = textField(body, 'security_code') ?? '';
  if (code === '') return invalid('224', 'parameter securityCode can not be null/empty');
  if (!/^\d{3,4}$/.test(code)) return invalid('E302', 'invalid parameter securityCode');
  const monthText = textField(body, 'expiration_month') ?? '';
  if (!/^\d{1,2}$/.test(monthText) || Number(monthText) < 1 || Number(monthText) > 12) return invalid('325', 'invalid parameter cardExpirationMonth');
  const yearText = textField(body, 'expiration_year') ?? '';
  if (!/^(\d{2}|\d{4})$/.test(yearText)) return invalid('326', 'invalid parameter cardExpirationYear');
  const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  if (isExpired(Number(monthText), year, ctx.now())) return invalid('326', 'invalid parameter cardExpirationYear');
  const holder = asRecord(body.cardholder);
  const name = stringField(holder, 'name')?.trim();
  if (!name) return invalid('221', 'parameter cardholderName can not be null/empty');
  if (name.length > 100) return invalid('316', 'invalid parameter cardholderName');
  const identification = asRecord(holder?.identification);
  const cardholder: MpCardholder = { name, identification: { type: stringField(identification, 'type') ?? null, number: textField(identification, 'number') ?? null } };
  return newToken(ctx, cardNumber, Number(monthText), year, cardholder, null);
}

/** `{ card_id }`: a token for a card saved on a customer (what a saved-card charge needs). */
function tokenFromSavedCard(ctx: MpContext, body: Record<string, unknown>): TokenRecord | SimResponse {
  const cardId = textField(body, 'card_id') ?? '';
  const record = ctx.store.cards.get(cardId);
  if (!record || record.deleted) return notFound('card_not_found', `card ${cardId} not found`);
  const code = textField(body, 'security_code');
  if (code !== undefined && !/^\d{3,4}$/.test(code)) return invalid('E302', 'invalid parameter securityCode');
  const card = record.card;
  return newToken(ctx, record.cardNumber, card.expiration_month, card.expiration_year, structuredClone(card.cardholder), card.id);
}

export function paymentMethodJson(method: MpPaymentMethod): Record<string, unknown> {
  return {
    id: method.id,
    name: method.name,
    payment_type_id: method.payment_type_id,
    status: 'active',
    secure_thumbnail: `https://www.mercadopago.com/org-img/MP3/API/logos/${method.id}.gif`,
    thumbnail: `http://img.mlstatic.com/org-img/MP3/API/logos/${method.id}.gif`,
    deferred_capture: 'supported',
    settings: [
      {
        card_number: { validation: 'standard', length: method.cardLength },
        bin: { pattern: method.binPattern, installments_pattern: method.binPattern, exclusion_pattern: null },
        security_code: { length: method.securityCodeLength, card_location: method.cardLocation, mode: 'mandatory' },
      },
    ],
    additional_info_needed: ['cardholder_name', 'cardholder_identification_type', 'cardholder_identification_number'],
    min_allowed_amount: 1,
    max_allowed_amount: 60000,
    accreditation_time: 0,
    financial_institutions: [],
    processing_modes: ['aggregator'],
    issuer: { ...method.issuer },
  };
}

export function registerCardTokenRoutes(router: SimRouter, ctx: MpContext): void {
  router.add('POST', '/v1/card_tokens', (req) => {
    const denied = ctx.authorize(req, true);
    if (denied) return denied;
    const body = asRecord(req.body);
    if (!body) return badRequest(1, 'Params Error', 'invalid body');
    const record = body.card_id !== undefined ? tokenFromSavedCard(ctx, body) : tokenFromCardData(ctx, body);
    if ('status' in record) return record;
    ctx.store.tokens.add(record);
    return { status: 201, body: structuredClone(record.token) };
  });

  router.add('GET', '/v1/card_tokens/:id', (req) => {
    const denied = ctx.authorize(req, true);
    if (denied) return denied;
    const record = ctx.store.tokens.get(req.params.id ?? '');
    return record ? { status: 200, body: structuredClone(record.token) } : notFound(2006, 'Card Token not found');
  });

  router.add('GET', '/v1/payment_methods', (req) => ctx.authorize(req, true) ?? { status: 200, body: MP_PAYMENT_METHODS.map(paymentMethodJson) });

  router.add('GET', '/v1/payment_methods/search', (req) => {
    const denied = ctx.authorize(req, true);
    if (denied) return denied;
    const bin = req.query.get('bin');
    const id = req.query.get('id');
    let methods = MP_PAYMENT_METHODS;
    if (bin !== null) {
      const method = /^\d{6,8}$/.test(bin) ? paymentMethodForBin(bin) : undefined;
      methods = method ? [method] : [];
    }
    if (id !== null) methods = methods.filter((m) => m.id === id);
    return { status: 200, body: { paging: { total: methods.length, limit: 30, offset: 0 }, results: methods.map(paymentMethodJson) } };
  });
}
