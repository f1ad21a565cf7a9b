import { buildSchema, Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { OperationLimits } from '../src/config.js';
import { costModel } from '../src/protection/cost-limit-plugin.js';
import { checkOperationLimits } from '../src/protection/operation-limits.js';
import { measureOperations } from '../src/protection/operation-shape.js';
import { estimateCost } from '../src/protection/query-cost.js';

const limits: OperationLimits = { maxDepth: 5, maxAliases: 3, maxRootFields: 3, maxTokens: 100, maxCost: 1_000 };

describe('measuring an operation before validation', () => {
  it('counts depth from 1 at the root, through fragments and inline fragments, without __typename', () => {
    const shape = measureOperations(
      parse(`{ products { nodes { ...Card ... on Product { supplier { name __typename } } } } }
             fragment Card on Product { price { amount } }`),
    );
    expect(shape.depth).toBe(4);
  });

  it('counts aliases once per spread of the fragment that holds them', () => {
    const shape = measureOperations(parse(`{ a: me { id } ...F ...F } fragment F on Query { b: me { x: id } }`));
    expect(shape.aliases).toBe(5);
  });

  it('counts root fields through fragments, but not __typename', () => {
    const shape = measureOperations(
      parse(`{ __typename me { id } ... on Query { products { totalCount } } ...R } fragment R on Query { users { totalCount } }`),
    );
    expect(shape.rootFields).toBe(3);
  });

  it('takes the largest of several operations in one document', () => {
    const shape = measureOperations(parse(`query A { me { id } } query B { a: me { id } b: me { id } products { nodes { id } } }`));
    expect(shape).toEqual({ depth: 3, aliases: 2, rootFields: 3 });
  });

  it('stays linear on a fragment bomb, where each fragment spreads the previous one twice', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, level) =>
      level === 0 ? `fragment F0 on Query { a: me { id } }` : `fragment F${level} on Query { ...F${level - 1} ...F${level - 1} }`,
    );
    const startedAt = performance.now();
    const shape = measureOperations(parse(`{ ...F${levels - 1} } ${fragments.join(' ')}`));
    // Exponential work would never finish; the bound only has to tell linear from badly superlinear.
    expect(performance.now() - startedAt).toBeLessThan(2_000);
    expect(shape.aliases).toBe(2 ** (levels - 1));
    expect(shape.rootFields).toBe(2 ** (levels - 1));
  });

  it('survives a fragment cycle, which validation refuses later', () => {
    expect(measureOperations(parse(`{ ...A } fragment A on Query { me { id } ...B } fragment B on Query { ...A }`)).depth).toBe(2);
  });
});

describe('checking the limits on a document’s text', () => {
  const nested = (depth: number) => `{ ${'a { '.repeat(depth - 1)}b${' }'.repeat(depth - 1)} }`;

  it('lets a document at every limit through, with its parsed document', () => {
    const result = checkOperationLimits(`{ a: me { id } b: me { id } c: products { nodes { supplier { name } } } }`, limits);
    expect(result.ok).toBe(true);
    expect(result.ok && result.document?.kind).toBe(Kind.DOCUMENT);
    expect(checkOperationLimits(nested(5), limits).ok).toBe(true);
  });

  it.each([
    ['QUERY_TOO_DEEP', nested(6), { depth: 6, maxDepth: 5 }],
    ['TOO_MANY_ALIASES', `{ me { a: id b: id c: id d: id } }`, { aliases: 4, maxAliases: 3 }],
    [
      'TOO_MANY_ROOT_FIELDS',
      `{ me { id } users { totalCount } products { totalCount } product(id: "1") { id } }`,
      { rootFields: 4, maxRootFields: 3 },
    ],
  ])('refuses with %s and says which limit', (code, query, details) => {
    const result = checkOperationLimits(query, limits);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.refusal.code).toBe(code);
    expect(result.refusal.details).toEqual(details);
  });

  it('stops parsing at the token limit and refuses with TOO_MANY_TOKENS', () => {
    const huge = `{ ${'me { id } '.repeat(200_000)} }`;
    const startedAt = performance.now();
    const result = checkOperationLimits(huge, limits);
    expect(performance.now() - startedAt).toBeLessThan(100);
    expect(result.ok ? undefined : result.refusal.code).toBe('TOO_MANY_TOKENS');
  });

  it('leaves an ordinary syntax error to Apollo Server, even in a long document', () => {
    expect(checkOperationLimits(`{ me { id }`, limits)).toEqual({ ok: true, document: undefined });
    expect(checkOperationLimits(`{ ${'a '.repeat(10)} ]`, limits).ok).toBe(true);
  });
});

describe('estimating an operation’s cost', () => {
  const schema = buildSchema(`
    type Query { me: User  products(first: Int = 20, after: String): ProductConnection!  tags: [String!]!  users: [User!]! }
    type ProductConnection { nodes: [Product!]!  pageInfo: PageInfo!  totalCount: Int! }
    type PageInfo { hasNextPage: Boolean!  endCursor: String }
    type Product { id: ID!  name: String!  supplier: User! }
    type User { id: ID!  name: String!  products(first: Int = 20): ProductConnection! }
  `);
  const cost = (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
    const fragments = new Map(
      document.definitions
        .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
        .map((fragment) => [fragment.name.value, fragment]),
    );
    return estimateCost(schema, operation, fragments, variables, costModel);
  };

  it('counts objects and not scalars', () => {
    expect(cost(`{ me { id name } }`)).toBe(1);
    expect(cost(`{ products { totalCount pageInfo { hasNextPage } } }`)).toBe(2);
    expect(cost(`{ tags }`)).toBe(0);
  });

  it('sizes a connection’s nodes by `first`, its default, or a variable, capped at 100', () => {
    expect(cost(`{ products(first: 5) { nodes { id } } }`)).toBe(1 + 5);
    expect(cost(`{ products { nodes { id } } }`)).toBe(1 + 20);
    expect(cost(`query ($n: Int) { products(first: $n) { nodes { id } } }`, { n: 50 })).toBe(1 + 50);
    expect(cost(`query ($n: Int = 7) { products(first: $n) { nodes { id } } }`)).toBe(1 + 7);
    expect(cost(`{ products(first: 1000) { nodes { id } } }`)).toBe(1 + 100);
  });

  it('multiplies nested pages, through fragments', () => {
    const query = `{ products(first: 100) { nodes { ...Row } } } fragment Row on Product { supplier { products(first: 10) { nodes { id } } } }`;
    // products 1 + 100 × (node 1 + supplier 1 + products 1 + 10 nodes)
    expect(cost(query)).toBe(1 + 100 * (1 + 1 + 1 + 10));
  });

  it('gives a list without a page argument the default page size', () => {
    expect(cost(`{ users { id } }`)).toBe(20);
  });
});
