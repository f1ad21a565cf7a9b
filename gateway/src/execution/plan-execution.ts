import type { GraphQLDataSource } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { ERRORS, errorCodeDef, type VariableDefinitions } from '@apollo/federation-internals';
import { evaluateCondition, type FetchNode, type PlanNode } from '@apollo/query-planner';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { applyRewrites, deepMerge, selectRepresentation, valuesAtPath, type TypeConditions } from './data-merging.js';
import { inSpan, SpanName } from './execution-spans.js';

type ResponsePath = Array<string | number>;

/** Where a plan node writes: the data below a path of the response. */
interface Cursor {
  readonly path: ResponsePath;
  readonly data: unknown;
  readonly fullResult: Record<string, unknown>;
}

/** One client operation's execution of its query plan. */
export interface PlanExecution {
  readonly services: ReadonlyMap<string, GraphQLDataSource>;
  readonly requestContext: GatewayGraphQLRequestContext;
  readonly variableDefinitions: VariableDefinitions;
  readonly conditions: TypeConditions;
  /** Every error met, subgraphs' included, in the order met. */
  readonly errors: GraphQLError[];
}

// @apollo/gateway does not export the value of its request-kind enum.
const incomingOperation = 'incoming operation' as never;

/**
 * Runs a query plan's fetches in the order the plan gives (sequences in turn,
 * parallel branches together) and merges each answer into `data`, with
 * @apollo/gateway's rules. It differs in cost only: no usage-reporting trace
 * node per plan node (the stock executor builds them even when nothing reads
 * them), and no copying of paths or arrays to walk them.
 */
export async function executePlanNode(execution: PlanExecution, node: PlanNode, cursor: Cursor): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executePlanNode(execution, child, cursor);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executePlanNode(execution, child, cursor)));
      return;
    case 'Flatten': {
      const data = valuesAtPath(cursor.data, node.path);
      if (!data) return;
      await executePlanNode(execution, node.node, { path: cursor.path.concat(node.path), data, fullResult: cursor.fullResult });
      return;
    }
    case 'Fetch':
      try {
        await inSpan(SpanName.FETCH, { service: node.serviceName }, () => executeFetch(execution, node, cursor));
      } catch (error) {
        execution.errors.push(error as GraphQLError);
      }
      return;
    case 'Condition': {
      const branch = evaluateCondition(node, execution.variableDefinitions, execution.requestContext.request.variables)
        ? node.ifClause
        : node.elseClause;
      if (branch !== undefined) await executePlanNode(execution, branch, cursor);
      return;
    }
    case 'Defer':
      throw new Error('@defer support is not available in the gateway');
  }
}

