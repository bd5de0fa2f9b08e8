import type { SimRequest, SimResponse } from '../sim-types';
import type { CulqiContext } from './culqi-context';

/**
 * Culqi list paging (culqi.md §2.4): newest first, `limit` 1–100 (default 50), `before`/`after` object-id
 * cursors (`after` walks to older items, `before` to newer; with both only `before` counts), and the recorded
 * `{ data, paging: { previous, next, cursors, remaining_items } }` envelope.
 */
export function listPage<T extends { id: string }>(
  ctx: CulqiContext,
  req: SimRequest,
  resource: string,
  newestFirst: T[],
  creationMs: (item: T) => number,
  present: (item: T) => unknown = (item) => item,
): SimResponse {
  const limitText = req.query.get('limit');
  const limit = limitText === null ? 50 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return ctx.errors.parameter('limit', "El campo 'limit' debe ser un entero entre 1 y 100.");

  let items = newestFirst;
  for (const [param, keep] of [
    ['creation_date_from', (ms: number, bound: number) => ms >= bound],
    ['creation_date_to', (ms: number, bound: number) => ms <= bound],
  ] as const) {
    const text = req.query.get(param);
    if (text === null) continue;
    const bound = parseTimestamp(text);
    if (bound === null) return ctx.errors.parameter(param, `El campo '${param}' debe ser un timestamp Unix.`);
    items = items.filter((item) => keep(creationMs(item), bound));
  }

  const before = req.query.get('before');
  const after = before === null ? req.query.get('after') : null;
  let page: T[];
  let remaining: number;
  if (before !== null || after !== null) {
    const cursor = (before ?? after) as string;
    const index = items.findIndex((item) => item.id === cursor);
    if (index < 0) return ctx.errors.parameter(before !== null ? 'before' : 'after', `No existe un objeto con ID ${cursor} en esta lista.`);
    if (before !== null) {
      const start = Math.max(0, index - limit);
      page = items.slice(start, index);
      remaining = start;
    } else {
      page = items.slice(index + 1, index + 1 + limit);
      remaining = Math.max(0, items.length - (index + 1 + limit));
    }
  } else {
    page = items.slice(0, limit);
    remaining = Math.max(0, items.length - limit);
  }

  const first = page[0];
  const last = page[page.length - 1];
  const url = `${ctx.apiBase()}/${resource}?limit=${limit}`;
  const firstIndex = first ? items.indexOf(first) : -1;
  const lastIndex = last ? items.indexOf(last) : -1;
  return {
    status: 200,
    body: {
      data: page.map(present),
      paging: {
        previous: first && firstIndex > 0 ? `${url}&before=${first.id}` : null,
        next: last && lastIndex < items.length - 1 ? `${url}&after=${last.id}` : null,
        cursors: { before: first?.id ?? null, after: last?.id ?? null },
        remaining_items: remaining,
      },
    },
  };
}

/** Unix time given in milliseconds or, as in Culqi's docs examples, in seconds. */
export function parseTimestamp(text: string): number | null {
  if (!/^\d{1,15}$/.test(text)) return null;
  const value = Number(text);
  return value < 100_000_000_000 ? value * 1000 : value;
}
