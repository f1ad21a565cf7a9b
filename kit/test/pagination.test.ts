import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { connection, decodeCursor, encodeCursor, MAX_PAGE_SIZE, newestFirstPage, pageOf, pageSize } from '../src/graphql/pagination.js';

function thrown(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return error as GraphQLError;
  }
  throw new Error('expected a GraphQLError');
}

describe('cursors', () => {
  it('decodes an encoded cursor back to the same position, to the millisecond', () => {
    const position = { createdAt: new Date('2026-11-21T20:48:59.123Z'), id: '5f0c8b52-6a3e-4c1e-9d7a-2b8f1e4c6a90' };
    const decoded = decodeCursor(encodeCursor(position));
    expect(decoded).toEqual(position);
    expect(decoded?.createdAt.getTime()).toBe(position.createdAt.getTime());
  });

  it('produces URL-safe cursors', () => {
    for (let i = 0; i < 50; i += 1) {
      const cursor = encodeCursor({ createdAt: new Date(Date.UTC(2026, 0, 1) + i * 7_777_777), id: randomUUID() });
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });

  it('treats an absent cursor as the first page', () => {
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor(null)).toBeUndefined();
  });

  it.each([
    ['random text', 'not-a-cursor'],
    ['an empty string', ''],
    ['a valid date without an id', Buffer.from('2026-01-01T00:00:00.000Z|').toString('base64url')],
    ['an id without a date', Buffer.from('|5f0c8b52-6a3e-4c1e-9d7a-2b8f1e4c6a90').toString('base64url')],
    ['a non-date before the separator', Buffer.from('yesterday|5f0c8b52-6a3e-4c1e-9d7a-2b8f1e4c6a90').toString('base64url')],
    ['the earliest JavaScript date', Buffer.from('-271821-04-20T00:00:00.000Z|5f0c8b52-6a3e-4c1e-9d7a-2b8f1e4c6a90').toString('base64url')],
    ['the latest JavaScript date', Buffer.from('+275760-09-13T00:00:00.000Z|5f0c8b52-6a3e-4c1e-9d7a-2b8f1e4c6a90').toString('base64url')],
    [
      'a date before any row could exist',
      Buffer.from('0000-01-01T00:00:00.000Z|5f0c8b52-6a3e-4c1e-9d7a-2b8f1e4c6a90').toString('base64url'),
    ],
    [
      'a day the calendar does not have',
      Buffer.from('2026-02-30T00:00:00.000Z|5f0c8b52-6a3e-4c1e-9d7a-2b8f1e4c6a90').toString('base64url'),
    ],
    ['a date in another notation', Buffer.from('Mon, 07 Dec 2026 10:00:00 GMT|5f0c8b52-6a3e-4c1e-9d7a-2b8f1e4c6a90').toString('base64url')],
    ['a third part after the id', Buffer.from('2026-01-01T00:00:00.000Z|5f0c8b52-6a3e-4c1e-9d7a-2b8f1e4c6a90|x').toString('base64url')],
  ])('refuses a forged cursor (%s) with BAD_USER_INPUT', (_label, cursor) => {
    const error = thrown(() => decodeCursor(cursor));
    expect(error.extensions['code']).toBe('BAD_USER_INPUT');
    expect(error.extensions['fields']).toEqual([{ field: 'after', message: expect.stringContaining('pageInfo.endCursor') }]);
  });

  it('names the argument the bad cursor came from', () => {
    const error = thrown(() => decodeCursor('garbage', 'before'));
    expect(error.extensions['fields']).toEqual([{ field: 'before', message: expect.any(String) }]);
    expect(error.message).toContain('before:');
  });
});

describe('pageSize', () => {
  it('defaults to 20 when no size is asked for', () => {
    expect(pageSize(null)).toBe(20);
    expect(pageSize(undefined)).toBe(20);
  });

  it('accepts sizes from 1 to the maximum', () => {
    expect(pageSize(1)).toBe(1);
    expect(pageSize(MAX_PAGE_SIZE)).toBe(MAX_PAGE_SIZE);
    expect(MAX_PAGE_SIZE).toBe(100);
  });

  it.each([0, -1, 101, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s with BAD_USER_INPUT', (size) => {
    const error = thrown(() => pageSize(size));
    expect(error.extensions['code']).toBe('BAD_USER_INPUT');
    expect(error.extensions['fields']).toEqual([{ field: 'first', message: 'must be between 1 and 100' }]);
  });

  it('names the argument it checked', () => {
    expect(thrown(() => pageSize(0, 'last')).extensions['fields']).toEqual([{ field: 'last', message: 'must be between 1 and 100' }]);
  });
});

describe('connection', () => {
  it('points endCursor at the last node of the page', () => {
    const nodes = [
      { createdAt: new Date('2026-01-02T00:00:00.000Z'), id: '0b7c2a9e-3f41-4d8a-9c55-1e2f3a4b5c6d' },
      { createdAt: new Date('2026-01-01T00:00:00.000Z'), id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' },
    ];
    const page = connection(nodes, true, 7);
    expect(page.totalCount).toBe(7);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(page.pageInfo.endCursor)).toEqual(nodes[1]);
  });

  it('has no endCursor for an empty page', () => {
    expect(connection([], false, 0).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});

describe('newestFirstPage and pageOf', () => {
  const position = { createdAt: new Date('2026-11-21T12:00:00.000Z'), id: '3f1f1f0b-5a10-4c61-9a55-6f1c2d0e0b7e' };

  it('asks for one row more than the page, newest first with the id breaking ties', () => {
    expect(newestFirstPage({ active: true }, undefined, 20)).toEqual({
      where: { active: true },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 21,
    });
  });

  it('continues strictly after the cursor, keeping the filter', () => {
    expect(newestFirstPage({ active: true }, position, 5).where).toEqual({
      AND: [
        { active: true },
        { OR: [{ createdAt: { lt: position.createdAt } }, { createdAt: position.createdAt, id: { lt: position.id } }] },
      ],
    });
  });

  it('tells from the extra row whether another page follows', () => {
    expect(pageOf([1, 2, 3], 2)).toEqual({ nodes: [1, 2], hasNextPage: true });
    expect(pageOf([1, 2], 2)).toEqual({ nodes: [1, 2], hasNextPage: false });
  });
});
