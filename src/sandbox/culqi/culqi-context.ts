import { asRecord, type JsonRecord } from '../json-input';
import { randomAlnum } from '../random-values';
import type { Clock, SimRequest, SimResponse } from '../sim-types';
import type { CulqiErrors } from './culqi-errors';
import type { CulqiClient, Metadata } from './culqi-objects';
import type { CulqiStore } from './culqi-store';

export type KeyRole = 'secret' | 'public' | 'either';

/** What every Culqi route needs: state, time, errors, auth, base URL and the event emitter. */
export interface CulqiContext {
  store: CulqiStore;
  now: Clock;
  errors: CulqiErrors;
  tokenTtlMs: number;
  /** `http://127.0.0.1:<port>/v2`, known once the listener is bound. */
  apiBase(): string;
  /** Null when the Bearer key fits the role, else the 401 to answer. */
  authorize(req: SimRequest, role: KeyRole): SimResponse | null;
  emit(type: string, data: unknown): void;
}

/** `<prefix>_test_` + 16 alphanumerics: 25 characters, as every recorded id (culqi.md §2.1). */
export function culqiId(prefix: 'tkn' | 'ype' | 'chr' | 'ref' | 'cus' | 'crd' | 'ord' | 'evt'): string {
  return `${prefix}_test_${randomAlnum(16)}`;
}

/** metadata: a flat object of ≤ 20 keys, keys ≤ 30 and values ≤ 200 characters (culqi.md §2.5). */
export function readMetadata(ctx: CulqiContext, body: JsonRecord): Metadata | SimResponse {
  if (body.metadata === undefined || body.metadata === null) return {};
  const metadata = asRecord(body.metadata);
  const message = "El campo 'metadata' es inválido: máximo 20 llaves de hasta 30 caracteres y valores de hasta 200 caracteres.";
  if (!metadata) return ctx.errors.parameter('metadata', message);
  const entries = Object.entries(metadata);
  if (entries.length > 20) return ctx.errors.parameter('metadata', message);
  for (const [key, value] of entries) {
    if (key.length > 30) return ctx.errors.parameter('metadata', message);
    if (typeof value === 'object' && value !== null) return ctx.errors.parameter('metadata', message);
    if (String(value).length > 200) return ctx.errors.parameter('metadata', message);
  }
  return { ...metadata };
}

export function isResponse(value: unknown): value is SimResponse {
  return typeof value === 'object' && value !== null && 'status' in value && typeof value.status === 'number';
}

export function isEmail(value: string | undefined): value is string {
  return value !== undefined && value.length >= 5 && value.length <= 50 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

/** The token's `client` block as recorded (IP of the caller, Peru, desktop). */
export function clientOf(req: SimRequest): CulqiClient {
  const ip = req.remoteAddress.replace(/^::ffff:/, '');
  return { ip, ip_country: 'Peru', ip_country_code: 'PE', browser: 'UNKNOWN', device_fingerprint: null, device_type: 'Escritorio' };
}
