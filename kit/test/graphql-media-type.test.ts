import { describe, expect, it } from 'vitest';
import { GraphQLMediaType, graphQLMediaTypeFor } from '#kit';

describe('the media type of a GraphQL answer', () => {
  it.each([
    ['Apollo Client 4', 'application/graphql-response+json,application/json;q=0.9', GraphQLMediaType.GRAPHQL_RESPONSE_JSON],
    ['a client asking for the new type alone', 'application/graphql-response+json', GraphQLMediaType.GRAPHQL_RESPONSE_JSON],
    ['a client that weighs JSON higher', 'application/graphql-response+json;q=0.5, application/json', GraphQLMediaType.JSON],
    ['a client asking for JSON', 'application/json', GraphQLMediaType.JSON],
    ['any type', '*/*', GraphQLMediaType.JSON],
    [
      'an application wildcard beside the new type',
      'application/*;q=0.8, application/graphql-response+json',
      GraphQLMediaType.GRAPHQL_RESPONSE_JSON,
    ],
  ])('for %s is what it prefers, JSON on a tie', (_client, accept, expected) => {
    expect(graphQLMediaTypeFor(accept)).toBe(expected);
  });

  it('is JSON without an Accept header, as for curl and most mobile SDKs', () => {
    expect(graphQLMediaTypeFor(undefined)).toBe(GraphQLMediaType.JSON);
    expect(graphQLMediaTypeFor('')).toBe(GraphQLMediaType.JSON);
  });
});
