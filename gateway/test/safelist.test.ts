import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Safelist } from '../src/protection/safelist.js';

const directory = mkdtempSync(join(tmpdir(), 'gateway-safelist-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function manifestFile(content: unknown): string {
  const path = join(directory, `manifest-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const catalog = 'query Catalog { products { totalCount } }';

describe('the safelist', () => {
  const safelist = Safelist.load(
    manifestFile({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [
        { id: sha256(catalog), name: 'Catalog', type: 'query', body: catalog },
        { id: 'custom-id-1', name: 'Me', type: 'query', body: 'query Me { me { id } }' },
      ],
    }),
  );

  it('allows a registered operation by its text, also with other whitespace and comments', () => {
    expect(safelist.allowsQuery(catalog)).toBe(true);
    expect(safelist.allowsQuery('query Catalog {\n  # the whole catalog\n  products { totalCount }\n}')).toBe(true);
  });

  it('refuses any other text, including a registered one with another selection', () => {
    expect(safelist.allowsQuery('query Catalog { products { totalCount nodes { id } } }')).toBe(false);
    expect(safelist.allowsQuery('{ __schema { types { name } } }')).toBe(false);
    expect(safelist.allowsQuery('not graphql {')).toBe(false);
  });

  it('allows a registered operation by its id, or the sha256 of its body', () => {
    expect(safelist.allowsId('custom-id-1')).toBe(true);
    expect(safelist.allowsId(sha256('query Me { me { id } }'))).toBe(true);
    expect(safelist.allowsId(sha256('query Other { me { id } }'))).toBe(false);
  });

  it('serves registered bodies to Apollo Server’s APQ lookups and never stores anything', async () => {
    const cache = safelist.persistedQueryCache();
    expect(await cache.get(`apq:${sha256(catalog)}`)).toBe(catalog);
    expect(await cache.get('apq:custom-id-1')).toBe('query Me { me { id } }');
    await cache.set(`apq:${sha256('{ me { id } }')}`, '{ me { id } }');
    expect(await cache.get(`apq:${sha256('{ me { id } }')}`)).toBeUndefined();
  });

  it.each([
    ['a file that is not JSON', '{ not json'],
    ['another format', { format: 'relay', version: 1, operations: [{ id: 'a', body: '{ me { id } }' }] }],
    ['an empty list', { format: 'apollo-persisted-query-manifest', version: 1, operations: [] }],
  ])('refuses to start from %s', (_name, content) => {
    expect(() => Safelist.load(manifestFile(content))).toThrow(/GATEWAY_SAFELIST_PATH/);
  });
});
