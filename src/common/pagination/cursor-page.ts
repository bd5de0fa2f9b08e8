import { ApiError } from '../errors/api-error';
import { isId, type IdKind } from '../ids';

export interface ListPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/** Cursors are opaque to clients: base64url of the last id served (ids sort by creation time). */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, kind: IdKind): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isId(kind, id)) throw ApiError.validation([{ param: 'cursor', message: 'not a cursor returned by this list' }]);
  return id;
}

/** Builds a page from `limit + 1` rows fetched newest first (or oldest first: the order is kept). */
export function toPage<E extends { id: string }, T>(rows: E[], limit: number, present: (row: E) => T): ListPage<T> {
  const hasMore = rows.length > limit;
  const slice = hasMore ? rows.slice(0, limit) : rows;
  const last = slice[slice.length - 1];
  return {
    object: 'list',
    data: slice.map(present),
    has_more: hasMore,
    next_cursor: hasMore && last ? encodeCursor(last.id) : null,
  };
}
