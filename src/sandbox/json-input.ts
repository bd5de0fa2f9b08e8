/** Small readers for untrusted JSON bodies (the simulators validate like the real services, field by field). */

export type JsonRecord = Record<string, unknown>;

export function asRecord(value: unknown): JsonRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonRecord) : undefined;
}

export function stringField(obj: JsonRecord | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** A string, or a number given where the API documents a string (Culqi accepts both in places). */
export function textField(obj: JsonRecord | undefined, key: string): string | undefined {
  const v = obj?.[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** An integer given as a JSON number or as a string of digits (Culqi docs show both forms for amounts). */
export function integerField(obj: JsonRecord | undefined, key: string): number | undefined {
  const v = obj?.[key];
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v)) return Number(v);
  return undefined;
}

export function booleanField(obj: JsonRecord | undefined, key: string): boolean | undefined {
  const v = obj?.[key];
  return typeof v === 'boolean' ? v : undefined;
}

export function has(obj: JsonRecord | undefined, key: string): boolean {
  return obj !== undefined && obj[key] !== undefined && obj[key] !== null;
}

/** A deep copy of plain JSON data, so stored objects never share structure with what was returned. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
