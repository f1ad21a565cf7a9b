import { readFileSync } from 'node:fs';
import { buildSchema, parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { prepareSubscription, type PrepareResult, type PreparedSubscription } from '../src/subscriptions/payload-query.js';
import { createLogger, supergraphPath } from '#kit';
import { readDeclarations } from '../src/declarations/supergraph-declarations.js';
import { subscriptionRegistry } from '../src/subscriptions/subscription-fields.js';

const subscriptionFields = subscriptionRegistry(
  readDeclarations(readFileSync(supergraphPath, 'utf8')).live,
  createLogger({ service: 'gateway', level: 'silent' }),
);

// The shape of the supergraph's API schema that the rewriting depends on.
const schema = buildSchema(/* GraphQL */ `
  type Money {
    amount: Int!
    currency: String!
  }
  type User {
    id: ID!
    name: String!
  }
  type Product {
    id: ID!
    name: String!
    price: Money!
    supplier: User!
    stockQuantity: Int!
  }
  type Query {
    product(id: ID!): Product
    products: [Product!]!
  }
  type Mutation {
    touch: Boolean
  }
  type Subscription {
    productUpdated(productId: ID!): Product!
    inventoryLow: Product!
    notServedYet: Boolean
  }
`);

function prepared(result: PrepareResult): PreparedSubscription {
  if (!result.ok) throw new Error(`refused: ${result.errors.map((error) => error.message).join('; ')}`);
  return result.subscription;
}

function refusedCodes(result: PrepareResult): unknown[] {
  if (result.ok) throw new Error('expected a refusal');
  return result.errors.map((error) => error.extensions['code']);
}

/** Compares documents by their printed form, ignoring the layout of the test's source text. */
const normalised = (query: string) => print(parse(query));

describe('prepareSubscription', () => {
  it('rewrites the subscription field into the entity query under the same response key', () => {
    const subscription = prepared(
      prepareSubscription(schema, subscriptionFields, {
        query: 'subscription Watch($id: ID!) { productUpdated(productId: $id) { id price { amount } supplier { name } } }',
        variables: { id: 'p-1' },
      }),
    );
    expect(subscription.payloadQuery).toBe(
      normalised('query Watch($__entityId: ID!) { productUpdated: product(id: $__entityId) { id price { amount } supplier { name } } }'),
    );
    expect(subscription.fieldName).toBe('productUpdated');
    expect(subscription.responseKey).toBe('productUpdated');
    expect(subscription.args).toEqual({ productId: 'p-1' });
    // $id fed only the subscription field's argument, so the payload query no longer declares it.
    expect(subscription.variables).toEqual({});
  });

  it('keeps an alias, fragments (nested ones too) and the variables the selection still uses', () => {
    const subscription = prepared(
      prepareSubscription(schema, subscriptionFields, {
        query: `
          subscription ($id: ID!, $withSupplier: Boolean!) {
            watched: productUpdated(productId: $id) { ...Card supplier @include(if: $withSupplier) { name } }
          }
          fragment Card on Product { id ...Price }
          fragment Price on Product { price { amount currency } }
        `,
        variables: { id: 'p-2', withSupplier: true },
      }),
    );
    expect(subscription.responseKey).toBe('watched');
    expect(subscription.variables).toEqual({ withSupplier: true });
    expect(subscription.payloadQuery).toBe(
      normalised(`
        query ($withSupplier: Boolean!, $__entityId: ID!) {
          watched: product(id: $__entityId) { ...Card supplier @include(if: $withSupplier) { name } }
        }
        fragment Card on Product { id ...Price }
        fragment Price on Product { price { amount currency } }
      `),
    );
  });

  it('looks through fragments at the root and takes literal arguments', () => {
    const subscription = prepared(
      prepareSubscription(schema, subscriptionFields, {
        query: `subscription { ...Root } fragment Root on Subscription { ... on Subscription { productUpdated(productId: "p-3") { id } } }`,
      }),
    );
    expect(subscription.args).toEqual({ productId: 'p-3' });
    expect(subscription.payloadQuery).toBe(normalised('query ($__entityId: ID!) { productUpdated: product(id: $__entityId) { id } }'));
  });

  it('picks the operation named by operationName from a document with several', () => {
    const subscription = prepared(
      prepareSubscription(schema, subscriptionFields, {
        query: 'subscription A { inventoryLow { id } } subscription B { inventoryLow { name } }',
        operationName: 'B',
      }),
    );
    expect(subscription.payloadQuery).toBe(normalised('query B($__entityId: ID!) { inventoryLow: product(id: $__entityId) { name } }'));
  });

  it('refuses a document that does not parse with GRAPHQL_PARSE_FAILED', () => {
    expect(refusedCodes(prepareSubscription(schema, subscriptionFields, { query: 'subscription {' }))).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('refuses fields the schema does not have with GRAPHQL_VALIDATION_FAILED', () => {
    const result = prepareSubscription(schema, subscriptionFields, {
      query: 'subscription { productUpdated(productId: "x") { id secret } }',
    });
    expect(refusedCodes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('refuses two root fields in one subscription, as the GraphQL rules demand', () => {
    const result = prepareSubscription(schema, subscriptionFields, {
      query: 'subscription { inventoryLow { id } productUpdated(productId: "x") { id } }',
    });
    expect(refusedCodes(result)).toContain('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses queries and mutations with BAD_REQUEST: they belong on HTTP', () => {
    expect(refusedCodes(prepareSubscription(schema, subscriptionFields, { query: '{ products { id } }' }))).toEqual(['BAD_REQUEST']);
    expect(refusedCodes(prepareSubscription(schema, subscriptionFields, { query: 'mutation { touch }' }))).toEqual(['BAD_REQUEST']);
  });

  it('refuses a missing required variable with BAD_USER_INPUT', () => {
    const result = prepareSubscription(schema, subscriptionFields, {
      query: 'subscription ($id: ID!) { productUpdated(productId: $id) { id } }',
    });
    expect(refusedCodes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses the reserved variable name $__entityId', () => {
    const result = prepareSubscription(schema, subscriptionFields, {
      query: 'subscription ($__entityId: ID!) { productUpdated(productId: $__entityId) { id } }',
      variables: { __entityId: 'x' },
    });
    expect(refusedCodes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it.each([
    'subscription ($on: Boolean!) { ... @include(if: $on) { inventoryLow { id } } }',
    'subscription ($on: Boolean!) { inventoryLow @skip(if: $on) { id } }',
  ])('refuses @skip or @include at the root, on the field or a fragment around it: %s', (query) => {
    const result = prepareSubscription(schema, subscriptionFields, { query, variables: { on: true } });
    expect(refusedCodes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('refuses fragments that are never used, like any GraphQL server', () => {
    const result = prepareSubscription(schema, subscriptionFields, {
      query: 'subscription { inventoryLow { id } } fragment Unused on Product { name }',
    });
    expect(refusedCodes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('refuses a subscription field of the schema that the registry does not serve', () => {
    expect(refusedCodes(prepareSubscription(schema, subscriptionFields, { query: 'subscription { notServedYet }' }))).toEqual([
      'BAD_REQUEST',
    ]);
  });

  it('sets only `code` in the extensions of a refusal, nothing internal', () => {
    const result = prepareSubscription(schema, subscriptionFields, { query: '{ products { id } }' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.toJSON().extensions).toEqual({ code: 'BAD_REQUEST' });
  });
});
