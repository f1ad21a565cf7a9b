// Differential test of the gateway's executor (gateway/src/execution): every
// operation runs through stock @apollo/gateway and through CompiledPlanGateway,
// against the same real subgraphs over HTTP, and what a client receives must be
// identical: HTTP status, data, errors with their paths and extensions,
// extensions, key order included. Ours answers each operation twice, the second
// time from its prepared-operation cache. Each case also checks known values,
// so that two executors broken the same way would still fail.
//
// The subgraphs are small but cover what the executor has to get right:
// entities joined with @key, @requires and @provides, a list of lists, an
// interface and a union, an @interfaceObject, a list two subgraphs each fill
// half of, failing resolvers, a subgraph answering 500, one that cannot be
// reached, and one ("legacy") that breaks its declared schema.
import { createRequire } from 'node:module';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { QueryPlanner, prettyFormatQueryPlan, type QueryPlan } from '@apollo/query-planner';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { Logger } from '@apollo/utils.logger';
import { execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CompiledPlanGateway } from '../src/execution/index.js';
import { freePort } from '../../test/support/free-port.js';

process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';

// ---------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------

interface ProductRow {
  upc: string;
  name: string;
  price: number;
  weight: number;
  status: string;
}
interface UserRow {
  id: string;
  name: string;
  username: string;
}
interface ReviewRow {
  id: string;
  body: string;
  rating: number;
  authorId: string;
  upc: string;
}

const products: ProductRow[] = [
  { upc: 'upc-1', name: 'Botijão P13', price: 11_000, weight: 13, status: 'AVAILABLE' },
  { upc: 'upc-2', name: 'Botijão P45', price: 38_000, weight: 45, status: 'AVAILABLE' },
  { upc: 'upc-3', name: 'Botijão P5', price: 6_000, weight: 5, status: 'DISCONTINUED' },
  { upc: 'upc-4', name: 'Botijão P8', price: 8_000, weight: 8, status: 'AVAILABLE' },
];
const giftCard = { __typename: 'GiftCard', upc: 'gift-50', name: 'Vale-gás R$ 50', amount: 5_000 };
const users: UserRow[] = [
  { id: 'user-1', name: 'Ana', username: 'ana' },
  { id: 'user-2', name: 'Bruno', username: 'bruno' },
  { id: 'user-3', name: 'Carla', username: 'carla' },
];
const reviews: ReviewRow[] = [
  { id: 'review-1', body: 'Chegou rápido', rating: 5, authorId: 'user-1', upc: 'upc-1' },
  { id: 'review-2', body: 'Lacre intacto', rating: 4, authorId: 'user-2', upc: 'upc-1' },
  { id: 'review-3', body: 'Pesado demais', rating: 3, authorId: 'user-2', upc: 'upc-2' },
  { id: 'review-4', body: 'Bom preço', rating: 4, authorId: 'user-1', upc: 'upc-3' },
  { id: 'review-5', body: 'Entregador gentil', rating: 5, authorId: 'user-3', upc: 'upc-1' },
  // Of a product the catalog no longer has: its entity comes back null, so fetches that @require its fields skip it.
  { id: 'review-6', body: 'Modelo antigo', rating: 2, authorId: 'user-1', upc: 'upc-9' },
];

/**
 * What the legacy subgraph really returns. Its declared schema says
 * `stockCount: Int!`, `grade: Grade` (A, B, C), `legacyCode: Int`,
 * `tags: [String]` and `Supplier.name: String!`; upc-2 and upc-3 break those promises.
 */
interface LegacyRow {
  stockCount: number | null;
  grade: string;
  legacyCode: unknown;
  tags: unknown;
  supplier: { name: string | null; phone: string | null } | null;
}
const legacyRows: Record<string, LegacyRow> = {
  'upc-1': { stockCount: 7, grade: 'A', legacyCode: 1013, tags: ['residencial'], supplier: { name: 'Liquigás', phone: null } },
  'upc-2': { stockCount: null, grade: 'B', legacyCode: '1045', tags: 'industrial,45kg', supplier: { name: null, phone: '11 4000-0000' } },
  'upc-3': { stockCount: 0, grade: 'Z', legacyCode: 1005, tags: [], supplier: null },
  'upc-4': { stockCount: 2, grade: 'C', legacyCode: 1008, tags: [], supplier: { name: 'Ultragaz', phone: '11 3000-0000' } },
};

const productByUpc = (upc: string) => products.find((product) => product.upc === upc);
const userById = (id: string) => users.find((user) => user.id === id);
const reviewById = (id: string) => reviews.find((review) => review.id === id);
const sellableByUpc = (upc: string) => (upc === giftCard.upc ? giftCard : { __typename: 'Product', ...productByUpc(upc) });
const skuOf = (upc: string) => `SKU-${upc.toUpperCase()}`;
/** A value type (no key) that catalog and inventory each know half of. */
const packagingOf = (upc: string) =>
  upc === 'upc-1'
    ? [
        { kind: 'cylinder', litres: 31, shelf: 'A1' },
        { kind: 'crate', litres: 200, shelf: 'B4' },
      ]
    : [{ kind: 'cylinder', litres: 108, shelf: 'C2' }];
const reviewsOfProduct = (upc: string) => reviews.filter((review) => review.upc === upc);
const shippingEstimate = (price: number, weight: number) => (price > 10_000 ? 0 : Math.round(weight / 2));

/** Pages of `size` reviews; the last page is padded with nulls, so nested lists hold nulls too. */
function reviewPages(upc: string, size: number): Array<Array<ReviewRow | null>> {
  const all = reviewsOfProduct(upc);
  const pages: Array<Array<ReviewRow | null>> = [];
  for (let start = 0; start < all.length; start += size) {
    const page: Array<ReviewRow | null> = all.slice(start, start + size);
    while (page.length < size) page.push(null);
    pages.push(page);
  }
  return pages;
}

