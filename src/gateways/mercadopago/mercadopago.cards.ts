import type { CallContext, ChargeFailure, SaveCardOutcome, SaveCardRequest } from '../payment-gateway.port';
import type { GatewayHttpResult } from '../http/gateway-http.client';
import type { MercadoPagoApi } from './mercadopago.api';
import { cardDetails } from './mercadopago.mapper';
import { asRecord, idString, parseMpError, text } from './mercadopago.wire';

/** Cause 101 of `POST /v1/customers`: "the customer already exist" (one customer per e-mail per seller). */
const CUSTOMER_EXISTS = '101';

const failed = (failure: ChargeFailure): SaveCardOutcome => ({ status: 'failed', failure });

function transportFailure(result: GatewayHttpResult, what: string): ChargeFailure | null {
  if (result.kind === 'response') return null;
  return {
    code: result.notSent ? 'gateway_unavailable' : 'gateway_error',
    declineCode: null,
    message: `${what}: Mercado Pago unreachable (${result.errorClass})`,
    gatewayCode: null,
  };
}

function httpFailure(result: GatewayHttpResult & { kind: 'response' }, what: string, code: ChargeFailure['code'] = 'gateway_error'): ChargeFailure {
  const error = parseMpError(result.json, result.status);
  return { code, declineCode: null, message: `${what}: ${error.message}`, gatewayCode: error.causes[0] ?? String(result.status) };
}

const ok = (result: GatewayHttpResult): boolean => result.kind === 'response' && result.status >= 200 && result.status < 300;

/** The Mercado Pago customer for this e-mail: created, or found when it already exists. */
async function customerFor(api: MercadoPagoApi, email: string, ctx: CallContext): Promise<{ id: string } | { failure: ChargeFailure }> {
  // Safe to retry: a repeated create answers "already exists", which is handled below.
  const created = await api.retried({ operation: 'create_customer', method: 'POST', path: '/v1/customers', body: { email }, emails: [email] }, ctx);
  const transport = transportFailure(created.last, 'creating the customer');
  if (transport) return { failure: transport };
  const result = created.last as GatewayHttpResult & { kind: 'response' };
  const id = idString(asRecord(result.json)?.id);
  if (ok(result) && id !== null) return { id };
  const error = parseMpError(result.json, result.status);
  const exists = result.status === 400 && (error.causes.includes(CUSTOMER_EXISTS) || /already exist/i.test(error.message));
  if (!exists) return { failure: httpFailure(result, 'creating the customer') };
  const search = await api.retried(
    { operation: 'search_customers', method: 'GET', path: `/v1/customers/search?email=${encodeURIComponent(email)}`, emails: [email] },
    ctx,
  );
  const searchTransport = transportFailure(search.last, 'finding the customer');
  if (searchTransport) return { failure: searchTransport };
  const found = search.last as GatewayHttpResult & { kind: 'response' };
  if (!ok(found)) return { failure: httpFailure(found, 'finding the customer') };
  const results = asRecord(found.json)?.results;
  const customer = (Array.isArray(results) ? results : []).map(asRecord).find((c) => text(c?.email)?.toLowerCase() === email.toLowerCase());
  const existing = idString(customer?.id);
  if (existing === null) return { failure: { code: 'gateway_error', declineCode: null, message: 'Mercado Pago says the customer exists but does not find it', gatewayCode: CUSTOMER_EXISTS } };
  return { id: existing };
}

/**
 * Saves a card at Mercado Pago: reuses (or creates) the customer, then
 * `POST /v1/customers/{id}/cards {token}`. The card POST is not retried: a blind repeat could store
 * the card twice.
 */
export async function saveMercadoPagoCard(api: MercadoPagoApi, request: SaveCardRequest, ctx: CallContext): Promise<SaveCardOutcome> {
  let customerRef = request.existingCustomerRef;
  if (customerRef === null) {
    const customer = await customerFor(api, request.email, ctx);
    if ('failure' in customer) return failed(customer.failure);
    customerRef = customer.id;
  }
  const result = await api.once(
    { operation: 'create_card', method: 'POST', path: `/v1/customers/${encodeURIComponent(customerRef)}/cards`, body: { token: request.token }, secrets: [request.token] },
    ctx,
  );
  const transport = transportFailure(result, 'saving the card');
  if (transport) return failed(transport);
  const response = result as GatewayHttpResult & { kind: 'response' };
  if (!ok(response)) {
    // 400/404 here are about the token (unknown, used, expired) or the card data.
    const code = response.status === 400 || response.status === 404 ? 'invalid_source' : 'gateway_error';
    return failed(httpFailure(response, 'saving the card', code));
  }
  const card = asRecord(response.json);
  const cardRef = idString(card?.id);
  const details = cardDetails(text(asRecord(card?.payment_method)?.id), card);
  if (cardRef === null || details === null) {
    return failed({ code: 'gateway_error', declineCode: null, message: 'Mercado Pago saved the card but its answer lacks the card id or digits', gatewayCode: null });
  }
  return { status: 'saved', ref: { customerRef, cardRef }, card: details };
}
