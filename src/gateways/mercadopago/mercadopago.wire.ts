/**
 * Reading Mercado Pago JSON defensively: answers arrive as `unknown`, ids are int64 numbers in REST
 * bodies (strings in webhooks), `cause[].code` is sometimes a number and sometimes a string.
 */

export type Json = Record<string, unknown>;

export function asRecord(value: unknown): Json | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;
}

/** Ids and codes as strings whatever their JSON type (`17014025134` → "17014025134"). */
export function idString(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function int(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,9}$/.test(value)) return Number(value);
  return null;
}

export interface MpError {
  message: string;
  /** `cause[].code` values as strings, in order. */
  causes: string[];
}

/** `{message, error, status, cause:[{code, description}]}`, tolerating anything else (HTML from an edge, empty bodies). */
export function parseMpError(json: unknown, status: number): MpError {
  const body = asRecord(json);
  const causeList = Array.isArray(body?.cause) ? body.cause : [];
  const causes: string[] = [];
  const descriptions: string[] = [];
  for (const entry of causeList) {
    const cause = asRecord(entry);
    const code = idString(cause?.code);
    if (code !== null) causes.push(code);
    const description = text(cause?.description);
    if (description !== null) descriptions.push(description);
  }
  const message = text(body?.message) ?? descriptions[0] ?? text(body?.error) ?? `HTTP ${status}`;
  return { message, causes };
}