// ---------------------------------------------------------------------------
// Subgraphs
// ---------------------------------------------------------------------------

const federation = (imports: string[]) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports.map((name) => `"${name}"`).join(', ')}])`;

const catalogSdl = `${federation(['@key', '@shareable'])}
  type Query {
    topProducts(first: Int = 3): [Product]
    product(upc: ID!): Product
    catalogItems: [Sellable!]!
  }
  interface Sellable @key(fields: "upc") { upc: ID!  name: String }
  # sku is String! here but String on GiftCard (and in inventory), so a fetch
  # selecting both must alias one of them and rename it back (an output rewrite).
  type Product implements Sellable @key(fields: "upc") {
    upc: ID!  name: String  price: Int  weight: Int  status: ProductStatus  sku: String! @shareable  packaging: [Package] @shareable
  }
  type Package @shareable { kind: String  litres: Int }
  type GiftCard implements Sellable @key(fields: "upc") { upc: ID!  name: String  amount: Int  sku: String }
  enum ProductStatus { AVAILABLE DISCONTINUED }`;

const inventorySdl = `${federation(['@key', '@external', '@requires', '@shareable'])}
  type Package @shareable { kind: String  shelf: String }
  type Product @key(fields: "upc") {
    upc: ID!
    price: Int @external
    weight: Int @external
    inStock: Boolean
    sku: String @shareable
    packaging: [Package] @shareable
    shippingEstimate: Int @requires(fields: "price weight")
  }`;

const accountsSdl = `${federation(['@key', '@shareable'])}
  type Query { me: User  users: [User] }
  type User @key(fields: "id") { id: ID!  name: String  username: String @shareable  phone: String }`;

const reviewsSdl = `${federation(['@key', '@external', '@provides'])}
  type Query { recentActivity: [Activity] }
  union Activity = Review | Product
  type Review @key(fields: "id") {
    id: ID!
    body: String
    rating: Int
    verifiedRating: Int
    author: User @provides(fields: "username")
    product: Product
  }
  type User @key(fields: "id") { id: ID!  username: String @external  reviews: [Review] }
  type Product @key(fields: "upc") { upc: ID!  reviews: [Review]  reviewPages(size: Int!): [[Review]] }`;

const legacyDeclaredSdl = `${federation(['@key'])}
  type Product @key(fields: "upc") { upc: ID!  stockCount: Int!  grade: Grade  legacyCode: Int  tags: [String]  supplier: Supplier }
  enum Grade { A B C }
  type Supplier { name: String!  phone: String }`;

/**
 * The legacy subgraph's schema as it runs: looser than the one it declared for
 * composition, since a graphql-js subgraph never sends values that break its own schema.
 */
const legacyServedSdl = `${federation(['@key'])}
  scalar Loose
  type Product @key(fields: "upc") { upc: ID!  stockCount: Int  grade: String  legacyCode: Loose  tags: Loose  supplier: Supplier }
  type Supplier { name: String  phone: String }`;

/** Sees every Sellable as one type (@interfaceObject): the plan rewrites __typename in the representations sent to it. */
const insightsSdl = `${federation(['@key', '@interfaceObject'])}
  type Query { featured: [Sellable] }
  type Sellable @key(fields: "upc") @interfaceObject { upc: ID!  popularity: Int }`;

/** Declared for composition only: nothing listens at its URL. */
const loyaltySdl = `${federation(['@key'])}
  type User @key(fields: "id") { id: ID!  loyaltyPoints: Int }`;

type Reference = Record<string, unknown>;

const catalogSchema = buildSubgraphSchema([
  {
    typeDefs: parse(catalogSdl),
    resolvers: {
      Query: {
        topProducts: (_: unknown, { first }: { first: number }) => products.slice(0, first),
        product: (_: unknown, { upc }: { upc: string }) => productByUpc(upc),
        catalogItems: () => [{ __typename: 'Product', ...products[0] }, giftCard, { __typename: 'Product', ...products[1] }],
      },
      Sellable: {
        __resolveType: (item: { __typename: string }) => item.__typename,
        __resolveReference: (reference: Reference) => sellableByUpc(reference['upc'] as string),
      },
      Product: {
        __resolveReference: (reference: Reference) => productByUpc(reference['upc'] as string),
        sku: (product: ProductRow) => skuOf(product.upc),
        packaging: (product: ProductRow) => packagingOf(product.upc).map(({ kind, litres }) => ({ kind, litres })),
      },
      GiftCard: { __resolveReference: (reference: Reference) => sellableByUpc(reference['upc'] as string), sku: () => 'GC-50' },
    },
  },
]);

const inventorySchema = buildSubgraphSchema([
  {
    typeDefs: parse(inventorySdl),
    resolvers: {
      Product: {
        __resolveReference: (reference: Reference) => ({ ...reference, inStock: ['upc-1', 'upc-3'].includes(reference['upc'] as string) }),
        shippingEstimate: (product: { price: number; weight: number }) => shippingEstimate(product.price, product.weight),
        sku: (product: { upc: string }) => skuOf(product.upc),
        packaging: (product: { upc: string }) => packagingOf(product.upc).map(({ kind, shelf }) => ({ kind, shelf })),
      },
    },
  },
]);

const accountsSchema = buildSubgraphSchema([
  {
    typeDefs: parse(accountsSdl),
    resolvers: {
      Query: { me: () => users[0], users: () => users },
      User: {
        __resolveReference: (reference: Reference) => userById(reference['id'] as string),
        phone: (user: UserRow) => {
          if (user.id === 'user-2')
            throw new GraphQLError(`The phone number of ${user.username} is private`, { extensions: { code: 'FORBIDDEN' } });
          return `+55 11 9000-000${user.id.slice(-1)}`;
        },
      },
    },
  },
]);

const reviewsSchema = buildSubgraphSchema([
  {
    typeDefs: parse(reviewsSdl),
    resolvers: {
      Query: {
        recentActivity: () => [
          { __typename: 'Review', ...reviews[3] },
          { __typename: 'Product', upc: 'upc-2' },
          { __typename: 'Review', ...reviews[0] },
        ],
      },
      Activity: { __resolveType: (item: { __typename: string }) => item.__typename },
      Review: {
        __resolveReference: (reference: Reference) => reviewById(reference['id'] as string),
        verifiedRating: (review: ReviewRow) => {
          if (review.id === 'review-2') throw new Error('review-2 is under moderation');
          return review.rating;
        },
        author: (review: ReviewRow) => ({ __typename: 'User', id: review.authorId, username: userById(review.authorId)!.username }),
        product: (review: ReviewRow) => ({ __typename: 'Product', upc: review.upc }),
      },
      User: { reviews: (user: { id: string }) => reviews.filter((review) => review.authorId === user.id) },
      Product: {
        reviews: (product: { upc: string }) => reviewsOfProduct(product.upc),
        reviewPages: (product: { upc: string }, { size }: { size: number }) => reviewPages(product.upc, size),
      },
    },
  },
]);

const popularity: Record<string, number> = { 'upc-1': 91, 'upc-2': 40, 'upc-3': 12, 'upc-4': 77, 'gift-50': 65 };

const insightsSchema = buildSubgraphSchema([
  {
    typeDefs: parse(insightsSdl),
    resolvers: {
      Query: { featured: () => ['gift-50', 'upc-4', 'upc-1'].map((upc) => ({ upc })) },
      Sellable: {
        __resolveReference: (reference: Reference) => ({ upc: reference['upc'] }),
        popularity: (sellable: { upc: string }) => popularity[sellable.upc] ?? null,
      },
    },
  },
]);

const legacySchema = buildSubgraphSchema([
  {
    typeDefs: parse(legacyServedSdl),
    resolvers: {
      Product: { __resolveReference: (reference: Reference) => ({ upc: reference['upc'], ...legacyRows[reference['upc'] as string] }) },
    },
  },
]);

/** Subgraphs currently answering every request with HTTP 500. */
const brokenSubgraphs = new Set<string>();

function subgraphServer(name: string, schema: GraphQLSchema): Server {
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (brokenSubgraphs.has(name)) {
        send(500, { errors: [{ message: `${name} is restarting` }] });
        return;
      }
      const { query, variables, operationName } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        query: string;
        variables?: Record<string, unknown>;
        operationName?: string;
      };
      const document = parse(query);
      const validationErrors = validate(schema, document);
      if (validationErrors.length > 0) {
        send(400, { errors: validationErrors });
        return;
      }
      void Promise.resolve(execute({ schema, document, variableValues: variables ?? null, operationName: operationName ?? null })).then(
        (result) => send(200, result),
      );
    });
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

// ---------------------------------------------------------------------------
// The two gateways
// ---------------------------------------------------------------------------

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The stock executor's query-plan execution, watched: CompiledPlanGateway's
 * fallback is the stock executor, which always goes through this function, so
 * a request that did not call it was executed by our code alone. @apollo/gateway
 * calls it through its module's exports object, so a spy there sees every call.
 */
const stockPlanExecution = createRequire(import.meta.url)('@apollo/gateway/dist/executeQueryPlan.js') as {
  executeQueryPlan: (...args: unknown[]) => Promise<unknown>;
};
const stockPlanExecutions = vi.spyOn(stockPlanExecution, 'executeQueryPlan');

interface Request {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

/** What a client receives: the HTTP status and the JSON body, parsed back. */
interface Received {
  status: number;
  body: Record<string, unknown>;
}

interface Comparison {
  stock: Record<string, unknown>;
  ours: Record<string, unknown>;
  received: { stock: Received; ours: Received; oursCached: Received };
  stockPlanExecutionsByStock: number;
  /** Over both requests to ours: the first prepares the operation, the second reuses it. */
  stockPlanExecutionsByOurs: number;
}

let supergraphSdl: string;
let stockServer: ApolloServer;
let oursServer: ApolloServer;
const subgraphServers: Server[] = [];

async function respond(server: ApolloServer, request: Request): Promise<{ received: Received; stockPlanExecutions: number }> {
  const before = stockPlanExecutions.mock.calls.length;
  const response = await server.executeOperation(request);
  const stockPlanExecutionCount = stockPlanExecutions.mock.calls.length - before;
  if (response.body.kind !== 'single') throw new Error(`expected a single result, got ${response.body.kind}`);
  const body = JSON.parse(JSON.stringify(response.body.singleResult)) as Record<string, unknown>;
  return { received: { status: response.http.status ?? 200, body }, stockPlanExecutions: stockPlanExecutionCount };
}

async function compare(request: Request): Promise<Comparison> {
  const stock = await respond(stockServer, request);
  const ours = await respond(oursServer, request);
  const oursCached = await respond(oursServer, request);
  return {
    stock: stock.received.body,
    ours: ours.received.body,
    received: { stock: stock.received, ours: ours.received, oursCached: oursCached.received },
    stockPlanExecutionsByStock: stock.stockPlanExecutions,
    stockPlanExecutionsByOurs: ours.stockPlanExecutions + oursCached.stockPlanExecutions,
  };
}

/** Pretty JSON compares key order too, and fails with a line-by-line diff. */
const asJson = (value: unknown) => JSON.stringify(value, null, 2);

/** Ours answered exactly as stock did, both times. */
function expectSameResponse({ received }: Comparison): void {
  expect(asJson(received.ours)).toBe(asJson(received.stock));
  expect(asJson(received.oursCached)).toBe(asJson(received.stock));
}

/** …and from our executor, not its stock fallback. */
function expectSameResponseFromOurExecutor(comparison: Comparison): void {
  expectSameResponse(comparison);
  expect(comparison.stockPlanExecutionsByOurs, 'our gateway fell back to the stock executor').toBe(0);
}

/**
 * Ours answered as stock did but for the one deliberate divergence: a value a
 * subgraph returned against its declared schema is reported in `errors` (after
 * the subgraphs' own errors), where stock reports it only in
 * `extensions.valueCompletion`, or not at all when a subgraph also reported
 * errors. Clients read `errors` alone (docs/errors.md).
 */
function expectStockResponseWithCompletionErrorsInErrors(comparison: Comparison, completionErrors?: unknown[]): void {
  const { valueCompletion: reported, ...otherExtensions } = (comparison.stock['extensions'] ?? {}) as Record<string, unknown>;
  completionErrors ??= reported as unknown[];
  expect(completionErrors.length, 'a case about completion errors').toBeGreaterThan(0);
  const expected = {
    errors: [...((comparison.stock['errors'] as unknown[] | undefined) ?? []), ...completionErrors],
    data: comparison.stock['data'],
    ...(Object.keys(otherExtensions).length > 0 ? { extensions: otherExtensions } : {}),
  };
  expect(asJson(comparison.received.ours.body)).toBe(asJson(expected));
  expect(asJson(comparison.received.oursCached.body)).toBe(asJson(expected));
  expect(comparison.received.ours.status).toBe(comparison.received.stock.status);
  expect(comparison.stockPlanExecutionsByOurs, 'our gateway fell back to the stock executor').toBe(0);
}

/** Where a field of the response lives, for the known-value checks. */
function at(value: unknown, ...path: Array<string | number>): unknown {
  return path.reduce<unknown>(
    (current, key) => (current === null || current === undefined ? undefined : (current as Record<string | number, unknown>)[key]),
    value,
  );
}

/** The query plan @apollo/query-planner makes for `query`, to check a case exercises what it claims to. */
function queryPlanOf(query: string): QueryPlan {
  const supergraph = Supergraph.build(supergraphSdl);
  return new QueryPlanner(supergraph).buildQueryPlan(operationFromDocument(supergraph.apiSchema(), parse(query) as DocumentNode));
}

beforeAll(async () => {
  const served: Array<[string, GraphQLSchema]> = [
    ['catalog', catalogSchema],
    ['inventory', inventorySchema],
    ['accounts', accountsSchema],
    ['reviews', reviewsSchema],
    ['legacy', legacySchema],
    ['insights', insightsSchema],
  ];
  const urls: Record<string, string> = {};
  for (const [name, schema] of served) {
    const server = subgraphServer(name, schema);
    subgraphServers.push(server);
    urls[name] = await listen(server);
  }
  urls['loyalty'] = `http://127.0.0.1:${await freePort()}/graphql`;

  const declared: Record<string, string> = {
    catalog: catalogSdl,
    inventory: inventorySdl,
    accounts: accountsSdl,
    reviews: reviewsSdl,
    legacy: legacyDeclaredSdl,
    insights: insightsSdl,
    loyalty: loyaltySdl,
  };
  const composed = composeServices(Object.entries(declared).map(([name, sdl]) => ({ name, url: urls[name], typeDefs: parse(sdl) })));
  if (composed.errors !== undefined) throw new Error(`composition failed: ${composed.errors.map((error) => error.message).join('; ')}`);
  supergraphSdl = composed.supergraphSdl;

  const buildService = ({ url }: { url?: string }) => new RemoteGraphQLDataSource({ url });
  const serverOptions = { includeStacktraceInErrorResponses: false, introspection: true, logger: silentLogger };
  stockServer = new ApolloServer({ ...serverOptions, gateway: new ApolloGateway({ supergraphSdl, buildService, logger: silentLogger }) });
  oursServer = new ApolloServer({
    ...serverOptions,
    gateway: new CompiledPlanGateway({ supergraphSdl, buildService, logger: silentLogger, maxPreparedOperations: 100 }),
  });
  await Promise.all([stockServer.start(), oursServer.start()]);
});

