import { luhnValid, normaliseCardNumber } from '../card-numbers';
import { asRecord, integerField, textField, stringField } from '../json-input';
import type { SimRouter } from '../sim-router';
import type { SimResponse } from '../sim-types';
import { clientOf, culqiId, isEmail, isResponse, readMetadata, type CulqiContext } from './culqi-context';
import { listPage } from './culqi-list';
import type { TokenRecord } from './culqi-objects';
import { iinFor } from './culqi-test-cards';

/** The only Yape number the sandbox approves (culqi.md §9). */
export const YAPE_TEST_PHONE = '900000001';

/** `411111******1111`: first six, one star per hidden digit, last four (recorded). */
function maskCard(cardNumber: string): string {
  return `${cardNumber.slice(0, 6)}${'*'.repeat(Math.max(0, cardNumber.length - 10))}${cardNumber.slice(-4)}`;
}

/** A token that can still back one charge or card, or the parameter_error to answer (§4.1). */
export function usableToken(ctx: CulqiContext, id: string, param: 'source_id' | 'token_id'): TokenRecord | SimResponse {
  const record = ctx.store.tokens.get(id);
  if (!record) return ctx.errors.unusableToken(param, `El token ${id} no existe.`);
  if (record.used) return ctx.errors.unusableToken(param, `El token ${id} ya fue utilizado.`);
  if (ctx.now() - record.token.creation_date > ctx.tokenTtlMs) return ctx.errors.unusableToken(param, `No puedes usar un token expirado (${id}).`);
  return record;
}

export function consumeToken(record: TokenRecord): void {
  record.used = true;
  record.token.active = false;
}

export function registerTokenRoutes(router: SimRouter, ctx: CulqiContext): void {
  // secure.culqi.com role: card tokens with the public key.
  router.add('POST', '/v2/tokens', (req) => {
    const denied = ctx.authorize(req, 'public');
    if (denied) return denied;
    const body = asRecord(req.body);
    if (!body) return ctx.errors.invalidRequest();
    const cardNumber = normaliseCardNumber(textField(body, 'card_number') ?? '');
    if (!/^\d{13,19}$/.test(cardNumber) || !luhnValid(cardNumber)) {
      return ctx.errors.parameter('card_number', 'El número de tarjeta es inválido.', 'invalid_number');
    }
    const cvv = textField(body, 'cvv') ?? '';
    if (!/^\d{3,4}$/.test(cvv)) return ctx.errors.parameter('cvv', 'El código de seguridad (CVV) es inválido.', 'invalid_cvv');
    const month = textField(body, 'expiration_month') ?? '';
    if (!/^\d{1,2}$/.test(month) || Number(month) < 1 || Number(month) > 12) {
      return ctx.errors.parameter('expiration_month', 'El mes de expiración es inválido.', 'invalid_expiration_month');
    }
    const year = textField(body, 'expiration_year') ?? '';
    if (!/^\d{4}$/.test(year)) return ctx.errors.parameter('expiration_year', 'El año de expiración es inválido.', 'invalid_expiration_year');
    const email = stringField(body, 'email');
    if (!isEmail(email)) return ctx.errors.parameter('email', "El campo 'email' es inválido.", 'invalid_email');
    const metadata = readMetadata(ctx, body);
    if (isResponse(metadata)) return metadata;

    const record: TokenRecord = {
      token: {
        object: 'token',
        id: culqiId('tkn'),
        type: 'card',
        creation_date: ctx.now(),
        email,
        card_number: maskCard(cardNumber),
        last_four: cardNumber.slice(-4),
        active: true,
        iin: { object: 'iin', ...iinFor(cardNumber) },
        client: clientOf(req),
        metadata,
      },
      cardNumber,
      expMonth: Number(month),
      expYear: Number(year),
      used: false,
    };
    ctx.store.tokens.add(record);
    return { status: 201, body: record.token };
  });

  router.add('POST', '/v2/tokens/yape', (req) => {
    const denied = ctx.authorize(req, 'public');
    if (denied) return denied;
    const body = asRecord(req.body);
    if (!body) return ctx.errors.invalidRequest();
    const amount = integerField(body, 'amount');
    if (amount === undefined || amount <= 0) return ctx.errors.parameter('amount', "El campo 'amount' debe ser un entero en céntimos.", 'invalid_amount');
    const phone = textField(body, 'number_phone') ?? '';
    if (!/^\d{9}$/.test(phone)) return ctx.errors.parameter('number_phone', 'El número de celular es inválido.', 'invalid_number_phone');
    const otp = textField(body, 'otp') ?? '';
    if (!/^\d{6}$/.test(otp)) return ctx.errors.parameter('otp', 'El código de aprobación de Yape es inválido.', 'invalid_otp');
    if (phone !== YAPE_TEST_PHONE) {
      return ctx.errors.parameter('number_phone', 'El número de celular no tiene Yape o el código de aprobación no le corresponde.', 'invalid_number_phone');
    }
    const metadata = readMetadata(ctx, body);
    if (isResponse(metadata)) return metadata;
    const record: TokenRecord = {
      token: {
        object: 'token',
        id: culqiId('ype'),
        type: 'yape',
        creation_date: ctx.now(),
        email: null,
        card_number: null,
        last_four: null,
        active: true,
        iin: null,
        client: clientOf(req),
        metadata,
        amount,
      },
      used: false,
    };
    ctx.store.tokens.add(record);
    return { status: 201, body: record.token };
  });

  router.add('GET', '/v2/tokens/:id', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const id = req.params.id ?? '';
    const record = ctx.store.tokens.get(id);
    return record ? { status: 200, body: record.token } : ctx.errors.notFound('el token', id);
  });

  router.add('GET', '/v2/tokens', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const tokens = ctx.store.tokens.newestFirst().map((r) => r.token);
    return listPage(ctx, req, 'tokens', tokens, (t) => t.creation_date);
  });
}