async function executeFetch(execution: PlanExecution, fetch: FetchNode, cursor: Cursor): Promise<void> {
  const service = execution.services.get(fetch.serviceName);
  if (service === undefined) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const entities: Array<Record<string, unknown>> = [];
  if (Array.isArray(cursor.data)) {
    for (const entity of cursor.data) if (entity !== null && entity !== undefined) entities.push(entity as Record<string, unknown>);
  } else {
    entities.push(cursor.data as Record<string, unknown>);
  }
  if (entities.length === 0) return;
  const variables = Object.create(null) as Record<string, unknown>;
  const provided = execution.requestContext.request.variables;
  if (fetch.variableUsages !== undefined && provided !== undefined) {
    for (const name of fetch.variableUsages) {
      if (Object.prototype.hasOwnProperty.call(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
    }
  }

  if (fetch.requires === undefined) {
    const data = await sendFetch(execution, service, fetch, cursor, variables);
    if (data) applyRewrites(execution.conditions, fetch.outputRewrites, data);
    for (const entity of entities) deepMerge(entity, data);
    return;
  }

  const representations: Array<Record<string, unknown>> = [];
  const representedEntities: Array<Record<string, unknown>> = [];
  for (const entity of entities) {
    const representation = selectRepresentation(execution.conditions, entity, fetch.requires);
    if (representation && representation['__typename']) {
      applyRewrites(execution.conditions, fetch.inputRewrites, representation);
      representations.push(representation);
      representedEntities.push(entity);
    }
  }
  if (representations.length === 0) return;
  if ('representations' in variables) throw new Error('Variables cannot contain key "representations"');
  variables['representations'] = representations;
  const data = await sendFetch(execution, service, fetch, cursor, variables);
  if (!data) return;
  const received = data['_entities'];
  if (!Array.isArray(received)) throw new Error('Expected "data._entities" in response to be an array');
  if (received.length !== representations.length)
    throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  for (let index = 0; index < representedEntities.length; index += 1) {
    const entity = representedEntities[index]!;
    const answer = received[index] as Record<string, unknown> | null;
    if (answer && !answer['__typename']) answer['__typename'] = entity['__typename'];
    applyRewrites(execution.conditions, fetch.outputRewrites, answer);
    deepMerge(entity, answer);
  }
}

async function sendFetch(
  execution: PlanExecution,
  service: GraphQLDataSource,
  fetch: FetchNode,
  cursor: Cursor,
  variables: Record<string, unknown>,
): Promise<Record<string, unknown> | undefined | null> {
  const { requestContext } = execution;
  const response = await service.process({
    kind: incomingOperation,
    request: { query: fetch.operation, variables, operationName: fetch.operationName },
    incomingRequestContext: requestContext,
    context: requestContext.context,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: cursor.path,
  } as Parameters<GraphQLDataSource['process']>[0]);
  if (response.errors) {
    const pathOf = errorPathsFor(fetch, cursor);
    for (const error of response.errors) execution.errors.push(downstreamError(error, fetch.serviceName, pathOf));
    if (!response.extensions?.['ftv1']) {
      const metrics = requestContext.metrics as { nonFtv1ErrorPaths?: Array<{ subgraph: string; path: GraphQLFormattedError['path'] }> };
      const paths = response.errors.map((error) => ({ subgraph: fetch.serviceName, path: error.path }));
      if (metrics.nonFtv1ErrorPaths) metrics.nonFtv1ErrorPaths.push(...paths);
      else metrics.nonFtv1ErrorPaths = paths;
    }
  }
  return response.data as Record<string, unknown> | undefined | null;
}

/**
 * Maps a subgraph error's path into the client's response: under the fetch's
 * path, and for an entity fetch (`_entities.<n>...`) under the path of the n-th
 * entity the fetch was made for.
 */
function errorPathsFor(fetch: FetchNode, cursor: Cursor): (path: GraphQLFormattedError['path']) => ResponsePath | undefined {
  let entityPaths: ResponsePath[] | undefined;
  return (path) => {
    if (fetch.requires !== undefined && typeof path?.[1] === 'number') {
      if (entityPaths === undefined) {
        entityPaths = [];
        collectEntityPaths([], cursor.path, 0, cursor.fullResult, entityPaths);
      }
      return [...(entityPaths[path[1]] ?? []), ...path.slice(2)];
    }
    return path ? [...cursor.path, ...path] : undefined;
  };
}

function collectEntityPaths(prefix: ResponsePath, path: ResponsePath, index: number, data: unknown, into: ResponsePath[]): void {
  if (data === null || data === undefined) return;
  if (index === path.length) {
    into.push(prefix.slice());
    return;
  }
  const head = path[index]!;
  if (head === '@') {
    if (!Array.isArray(data)) throw new Error('expected array when encountering `@`');
    data.forEach((value: unknown, position) => {
      prefix.push(position);
      collectEntityPaths(prefix, path, index + 1, value, into);
      prefix.pop();
    });
  } else if (typeof head === 'string') {
    if (Array.isArray(data)) {
      data.forEach((value: unknown, position) => {
        prefix.push(position);
        collectEntityPaths(prefix, path, index, value, into);
        prefix.pop();
      });
    } else if (Object.prototype.hasOwnProperty.call(data, head)) {
      prefix.push(head);
      collectEntityPaths(prefix, path, index + 1, (data as Record<string, unknown>)[head], into);
      prefix.pop();
    }
  } else {
    throw new Error(`unknown path part "${head}"`);
  }
}

/** A subgraph's error as the client sees it: its message and code, the subgraph's name, a response path. */
function downstreamError(
  original: GraphQLFormattedError,
  serviceName: string,
  pathOf: (path: GraphQLFormattedError['path']) => ResponsePath | undefined,
): GraphQLError {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const options = {
    originalError: original as Error,
    path: pathOf(original.path),
    extensions: { ...original.extensions, serviceName },
  };
  const definition = errorCodeDef(original);
  if (definition === undefined && original.extensions?.['code']) return new GraphQLError(message, options);
  return (definition ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}
