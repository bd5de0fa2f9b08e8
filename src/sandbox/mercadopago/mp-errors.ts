import { randomUUID } from 'node:crypto';
import type { SimResponse } from '../sim-types';

export interface MpCause {
  code: number | string;
  description: string;
}

/** `23-09-2021T17:56:16UTC;<uuid>`: the `data` of each cause, as in the SDK fixture (mercadopago.md §10). */
function causeData(): string {
  const iso = new Date().toISOString();
  return `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}T${iso.slice(11, 19)}UTC;${randomUUID()}`;
}

/** `{ message, error, status, cause: [{ code, description, data }] }` (mercadopago.md §10). */
export function mpError(status: number, error: string | null, message: string, causes: MpCause[] = []): SimResponse {
  return { status, body: { message, error, status, cause: causes.map((c) => ({ ...c, data: causeData() })) } };
}

export function badRequest(code: number | string, description: string, message = description): SimResponse {
  return mpError(400, 'bad_request', message, [{ code, description }]);
}

export function notFound(code: number | string, description: string): SimResponse {
  return mpError(404, 'not_found', description, [{ code, description }]);
}

export function unauthorized(missing: boolean): SimResponse {
  return missing
    ? mpError(401, 'unauthorized', 'Must provide your access_token to proceed', [{ code: 5, description: 'Must provide your access_token to proceed' }])
    : mpError(401, 'unauthorized', 'invalid access token', [{ code: 17, description: 'Invalid credentials' }]);
}

/** What an injected `http_500` looks like (observed body, mercadopago.md §10). */
export function serverError(): SimResponse {
  return { status: 500, body: { message: 'internal_error', error: null, status: 500, cause: [] } };
}
