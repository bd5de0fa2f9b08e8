/** Small readers for untrusted parsed JSON and query strings. */

/** A non-empty string or finite number (first element of a repeated query parameter) as text, else null. */
export function scalarText(value: unknown): string | null {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  if (typeof first === 'string' && first !== '') return first;
  if (typeof first === 'number' && Number.isFinite(first)) return String(first);
  return null;
}

/** The value as a plain object, else null. */
export function plainObject(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
