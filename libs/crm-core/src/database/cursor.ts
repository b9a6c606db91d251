/**
 * Opaque keyset cursors for list routes: the sort value and id of the last row served. A cursor
 * that does not decode is the client's error (400), never a 500.
 */
export interface CursorPosition {
  at: string | null;
  id: string;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not valid: pass the nextCursor of a previous page unchanged');
  }
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Only the form this file writes (`Date#toISOString` of a stored timestamp): `Date.parse` also
 * reads strings PostgreSQL does not (`"1"`, `"Tue 1 Dec"`), which would reach the query as a 500.
 */
function isIssuedInstant(at: unknown): at is string {
  if (typeof at !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(at) || at.startsWith('0000')) return false;
  const time = Date.parse(at);
  return !Number.isNaN(time) && new Date(time).toISOString() === at;
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if ((at === null || isIssuedInstant(at)) && typeof id === 'string' && UUID.test(id)) return { at, id };
  } catch {
    // fall through: any decoding failure is the same client error
  }
  throw new InvalidCursorError();
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Rows were fetched with limit + 1: the extra row only says there is a next page. */
export function toPage<R, T>(rows: R[], limit: number, view: (row: R) => T, position: (row: R) => CursorPosition): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor(position(last)) : null,
  };
}
