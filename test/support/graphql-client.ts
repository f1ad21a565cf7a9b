/** What a test sees of one HTTP GraphQL exchange. */
export interface GraphQLExchange<Data = Record<string, any>> {
  status: number;
  headers: Headers;
  data: Data | null | undefined;
  errors: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }> | undefined;
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
  variables?: Record<string, unknown>;
  /**
   * What the client asks for in Accept. By default it prefers
   * application/graphql-response+json, as Apollo Client 4 does, so the status
   * follows the first error's code; `json` asks for application/json only, where
   * every well-formed GraphQL response is a 200 (docs/errors.md).
   */
  accept?: 'graphql-response' | 'json';
}

const acceptHeaders = {
  'graphql-response': 'application/graphql-response+json, application/json;q=0.9',
  json: 'application/json',
} as const;

/** Posts one operation to a GraphQL endpoint, as a client application would. */
export async function postGraphQL<Data = Record<string, any>>(
  url: string,
  query: string,
  options: RequestOptions = {},
): Promise<GraphQLExchange<Data>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: acceptHeaders[options.accept ?? 'graphql-response'],
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables ?? {} }),
  });
  const text = await response.text();
  let body: { data?: Data | null; errors?: GraphQLExchange['errors'] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`non-JSON response ${response.status}: ${text.slice(0, 300)}`);
  }
  return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
}

/** The error code of the first error, for assertions. */
export const firstCode = (exchange: GraphQLExchange) => exchange.errors?.[0]?.extensions?.['code'];
