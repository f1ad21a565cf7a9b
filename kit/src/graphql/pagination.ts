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

export function decodeCursor(cursor: string | null | undefined, argument = 'after'): KeysetCursor | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const [time, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(time ?? '');
  if (id === undefined || !isUuid(id) || Number.isNaN(createdAt.getTime())) {
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