afterAll(async () => {
  await Promise.all([stockServer?.stop(), oursServer?.stop()]);
  await Promise.all(
    subgraphServers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
  stockPlanExecutions.mockRestore();
});

// ---------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------

describe('our federated executor answers exactly as @apollo/gateway’s', () => {
  it('watches the stock executor: the stock gateway is seen executing its plans', async () => {
    const comparison = await compare({ query: '{ topProducts(first: 1) { name } }' });
    expect(comparison.stockPlanExecutionsByStock).toBe(1);
    expectSameResponseFromOurExecutor(comparison);
    expect(comparison.ours).toEqual({ data: { topProducts: [{ name: 'Botijão P13' }] } });
  });

  describe('entities across subgraphs', () => {
    it('joins @key entities, computes a @requires field, uses a @provides field, and fills a list of lists', async () => {
      const query = `query ProductsWithEverything {
        topProducts {
          upc
          name
          inStock
          shippingEstimate
          reviews { id body author { id username name } }
          reviewPages(size: 2) { id rating author { name } product { name price } }
        }
      }`;
      // The list of lists is joined through a nested path (topProducts.@.reviewPages.@.@.author).
      expect(prettyFormatQueryPlan(queryPlanOf(query))).toContain('topProducts.@.reviewPages.@.@.author');
      const comparison = await compare({ query });
      expectSameResponseFromOurExecutor(comparison);
      expect(comparison.ours['errors']).toBeUndefined();
      expect(at(comparison.ours, 'data', 'topProducts', 2, 'shippingEstimate')).toBe(3);
      expect(at(comparison.ours, 'data', 'topProducts', 0, 'reviews', 1, 'author')).toEqual({
        id: 'user-2',
        username: 'bruno',
        name: 'Bruno',
      });
      expect(at(comparison.ours, 'data', 'topProducts', 0, 'reviewPages')).toEqual([
        [
          { id: 'review-1', rating: 5, author: { name: 'Ana' }, product: { name: 'Botijão P13', price: 11_000 } },
          { id: 'review-2', rating: 4, author: { name: 'Bruno' }, product: { name: 'Botijão P13', price: 11_000 } },
        ],
        [{ id: 'review-5', rating: 5, author: { name: 'Carla' }, product: { name: 'Botijão P13', price: 11_000 } }, null],
      ]);
    });

    it('follows a chain of entity fetches back and forth between subgraphs, one entity lacking its @requires fields', async () => {
      const comparison = await compare({
        query: '{ me { name reviews { body product { upc name inStock shippingEstimate reviews { author { name } } } } } }',
      });
      expectSameResponseFromOurExecutor(comparison);
      expect(at(comparison.ours, 'data', 'me', 'reviews', 1, 'product')).toEqual({
        upc: 'upc-3',
        name: 'Botijão P5',
        inStock: true,
        shippingEstimate: 3,
        reviews: [{ author: { name: 'Ana' } }],
      });
      expect(at(comparison.ours, 'data', 'me', 'reviews', 2, 'product')).toEqual({
        upc: 'upc-9',
        name: null,
        inStock: false,
        shippingEstimate: null,
        reviews: [{ author: { name: 'Ana' } }],
      });
    });

    it('merges a list that a second subgraph completes, element by element', async () => {
      const query = '{ topProducts(first: 2) { upc packaging { kind litres shelf } } }';
      // Catalog answers packaging { kind litres }, then inventory the same list's shelf.
      expect(prettyFormatQueryPlan(queryPlanOf(query))).toMatch(
        /Flatten\(path: "topProducts\.@"\) \{\s+Fetch\(service: "inventory"\)[^]*packaging \{\s+shelf/,
      );
      const comparison = await compare({ query });
      expectSameResponseFromOurExecutor(comparison);
      expect(at(comparison.ours, 'data', 'topProducts', 0, 'packaging')).toEqual([
        { kind: 'cylinder', litres: 31, shelf: 'A1' },
        { kind: 'crate', litres: 200, shelf: 'B4' },
      ]);
    });
  });

  describe('abstract types', () => {
    it('shapes an interface and a union with inline and named fragments and __typename, aliased or not', async () => {
      const query = `query Catalogue {
        queryType: __typename
        catalogItems {
          __typename
          kind: __typename
          upc
          ... on Product { inStock shippingEstimate reviews { body } }
          ... on GiftCard { amount }
          ...SellableName
        }
        recentActivity {
          __typename
          ...ReviewSummary
          ... on Product { ...ProductSummary }
        }
      }
      fragment SellableName on Sellable { name }
      fragment ReviewSummary on Review { body author { name } }
      fragment ProductSummary on Product { name price inStock kind: __typename }`;
      const comparison = await compare({ query });
      expectSameResponseFromOurExecutor(comparison);
      expect(at(comparison.ours, 'data', 'queryType')).toBe('Query');
      expect(at(comparison.ours, 'data', 'catalogItems', 1)).toEqual({
        __typename: 'GiftCard',
        kind: 'GiftCard',
        upc: 'gift-50',
        amount: 5_000,
        name: 'Vale-gás R$ 50',
      });
      expect(at(comparison.ours, 'data', 'catalogItems', 0, 'shippingEstimate')).toBe(0);
      expect(at(comparison.ours, 'data', 'recentActivity')).toEqual([
        { __typename: 'Review', body: 'Bom preço', author: { name: 'Ana' } },
        { __typename: 'Product', name: 'Botijão P45', price: 38_000, inStock: false, kind: 'Product' },
        { __typename: 'Review', body: 'Chegou rápido', author: { name: 'Ana' } },
      ]);
    });

    it('rewrites __typename for a subgraph that sees an interface as one object type (@interfaceObject)', async () => {
      const query = `{
        catalogItems { upc popularity }
        featured { __typename kind: __typename upc name popularity ... on Product { price inStock } ... on GiftCard { amount } }
      }`;
      expect(JSON.stringify(queryPlanOf(query))).toContain('"inputRewrites"');
      const comparison = await compare({ query });
      expectSameResponseFromOurExecutor(comparison);
      expect(at(comparison.ours, 'data', 'catalogItems', 1)).toEqual({ upc: 'gift-50', popularity: 65 });
      expect(at(comparison.ours, 'data', 'featured')).toEqual([
        { __typename: 'GiftCard', kind: 'GiftCard', upc: 'gift-50', name: 'Vale-gás R$ 50', popularity: 65, amount: 5_000 },
        { __typename: 'Product', kind: 'Product', upc: 'upc-4', name: 'Botijão P8', popularity: 77, price: 8_000, inStock: false },
        { __typename: 'Product', kind: 'Product', upc: 'upc-1', name: 'Botijão P13', popularity: 91, price: 11_000, inStock: true },
      ]);
    });

    it('renames back a field the plan had to alias because its subgraph types differ (String! and String)', async () => {
      const query = '{ catalogItems { __typename ... on Product { sku } ... on GiftCard { sku } } }';
      expect(JSON.stringify(queryPlanOf(query))).toContain('"outputRewrites"');
      const comparison = await compare({ query });
      expectSameResponseFromOurExecutor(comparison);
      expect(comparison.ours).toEqual({
        data: {
          catalogItems: [
            { __typename: 'Product', sku: 'SKU-UPC-1' },
            { __typename: 'GiftCard', sku: 'GC-50' },
            { __typename: 'Product', sku: 'SKU-UPC-2' },
          ],
        },
      });
    });

    it('answers a lone __typename with no fetch at all', async () => {
      const comparison = await compare({ query: '{ __typename alias: __typename }' });
      expectSameResponseFromOurExecutor(comparison);
      expect(comparison.ours).toEqual({ data: { __typename: 'Query', alias: 'Query' } });
    });
  });

  describe('aliases', () => {
    it('keeps the same field under several aliases and arguments, and aliases named like Object.prototype members', async () => {
      const query = `{
        cheapest: topProducts(first: 1) { constructor: name toString: upc hasOwnProperty: __typename valueOf: price }
        topProducts { label: name name }
        again: topProducts(first: 2) {
          name
          estimate: shippingEstimate
          constructor: inStock
          toString: reviews { toString: body constructor: author { valueOf: name } }
          small: reviewPages(size: 1) { id }
          large: reviewPages(size: 3) { id }
        }
      }`;
      const comparison = await compare({ query });
      expectSameResponseFromOurExecutor(comparison);
      expect(at(comparison.ours, 'data', 'cheapest')).toEqual([
        { constructor: 'Botijão P13', toString: 'upc-1', hasOwnProperty: 'Product', valueOf: 11_000 },
      ]);
      expect(at(comparison.ours, 'data', 'topProducts', 1)).toEqual({ label: 'Botijão P45', name: 'Botijão P45' });
      expect(at(comparison.ours, 'data', 'again', 0, 'constructor')).toBe(true);
      expect(at(comparison.ours, 'data', 'again', 0, 'toString', 1)).toEqual({
        toString: 'Lacre intacto',
        constructor: { valueOf: 'Bruno' },
      });
      expect(at(comparison.ours, 'data', 'again', 0, 'small')).toEqual([[{ id: 'review-1' }], [{ id: 'review-2' }], [{ id: 'review-5' }]]);
      expect(at(comparison.ours, 'data', 'again', 0, 'large')).toEqual([[{ id: 'review-1' }, { id: 'review-2' }, { id: 'review-5' }]]);
    });

    it('merges a later fetch’s objects under aliases named like Object.prototype members', async () => {
      const comparison = await compare({
        query: '{ product(upc: "upc-1") { name constructor: supplier { name } toString: supplier { phone } } }',
      });
      expectSameResponseFromOurExecutor(comparison);
      expect(comparison.ours).toEqual({
        data: { product: { name: 'Botijão P13', constructor: { name: 'Liquigás' }, toString: { phone: null } } },
      });
    });

    it('keeps an alias named __proto__ as a plain key', async () => {
      const comparison = await compare({ query: '{ product(upc: "upc-4") { __proto__: name inStock } }' });
      expectSameResponseFromOurExecutor(comparison);
      expect(asJson(comparison.ours)).toBe(
        asJson({ data: { product: JSON.parse('{"__proto__":"Botijão P8","inStock":false}') as unknown } }),
      );
    });
  });

  describe('@skip and @include', () => {
    const conditionalQuery = `query Conditional($withStock: Boolean!, $hideName: Boolean!, $withReviews: Boolean = false) {
      topProducts {
        upc
        name @skip(if: $hideName)
        price @skip(if: true)
        weight @include(if: false)
        status @include(if: true)
        inStock @include(if: $withStock)
        ... on Product @include(if: $withStock) { shippingEstimate }
        ...Reviews @include(if: $withReviews)
      }
    }
    fragment Reviews on Product { reviews { body } }`;

    it('plans the conditions on other subgraphs’ fields as Condition nodes', () => {
      const plan = prettyFormatQueryPlan(queryPlanOf(conditionalQuery));
      expect(plan).toContain('Include(if: $withStock)');
      expect(plan).toContain('Include(if: $withReviews)');
    });

    it.each([
      ['all conditional fields left out', { withStock: false, hideName: true }, { upc: 'upc-1', status: 'AVAILABLE' }],
      [
        'the variables’ fields kept, the defaulted $withReviews false',
        { withStock: true, hideName: false },
        { upc: 'upc-1', name: 'Botijão P13', status: 'AVAILABLE', inStock: true, shippingEstimate: 0 },
      ],
      [
        'the defaulted $withReviews overridden',
        { withStock: false, hideName: false, withReviews: true },
        {
          upc: 'upc-1',
          name: 'Botijão P13',
          status: 'AVAILABLE',
          reviews: [{ body: 'Chegou rápido' }, { body: 'Lacre intacto' }, { body: 'Entregador gentil' }],
        },
      ],
    ])('with %s', async (_name, variables, firstProduct) => {
      const comparison = await compare({ query: conditionalQuery, variables });
      expectSameResponseFromOurExecutor(comparison);
      expect(at(comparison.ours, 'data', 'topProducts', 0)).toEqual(firstProduct);
    });

    // A defaulted variable may stand where Boolean! is expected, so this is
    // valid GraphQL, yet null reaches the condition. Where it is met first
    // differs: the subgraph, the plan's Condition node, or response shaping.
    it.each([
      [
        'on a field of the fetched subgraph',
        'topProducts(first: 1) { upc name @include(if: $flag) }',
        'Argument "if" of non-null type "Boolean!" must not be null.',
      ],
      [
        'on a field of another subgraph',
        'topProducts(first: 1) { upc inStock @include(if: $flag) }',
        'Invalid non-boolean value null for Boolean! variable $flag',
      ],
      [
        'on a root __typename, which needs no fetch',
        '__typename @include(if: $flag)',
        'Unexpected value null for variable $flag of @include(if: $flag)',
      ],
    ])('with a defaulted condition variable sent as null, %s', async (_name, selections, message) => {
      const comparison = await compare({
        query: `query NullCondition($flag: Boolean = true) { ${selections} }`,
        variables: { flag: null },
      });
      expectSameResponseFromOurExecutor(comparison);
      expect(at(comparison.ours, 'errors', 0, 'message')).toBe(message);
    });
  });

  describe('values a subgraph returns against its declared schema', () => {
    const nonNullableStockCount = (index: number) => ({
      message: 'Cannot return null for non-nullable field Product.stockCount.',
      path: ['topProducts', index, 'stockCount'],
      extensions: { code: 'INVALID_GRAPHQL' },
    });

    it('propagates a null in a non-null field to the nearest nullable parent, reported in errors (stock: only in valueCompletion)', async () => {
      const comparison = await compare({ query: '{ topProducts { upc stockCount } }' });
      expect(comparison.stock['extensions']).toEqual({ valueCompletion: [nonNullableStockCount(1)] });
      expectStockResponseWithCompletionErrorsInErrors(comparison, [nonNullableStockCount(1)]);
      expect(comparison.ours).toEqual({
        errors: [nonNullableStockCount(1)],
        data: { topProducts: [{ upc: 'upc-1', stockCount: 7 }, null, { upc: 'upc-3', stockCount: 0 }] },
      });
    });

    it('nulls a nested object whose non-null field is null', async () => {
      const comparison = await compare({ query: '{ topProducts { upc supplier { name phone } } }' });
      expectStockResponseWithCompletionErrorsInErrors(comparison);
      expect(at(comparison.ours, 'data', 'topProducts')).toEqual([
        { upc: 'upc-1', supplier: { name: 'Liquigás', phone: null } },
        { upc: 'upc-2', supplier: null },
        { upc: 'upc-3', supplier: null },
      ]);
    });

    it('propagates a null through a non-null list up to the whole data', async () => {
      const comparison = await compare({ query: '{ catalogItems { upc ... on Product { stockCount } } }' });
      expectStockResponseWithCompletionErrorsInErrors(comparison);
      expect(comparison.ours['data']).toBeNull();
      expect(at(comparison.ours, 'errors', 0, 'path')).toEqual(['catalogItems', 2, 'stockCount']);
    });

    it('nulls an enum value outside the enum and an Int sent as a string', async () => {
      const comparison = await compare({ query: '{ topProducts { upc grade legacyCode } }' });
      expectStockResponseWithCompletionErrorsInErrors(comparison);
      expect(at(comparison.ours, 'data', 'topProducts')).toEqual([
        { upc: 'upc-1', grade: 'A', legacyCode: 1013 },
        { upc: 'upc-2', grade: 'B', legacyCode: null },
        { upc: 'upc-3', grade: null, legacyCode: 1005 },
      ]);
      expect((at(comparison.ours, 'errors') as Array<{ message: string }>).map((error) => error.message)).toEqual([
        'Invalid value found for field Product.legacyCode.',
        'Invalid value found for field Product.grade.',
      ]);
    });

    it('fails the whole response on a list field answered with a string, with the stock message', async () => {
      const comparison = await compare({ query: '{ topProducts { upc tags } }' });
      expectSameResponseFromOurExecutor(comparison);
      expect(comparison.ours['data']).toBeUndefined();
      expect(at(comparison.ours, 'errors', 0, 'message')).toBe(
        'Invalid non-list value industrial,45kg returned by subgraph for list type [String]',
      );
    });

    it('reports the null after a subgraph’s errors, where stock drops it, and still nulls the value', async () => {
      const comparison = await compare({ query: '{ topProducts { upc stockCount reviews { verifiedRating } } }' });
      expect(comparison.stock['extensions']).toBeUndefined();
      expect(comparison.stock['errors']).toHaveLength(1);
      expectStockResponseWithCompletionErrorsInErrors(comparison, [nonNullableStockCount(1)]);
      expect(at(comparison.ours, 'data', 'topProducts', 1)).toBeNull();
      expect(comparison.ours['extensions']).toBeUndefined();
      expect(comparison.ours['errors']).toHaveLength(2);
    });
  });

  describe('subgraph errors', () => {
    it('maps an entity fetch’s error path (_entities.0.reviews.1…) into the client’s response', async () => {
      const comparison = await compare({ query: '{ topProducts { upc reviews { id verifiedRating } } }' });
      expectSameResponseFromOurExecutor(comparison);
      expect(comparison.ours['errors']).toEqual([
        {
          message: 'review-2 is under moderation',
          path: ['topProducts', 0, 'reviews', 1, 'verifiedRating'],
          extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'reviews' },
        },
      ]);
      expect(at(comparison.ours, 'data', 'topProducts', 0, 'reviews', 1)).toEqual({ id: 'review-2', verifiedRating: null });
      expect(at(comparison.ours, 'data', 'topProducts', 0, 'reviews', 2)).toEqual({ id: 'review-5', verifiedRating: 5 });
    });

    it('keeps a subgraph error’s own code, with paths through a list of lists holding nulls', async () => {
      // The accounts fetch gets ana, bruno, carla, bruno: the null padding page 2 of
      // upc-1 is no entity, so the second error (_entities.3) must land after it.
      const comparison = await compare({ query: '{ topProducts(first: 2) { reviewPages(size: 2) { author { name phone } } } }' });
      expectSameResponseFromOurExecutor(comparison);
      const forbidden = (path: Array<string | number>) => ({
        message: 'The phone number of bruno is private',
        path,
        extensions: { code: 'FORBIDDEN', serviceName: 'accounts' },
      });
      expect(comparison.ours['errors']).toEqual([
        forbidden(['topProducts', 0, 'reviewPages', 0, 1, 'author', 'phone']),
        forbidden(['topProducts', 1, 'reviewPages', 0, 0, 'author', 'phone']),
      ]);
      expect(at(comparison.ours, 'data', 'topProducts', 0, 'reviewPages', 0, 1, 'author')).toEqual({ name: 'Bruno', phone: null });
      expect(at(comparison.ours, 'data', 'topProducts', 0, 'reviewPages', 1)).toEqual([
        { author: { name: 'Carla', phone: '+55 11 9000-0003' } },
        null,
      ]);
    });

    it('keeps the rest of the data when a subgraph answers an entity fetch with HTTP 500', async () => {
      brokenSubgraphs.add('inventory');
      let comparison: Comparison;
      try {
        comparison = await compare({ query: '{ topProducts { name inStock } }' });
      } finally {
        brokenSubgraphs.delete('inventory');
      }
      expectSameResponseFromOurExecutor(comparison);
      expect(at(comparison.ours, 'data', 'topProducts', 1)).toEqual({ name: 'Botijão P45', inStock: null });
      expect(at(comparison.ours, 'errors', 0, 'message')).toBe('500: Internal Server Error');
      expect(comparison.ours['errors']).toHaveLength(1);
    });

    it('keeps the other root fields when a root fetch gets HTTP 500', async () => {
      brokenSubgraphs.add('catalog');
      let comparison: Comparison;
      try {
        comparison = await compare({ query: '{ topProducts { name } users { name } }' });
      } finally {
        brokenSubgraphs.delete('catalog');
      }
      expectSameResponseFromOurExecutor(comparison);
      expect(at(comparison.ours, 'data')).toEqual({ topProducts: null, users: [{ name: 'Ana' }, { name: 'Bruno' }, { name: 'Carla' }] });
      expect(at(comparison.ours, 'errors', 0, 'extensions', 'response', 'body')).toEqual({
        errors: [{ message: 'catalog is restarting' }],
      });
    });

    it('keeps the rest of the data when a subgraph cannot be reached', async () => {
      const comparison = await compare({ query: '{ users { name loyaltyPoints } }' });
      expectSameResponseFromOurExecutor(comparison);
      expect(at(comparison.ours, 'data', 'users', 2)).toEqual({ name: 'Carla', loyaltyPoints: null });
      expect(at(comparison.ours, 'errors', 0, 'message')).toMatch(/ECONNREFUSED/);
    });
  });

  describe('variables', () => {
    it.each([
      ['a value of the wrong type', { first: 'three' }],
      ['a missing required variable', {}],
      ['null for a non-null variable', { first: 2, upc: null }],
    ])('rejects %s with the same errors', async (_name, variables) => {
      const query = 'query Typed($first: Int, $upc: ID!) { topProducts(first: $first) { name } product(upc: $upc) { name } }';
      const comparison = await compare({ query, variables });
      expectSameResponseFromOurExecutor(comparison);
      expect(comparison.ours['data']).toBeUndefined();
      expect(at(comparison.ours, 'errors', 0, 'message')).toMatch(/^Variable "\$(first|upc)"/);
    });

    it('passes coerced-valid variables through to the subgraphs', async () => {
      const query = 'query Typed($first: Int, $upc: ID!) { topProducts(first: $first) { name } product(upc: $upc) { name } }';
      const comparison = await compare({ query, variables: { first: 1, upc: 'upc-4' } });
      expectSameResponseFromOurExecutor(comparison);
      expect(comparison.ours).toEqual({ data: { topProducts: [{ name: 'Botijão P13' }], product: { name: 'Botijão P8' } } });
    });
  });

  describe('introspection', () => {
    it.each([
      ['alone', '{ __schema { queryType { name } } __type(name: "Sellable") { possibleTypes { name } } }'],
      ['next to federated fields', '{ __type(name: "Grade") { enumValues { name } } topProducts(first: 1) { name inStock } }'],
    ])('is left to the stock executor, %s', async (_name, query) => {
      const comparison = await compare({ query });
      expectSameResponse(comparison);
      expect(comparison.stockPlanExecutionsByOurs, 'both requests go to the stock executor').toBe(2);
      expect(comparison.ours['errors']).toBeUndefined();
      expect(JSON.stringify(comparison.ours['data'])).toMatch(/"name":"(Query|A)"/);
    });
  });

  describe('documents with several operations', () => {
    const document = `
      query Names { topProducts { name } }
      query Stock($upc: ID!) { product(upc: $upc) { upc inStock stockCount } }`;

    it.each([
      ['Names', {}, { topProducts: [{ name: 'Botijão P13' }, { name: 'Botijão P45' }, { name: 'Botijão P5' }] }],
      ['Stock', { upc: 'upc-4' }, { product: { upc: 'upc-4', inStock: false, stockCount: 2 } }],
    ])('runs the operation %s named by operationName', async (operationName, variables, data) => {
      const comparison = await compare({ query: document, operationName, variables });
      expectSameResponseFromOurExecutor(comparison);
      expect(comparison.ours).toEqual({ data });
    });

    // Valid GraphQL: each operation defines the variables its own fragments use.
    // Yet federation's operationFromDocument builds every fragment of the document
    // against the selected operation's variables, and refuses `Paged` when running
    // `Names`: the stock gateway fails while planning, after checking variables.
    const fragmentsDocument = `
      query Names($first: Int) { topProducts(first: $first) { ...NameOnly } }
      query Pages($size: Int!) { topProducts(first: 1) { ...Paged } }
      fragment NameOnly on Product { name }
      fragment Paged on Product { reviewPages(size: $size) { id } }`;

    it.each([
      ['valid variables', { first: 1 }, 500, 'Invalid value $size for argument "Product.reviewPages(size:)" of type Int!'],
      [
        'an invalid variable',
        { first: 'one' },
        400,
        'Variable "$first" got invalid value "one"; Int cannot represent non-integer value: "one"',
      ],
    ])(
      'fails like stock on an operation whose document has another operation’s fragment with its variable, given %s',
      async (_name, variables, status, message) => {
        const comparison = await compare({ query: fragmentsDocument, operationName: 'Names', variables });
        expectSameResponseFromOurExecutor(comparison);
        expect(comparison.received.stock.status).toBe(status);
        expect(at(comparison.stock, 'errors', 0, 'message')).toBe(message);
      },
    );
  });
});
