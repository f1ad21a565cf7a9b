import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Kind, parse, type GraphQLFormattedError, type SelectionSetNode } from 'graphql';
import type { ErrorCode } from '#kit';

/** A subgraph's answer as @apollo/gateway expects it from a data source. */
export type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

export interface FetchFailure {
  code: ErrorCode;
  message: string;
  extensions?: Record<string, unknown>;
}

/**
 * What a subgraph fetch that could not be made returns instead of throwing:
 * one error per field it was to fill, with that field's path, so the client
 * sees which fields are missing and why while the rest of the response keeps
 * its data. An entity fetch reports `['_entities', i]`, which @apollo/gateway
 * rewrites to each entity's place in the response (e.g.
 * `products.nodes.3.supplier`); a root fetch reports its root fields.
 */
export function failedFetch(request: { query?: string; variables?: Record<string, unknown> }, failure: FetchFailure): SubgraphResponse {
  const extensions = { ...failure.extensions, code: failure.code };
  const error = (path?: Array<string | number>): GraphQLFormattedError => ({
    message: failure.message,
    ...(path ? { path } : {}),
    extensions,
  });
  const representations = request.variables?.['representations'];
  if (Array.isArray(representations)) return { errors: representations.map((_, index) => error(['_entities', index])) };
  const keys = request.query === undefined ? [] : rootResponseKeys(request.query);
  return { errors: keys.length === 0 ? [error()] : keys.map((key) => error([key])) };
}

function rootResponseKeys(query: string): string[] {
  try {
    const operation = parse(query, { noLocation: true }).definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    return operation?.kind === Kind.OPERATION_DEFINITION ? [...new Set(keysOf(operation.selectionSet))] : [];
  } catch {
    return [];
  }
}

function keysOf(selectionSet: SelectionSetNode): string[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value === '__typename' ? [] : [selection.alias?.value ?? selection.name.value];
    return selection.kind === Kind.INLINE_FRAGMENT ? keysOf(selection.selectionSet) : [];
  });
}
