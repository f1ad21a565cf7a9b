import type { HTTPGraphQLRequest } from '@apollo/server';

/** What the front door needs of one operation in an HTTP request, read leniently. */
export interface OperationRequest {
  query: string | undefined;
  /** `extensions.persistedQuery.sha256Hash` (automatic persisted queries, or a safelisted id). */
  persistedQueryHash: string | undefined;
  operationName: string | undefined;
  variables: Readonly<Record<string, unknown>>;
}

export interface ReadOperations {
  /** The body was a JSON array: a batch, even of one. */
  batch: boolean;
  operations: OperationRequest[];
}

/**
 * The operations of a GraphQL-over-HTTP request: the POST body (an object, or
 * an array when batched) or the GET query string. Anything malformed is read
 * as "no query" and left to Apollo Server, which answers it with its own
 * errors; the front door only needs what it can check.
 */
export function readOperations(request: HTTPGraphQLRequest): ReadOperations {
  if (request.method === 'GET') return { batch: false, operations: [fromSearch(new URLSearchParams(request.search))] };
  if (Array.isArray(request.body)) return { batch: true, operations: request.body.map(fromBody) };
  return { batch: false, operations: [fromBody(request.body)] };
}

function fromBody(body: unknown): OperationRequest {
  const fields = isRecord(body) ? body : {};
  return {
    query: typeof fields['query'] === 'string' ? fields['query'] : undefined,
    persistedQueryHash: hashOf(fields['extensions']),
    operationName: typeof fields['operationName'] === 'string' ? fields['operationName'] : undefined,
    variables: isRecord(fields['variables']) ? fields['variables'] : {},
  };
}

function fromSearch(search: URLSearchParams): OperationRequest {
  const variables = parseJson(search.get('variables'));
  return {
    query: search.get('query') ?? undefined,
    persistedQueryHash: hashOf(parseJson(search.get('extensions'))),
    operationName: search.get('operationName') ?? undefined,
    variables: isRecord(variables) ? variables : {},
  };
}

function hashOf(extensions: unknown): string | undefined {
  if (!isRecord(extensions)) return undefined;
  const persisted = extensions['persistedQuery'];
  if (!isRecord(persisted)) return undefined;
  return typeof persisted['sha256Hash'] === 'string' ? persisted['sha256Hash'] : undefined;
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
