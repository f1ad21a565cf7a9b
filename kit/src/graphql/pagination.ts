import { invalidInput } from '../errors.js';
import { isUuid } from '../identifiers.js';

/** A keyset position: the last row of the previous page, newest-first by (createdAt, id). */
export interface KeysetCursor {
  createdAt: Date;
  id: string;
}

export const MAX_PAGE_SIZE = 100;

export function encodeCursor(position: KeysetCursor): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}`).toString('base64url');
}

/**
 * The positions a cursor of ours can hold: encodeCursor writes a row's creation
 * time, always a four-digit-year ISO instant. Anything else was forged or
 * corrupted, and an instant outside what PostgreSQL stores (JavaScript dates
 * reach year -271821) would fail in the database instead of here.
 */
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const EARLIEST_POSITION = Date.UTC(1970, 0, 1);

export function decodeCursor(cursor: string | null | undefined, argument = 'after'): KeysetCursor | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const [time = '', id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(time);
  const isPosition =
    rest.length === 0 &&
    id !== undefined &&
    isUuid(id) &&
    CURSOR_TIME.test(time) &&
    !Number.isNaN(createdAt.getTime()) &&
    // A round trip refuses calendar overflow such as 2026-02-30, which Date would roll into March.
    createdAt.toISOString() === time &&
    createdAt.getTime() >= EARLIEST_POSITION;
  if (!isPosition) {
    throw invalidInput([{ field: argument, message: 'is not a cursor returned by this API (use pageInfo.endCursor)' }]);
  }
  return { createdAt, id };
}

export function pageSize(first: number | null | undefined, argument = 'first'): number {
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw invalidInput([{ field: argument, message: `must be between 1 and ${MAX_PAGE_SIZE}` }]);
  }
  return size;
}

export function connection<Node extends KeysetCursor>(nodes: Node[], hasNextPage: boolean, totalCount: number) {
  const last = nodes.at(-1);
  return {
    nodes,
    totalCount,
    pageInfo: { hasNextPage, endCursor: last === undefined ? null : encodeCursor(last) },
  };
}

/**
 * The Prisma arguments of one newest-first page after a cursor, ordered by
 * (createdAt, id); one row more than asked is taken to learn whether another
 * page follows (see pageOf).
 */
export function newestFirstPage<Where extends object>(filter: Where, after: KeysetCursor | undefined, first: number) {
  const where =
    after === undefined
      ? filter
      : { AND: [filter, { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }] };
  return { where, orderBy: [{ createdAt: 'desc' as const }, { id: 'desc' as const }], take: first + 1 };
}

/** Splits the rows of newestFirstPage into the page and whether another follows. */
export function pageOf<Row>(rows: Row[], first: number): { nodes: Row[]; hasNextPage: boolean } {
  return { nodes: rows.slice(0, first), hasNextPage: rows.length > first };
}
