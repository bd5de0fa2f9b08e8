import { asRecord, booleanField, integerField, stringField } from '../json-input';
import { randomDigits } from '../random-values';
import type { SimRouter } from '../sim-router';
import type { SimResponse } from '../sim-types';
import { culqiId, isEmail, isResponse, readMetadata, type CulqiContext } from './culqi-context';
import { listPage } from './culqi-list';
import type { CulqiOrder, CulqiOrderState } from './culqi-objects';

const seconds = (ms: number) => Math.floor(ms / 1000);

/** Pending orders past their expiration_date expire, with the event Culqi sends for it. */
function refreshExpiry(ctx: CulqiContext, order: CulqiOrder): void {
  if ((order.state === 'created' || order.state === 'pending') && order.expiration_date <= seconds(ctx.now())) {
    setState(ctx, order, 'expired');
  }
}

function setState(ctx: CulqiContext, order: CulqiOrder, state: CulqiOrderState): void {
  order.state = state;
  order.updated_at = seconds(ctx.now());
  if (state === 'paid') order.paid_at = order.updated_at;
  ctx.emit('order.status.changed', structuredClone(order));
}

function confirm(order: CulqiOrder): void {
  order.state = 'pending';
  order.payment_code = randomDigits(9);
}

/** Moves an order as the buyer would (pays the CIP, lets it lapse) or as the merchant (deletes it). */
export function moveOrder(ctx: CulqiContext, id: string, state: unknown): { order: CulqiOrder } | { status: number; error: string } {
  const order = ctx.store.orders.get(id);
  if (!order) return { status: 404, error: `order ${id} not found` };
  if (state !== 'paid' && state !== 'expired' && state !== 'deleted' && state !== 'pending') {
    return { status: 400, error: 'state must be one of paid, expired, deleted, pending' };
  }
  if (order.state === 'paid' || order.state === 'expired' || order.state === 'deleted') {
    return { status: 409, error: `order ${id} is already ${order.state}` };
  }
  if (state === 'pending') {
    if (order.state !== 'created') return { status: 409, error: `order ${id} is already pending` };
    confirm(order);
    setState(ctx, order, 'pending');
  } else {
    setState(ctx, order, state);
  }
  return { order: structuredClone(order) };
}

function createOrder(ctx: CulqiContext, body: Record<string, unknown>): SimResponse {
  const amount = integerField(body, 'amount');
  if (amount === undefined || amount < 600 || amount > 999_900) return ctx.errors.parameter('amount', "El campo 'amount' debe ser un entero entre 600 y 999900.");
  const currency = stringField(body, 'currency_code');
  if (currency !== 'PEN' && currency !== 'USD') return ctx.errors.parameter('currency_code', "El campo 'currency_code' debe ser PEN o USD.");
  const description = stringField(body, 'description');
  if (!description || description.length < 5 || description.length > 80) return ctx.errors.parameter('description', "El campo 'description' debe tener entre 5 y 80 caracteres.");
  const orderNumber = stringField(body, 'order_number');
  if (!orderNumber || orderNumber.length > 36) return ctx.errors.parameter('order_number', "El campo 'order_number' es obligatorio (máximo 36 caracteres).");
  if (ctx.store.orders.all().some((o) => o.order_number === orderNumber)) return ctx.errors.parameter('order_number', "El 'order_number' ya fue utilizado.");
  const expiration = integerField(body, 'expiration_date');
  if (expiration === undefined || expiration <= seconds(ctx.now())) return ctx.errors.parameter('expiration_date', "El campo 'expiration_date' debe ser un timestamp Unix (segundos) futuro.");
  const client = asRecord(body.client_details);
  for (const field of ['first_name', 'last_name', 'phone_number'] as const) {
    if (!stringField(client, field)) return ctx.errors.parameter(`client_details.${field}`, `El campo 'client_details.${field}' es obligatorio.`);
  }
  if (!isEmail(stringField(client, 'email'))) return ctx.errors.parameter('client_details.email', "El campo 'client_details.email' es inválido.");
  const autoConfirm = body.confirm === undefined ? true : booleanField(body, 'confirm');
  if (autoConfirm === undefined) return ctx.errors.parameter('confirm', "El campo 'confirm' debe ser booleano.");
  const metadata = readMetadata(ctx, body);
  if (isResponse(metadata)) return metadata;
  const order: CulqiOrder = {
    object: 'order',
    id: culqiId('ord'),
    amount,
    payment_code: null,
    currency_code: currency,
    description,
    order_number: orderNumber,
    state: 'created',
    total_fee: null,
    net_amount: null,
    fee_details: null,
    creation_date: seconds(ctx.now()),
    expiration_date: expiration,
    updated_at: null,
    paid_at: null,
    available_on: null,
    metadata,
  };
  if (autoConfirm) confirm(order);
  ctx.store.orders.add(order);
  ctx.emit('order.creation.succeeded', structuredClone(order));
  return { status: 201, body: structuredClone(order) };
}

export function registerOrderRoutes(router: SimRouter, ctx: CulqiContext): void {
  router.add('POST', '/v2/orders', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const body = asRecord(req.body);
    return body ? createOrder(ctx, body) : ctx.errors.invalidRequest();
  });

  router.add('GET', '/v2/orders', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const orders = ctx.store.orders.newestFirst();
    orders.forEach((o) => refreshExpiry(ctx, o));
    const state = req.query.get('state');
    return listPage(ctx, req, 'orders', orders.filter((o) => state === null || o.state === state), (o) => o.creation_date * 1000, (o) => structuredClone(o));
  });

  router.add('GET', '/v2/orders/:id', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const order = ctx.store.orders.get(req.params.id ?? '');
    if (!order) return ctx.errors.notFound('la orden', req.params.id ?? '');
    refreshExpiry(ctx, order);
    return { status: 200, body: structuredClone(order) };
  });

  // Confirmation accepts either key (culqi.md §1.1: SDKs send the public key, the recordings the secret one).
  router.add('POST', '/v2/orders/:id/confirm', (req) => {
    const denied = ctx.authorize(req, 'either');
    if (denied) return denied;
    const order = ctx.store.orders.get(req.params.id ?? '');
    if (!order) return ctx.errors.notFound('la orden', req.params.id ?? '');
    refreshExpiry(ctx, order);
    if (order.state !== 'created') return ctx.errors.badState(`La orden ${order.id} no está en estado created (está ${order.state}).`);
    confirm(order);
    setState(ctx, order, 'pending');
    return { status: 201, body: structuredClone(order) };
  });

  router.add('DELETE', '/v2/orders/:id', (req) => {
    const denied = ctx.authorize(req, 'secret');
    if (denied) return denied;
    const order = ctx.store.orders.get(req.params.id ?? '');
    if (!order) return ctx.errors.notFound('la orden', req.params.id ?? '');
    refreshExpiry(ctx, order);
    if (order.state !== 'created' && order.state !== 'pending') return ctx.errors.badState(`La orden ${order.id} está ${order.state} y no puede eliminarse.`);
    setState(ctx, order, 'deleted');
    return { status: 200, body: { id: order.id, deleted: true, merchant_message: `Se eliminó la orden con ID ${order.id} exitosamente.` } };
  });
}
