import type { CallContext, ChargeFailure, ChargeRequest } from '../payment-gateway.port';
import type { MercadoPagoApi } from './mercadopago.api';
import type { MercadoPagoChargeOutcome } from './mercadopago.mapper';
import type { RetryRun } from './mercadopago.retry';
import { asRecord, idString, parseMpError, text, type Json } from './mercadopago.wire';

/** What a payment needs besides the amount: a single-use token and the card's payment method. */
export type ResolvedSource =
  | { ok: true; token: string; paymentMethodId: string; issuerId: string | null; payer: Json }
  | { ok: false; outcome: MercadoPagoChargeOutcome };

const fail = (failure: ChargeFailure): ResolvedSource => ({
  ok: false,
  outcome: { status: 'failed', gatewayChargeId: null, card: null, failure },
});
const invalidSource = (message: string, gatewayCode: string | null = null) =>
  fail({ code: 'invalid_source', declineCode: null, message, gatewayCode });

/**
 * No payment was sent yet: a lookup that could not finish leaves nothing charged, so the attempt is
 * `not_sent` (the charges service may fail over or ask the client to tokenize elsewhere).
 */
function unreachable(run: RetryRun, what: string): ResolvedSource | null {
  const { last } = run;
  if (last.kind === 'error') return { ok: false, outcome: { status: 'not_sent', reason: `${what}: ${last.errorClass}` } };
  if (run.exhausted) return { ok: false, outcome: { status: 'not_sent', reason: `${what}: HTTP ${last.status}` } };
  return null;
}

/**
 * Turns a charge source into a token plus payment_method_id / issuer_id, which the real
 * `POST /v1/payments` requires. Front ends usually send them with the token; when they do not,
 * `GET /v1/card_tokens/{id}` gives the BIN (first six digits) and
 * `GET /v1/payment_methods/search?bin=…&public_key=…` the method and issuer, as MercadoPago.js does.
 */
export async function resolveCardSource(api: MercadoPagoApi, publicKey: string, request: ChargeRequest, ctx: CallContext): Promise<ResolvedSource> {
  const source = request.source;
  switch (source.type) {
    case 'yape_token':
      return invalidSource('Yape is charged through Culqi, not Mercado Pago');
    case 'card_token': {
      const payer = { email: request.email };
      if (source.paymentMethodId) {
        return { ok: true, token: source.token, paymentMethodId: source.paymentMethodId, issuerId: source.issuerId ?? null, payer };
      }
      const run = await api.retried(
        { operation: 'get_card_token', method: 'GET', path: `/v1/card_tokens/${encodeURIComponent(source.token)}`, secrets: [source.token] },
        ctx,
      );
      const down = unreachable(run, 'card token lookup failed');
      if (down) return down;
      if (run.last.kind !== 'response') return invalidSource('card token lookup failed');
      const { status, json } = run.last;
      if (status === 400 || status === 404) return invalidSource('Mercado Pago does not know this card token', parseMpError(json, status).causes[0] ?? null);
      if (status < 200 || status >= 300) return fail(gatewayError(json, status));
      return completeMethod(api, publicKey, source.token, asRecord(json), payer, ctx);
    }
    case 'saved_card': {
      // design.md invariant 3: a card saved at Mercado Pago is charged with a token made from its card
      // id. UNCONFIRMED whether the live API also demands the CVV (security_code) for such tokens on
      // merchant-initiated charges; if it does, renewals must run on Culqi.
      const run = await api.retried(
        {
          operation: 'create_card_token',
          method: 'POST',
          path: '/v1/card_tokens',
          body: { card_id: source.cardRef },
          responseSecrets: (json) => [idString(asRecord(json)?.id)],
        },
        ctx,
      );
      const down = unreachable(run, 'saved card token creation failed');
      if (down) return down;
      if (run.last.kind !== 'response') return invalidSource('saved card token creation failed');
      const { status, json } = run.last;
      const tokenBody = asRecord(json);
      const token = idString(tokenBody?.id);
      if (status === 400 || status === 404) return invalidSource('Mercado Pago cannot use this saved card', parseMpError(json, status).causes[0] ?? null);
      if (status < 200 || status >= 300) return fail(gatewayError(json, status));
      if (token === null) return invalidSource('Mercado Pago returned a card token without id');
      return completeMethod(api, publicKey, token, tokenBody, { type: 'customer', id: source.customerRef, email: request.email }, ctx);
    }
  }
}

async function completeMethod(api: MercadoPagoApi, publicKey: string, token: string, cardToken: Json | null, payer: Json, ctx: CallContext): Promise<ResolvedSource> {
  const known = text(cardToken?.payment_method_id);
  if (known !== null) return { ok: true, token, paymentMethodId: known, issuerId: idString(cardToken?.issuer_id), payer };
  const bin = idString(cardToken?.first_six_digits);
  if (bin === null || !/^\d{6,8}$/.test(bin)) return invalidSource('the card token carries no BIN to identify its payment method');
  const run = await api.retried(
    {
      operation: 'search_payment_methods',
      method: 'GET',
      path: `/v1/payment_methods/search?bin=${bin.slice(0, 6)}&public_key=${encodeURIComponent(publicKey)}`,
      secrets: [publicKey],
    },
    ctx,
  );
  const down = unreachable(run, 'payment method lookup failed');
  if (down) return down;
  if (run.last.kind !== 'response') return invalidSource('payment method lookup failed');
  const { status, json } = run.last;
  if (status < 200 || status >= 300) return fail(gatewayError(json, status));
  const results = asRecord(json)?.results;
  const methods = (Array.isArray(results) ? results : []).map(asRecord).filter((m): m is Json => m !== null && text(m.id) !== null);
  // A BIN can match several methods (e.g. a wallet besides the card brand): prefer a card type.
  const method = methods.find((m) => ['credit_card', 'debit_card', 'prepaid_card'].includes(text(m.payment_type_id) ?? '')) ?? methods[0];
  if (!method) return invalidSource('Mercado Pago does not recognise this card (no payment method for its BIN)');
  return { ok: true, token, paymentMethodId: text(method.id) ?? '', issuerId: idString(asRecord(method.issuer)?.id), payer };
}

export function gatewayError(json: unknown, status: number): ChargeFailure {
  const error = parseMpError(json, status);
  return { code: 'gateway_error', declineCode: null, message: `Mercado Pago: ${error.message}`, gatewayCode: error.causes[0] ?? String(status) };
}
