import { describe, expect, it } from 'vitest';
import { CORRELATION_HEADER, correlationIdFrom } from '../src/correlation.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('correlationIdFrom', () => {
  it('uses the x-correlation-id header', () => {
    expect(CORRELATION_HEADER).toBe('x-correlation-id');
  });

  it.each(['abcd1234', '3f2b1c9e-8a7d-4e6f-9b0a-1c2d3e4f5a6b', 'client.app:req_42-retry.1', 'A'.repeat(128)])(
    'keeps the well-formed id %j',
    (id) => {
      expect(correlationIdFrom(id)).toBe(id);
    },
  );

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['an id shorter than 8 characters', 'abc1234'],
    ['an id longer than 128 characters', 'A'.repeat(129)],
    ['an id with spaces', 'abcd 1234'],
    ['an id with a newline (log injection)', 'abcd1234\nforged log line'],
    ['an id with a trailing newline', 'abcd1234\n'],
    ['an id with slashes', 'abcd/1234/../x'],
    ['an id with non-ASCII letters', 'ação-12345'],
    ['an id with quotes', '"abcd1234"'],
  ] as Array<[string, string | undefined]>)('replaces %s with a new UUID', (_label, header) => {
    const id = correlationIdFrom(header);
    expect(id).toMatch(uuid);
    expect(id).not.toBe(header);
  });

  it('starts a different id for each request that brings none', () => {
    const ids = new Set(Array.from({ length: 100 }, () => correlationIdFrom(undefined)));
    expect(ids.size).toBe(100);
  });

  it('uses the first value of a repeated header', () => {
    expect(correlationIdFrom(['first-id-123', 'second-id-456'])).toBe('first-id-123');
    expect(correlationIdFrom(['bad id', 'second-id-456'])).toMatch(uuid);
    expect(correlationIdFrom([])).toMatch(uuid);
  });
});
