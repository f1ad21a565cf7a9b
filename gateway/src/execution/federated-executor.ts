import type { GraphQLDataSource } from '@apollo/gateway';
import type { GatewayExecutionResult, GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { operationFromDocument, Supergraph, type Operation, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import { getVariableValues, GraphQLError, type GraphQLSchema } from 'graphql';

import { TypeConditions } from './data-merging.js';
import { inSpan, SpanName } from './execution-spans.js';
import { executePlanNode } from './plan-execution.js';
import { compileResponseShaper, UnsupportedSelection, type ResponseShaper } from './response-shaper.js';
import { ResultObject } from './result-object.js';

/** An operation ready to run: parsed against the API schema, planned, its response shaping compiled. */
interface PreparedOperation {
  readonly operation: Operation;
  readonly plan: QueryPlan;
  /** Undefined: the operation needs what only the stock executor does (introspection, @defer, subscriptions). */
  readonly shaper: ResponseShaper | undefined;
}

/** One supergraph's planning state; replaced whole when the supergraph changes. */
interface SupergraphState {
  readonly apiSchema: Schema;
  readonly graphqlApiSchema: GraphQLSchema;
  readonly planner: QueryPlanner;
  readonly conditions: TypeConditions;
  readonly prepared: Map<string, PreparedOperation>;
}

export interface FederatedExecutorOptions {
  /** The subgraphs' data sources, by name, as @apollo/gateway built them. */
  services: ReadonlyMap<string, GraphQLDataSource>;
  /** @apollo/gateway's own executor, for the operations this one leaves to it. */
  fallback: GatewayExecutor;
  /** How many prepared operations (plans and compiled shapers) are kept; least recently used go first. */
  maxPreparedOperations: number;
}

/**
 * The gateway's executor: @apollo/gateway's query planner, then our own
 * execution of the plan and shaping of the response (docs/gateway-performance.md).
 *
 * Per request, the stock executor hashes the query again, builds the operation
 * from the document, creates an OpenTelemetry span and a usage-reporting node
 * for every plan node, and shapes the response by walking the operation with
 * schema lookups at every value. Here, everything that depends on the
 * operation alone is done once and kept by query hash: the operation, its
 * plan, and a shaper compiled from its selections. A request then only fetches,
 * merges and shapes. The responses are the stock executor's, error for error;
 * `gateway/test/federated-executor.test.ts` compares the two. One
 * deliberate exception: values a subgraph returns against its declared schema
 * are reported in `errors`, not in `extensions.valueCompletion`.
 *
 * Introspection fields, @defer and subscriptions, and requests asking for the
 * query plan (outside production), go to the stock executor unchanged. The
 * planner's security limits (recursive and non-local selections) always stay
 * on here: APOLLO_DISABLE_SECURITY_*_CHECK only affect the stock executor.
 */
export class FederatedExecutor {
  private state: SupergraphState | undefined;

  constructor(private readonly options: FederatedExecutorOptions) {}

  /** Called with the core supergraph SDL whenever @apollo/gateway loads or updates the supergraph. */
  useSupergraph(coreSupergraphSdl: string, graphqlApiSchema: GraphQLSchema): void {
    const supergraph = Supergraph.build(coreSupergraphSdl);
    this.state = {
      apiSchema: supergraph.apiSchema(),
      graphqlApiSchema,
      planner: new QueryPlanner(supergraph),
      conditions: new TypeConditions(supergraph.schema.toGraphQLJSSchema()),
      prepared: new Map(),
    };
  }

  readonly execute: GatewayExecutor = (requestContext) =>
    inSpan(SpanName.REQUEST, requestContext.operationName ? { 'graphql.operation.name': requestContext.operationName } : undefined, () =>
      this.executeRequest(requestContext),
    );

  private async executeRequest(requestContext: GatewayGraphQLRequestContext): Promise<GatewayExecutionResult> {
    const state = this.state;
    if (state === undefined || requestContext.request.http?.headers.get('apollo-query-plan-experimental')) {
      return this.options.fallback(requestContext);
    }
    // In the stock executor's order: variables are checked before planning, and an operation
    // the planner refuses is thrown (Apollo Server answers 500), not returned.
    const variableDefinitions = requestContext.operation?.variableDefinitions;
    if (variableDefinitions !== undefined && variableDefinitions.length > 0) {
      const { errors } = getVariableValues(state.graphqlApiSchema, variableDefinitions, requestContext.request.variables ?? {});
      if (errors !== undefined) return { errors };
    }
    const prepared = this.prepare(state, requestContext);
    if (prepared.shaper === undefined) return this.options.fallback(requestContext);
    return inSpan(SpanName.EXECUTE, undefined, () => execute(state, prepared, prepared.shaper!, requestContext, this.options.services));
  }

  private prepare(state: SupergraphState, requestContext: GatewayGraphQLRequestContext): PreparedOperation {
    const operationName = requestContext.request.operationName ?? '';
    const key = `${requestContext.queryHash}\u0000${operationName}`;
    const cached = state.prepared.get(key);
    if (cached !== undefined) {
      // Most recently used last: the oldest entry is the first one evicted.
      state.prepared.delete(key);
      state.prepared.set(key, cached);
      return cached;
    }
    const operation = operationFromDocument(state.apiSchema, requestContext.document, operationName === '' ? {} : { operationName });
    const plan = inSpan(SpanName.PLAN, undefined, () => state.planner.buildQueryPlan(operation));
    let shaper: ResponseShaper | undefined;
    if (plan.node?.kind !== 'Subscription' && !containsDefer(plan.node)) {
      try {
        shaper = compileResponseShaper(operation);
      } catch (error) {
        if (!(error instanceof UnsupportedSelection)) throw error;
      }
    }
    const prepared = { operation, plan, shaper };
    state.prepared.set(key, prepared);
    if (state.prepared.size > this.options.maxPreparedOperations) state.prepared.delete(state.prepared.keys().next().value!);
    return prepared;
  }
}

function containsDefer(node: QueryPlan['node']): boolean {
  if (node === undefined) return false;
  switch (node.kind) {
    case 'Defer':
      return true;
    case 'Sequence':
    case 'Parallel':
      return node.nodes.some(containsDefer);
    case 'Flatten':
      return containsDefer(node.node);
    case 'Condition':
      return containsDefer(node.ifClause) || containsDefer(node.elseClause);
    default:
      return false;
  }
}

async function execute(
  state: SupergraphState,
  prepared: PreparedOperation,
  shaper: ResponseShaper,
  requestContext: GatewayGraphQLRequestContext,
  services: ReadonlyMap<string, GraphQLDataSource>,
): Promise<GatewayExecutionResult> {
  const errors: GraphQLError[] = [];
  const fetched = new ResultObject();
  const root = prepared.plan.node;
  if (root !== undefined && root.kind !== 'Subscription') {
    await executePlanNode(
      { services, requestContext, variableDefinitions: prepared.operation.variableDefinitions, conditions: state.conditions, errors },
      root,
      { path: [], data: fetched, fullResult: fetched },
    );
  }
  try {
    const { data, errors: shapingErrors } = inSpan(SpanName.POST_PROCESSING, undefined, () =>
      shaper.shape(fetched, requestContext.request.variables),
    );
    // A deliberate divergence from stock @apollo/gateway, which reports these only in
    // extensions.valueCompletion (and drops them when a subgraph also reported errors): a
    // value a subgraph broke its schema with is nulled, up to the nearest nullable parent,
    // and clients read only `errors` to learn why and where (docs/errors.md).
    const unexplained = shapingErrors.filter((shapingError) => !explainedBy(errors, shapingError));
    const allErrors = unexplained.length === 0 ? errors : [...errors, ...unexplained];
    return allErrors.length === 0 ? { data } : { errors: allErrors, data };
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] };
    if (error instanceof Error) return { errors: [new GraphQLError(error.message, { originalError: error })] };
    requestContext.logger.error(`Unexpected error during query plan execution: ${String(error)}`);
    return { errors: [new GraphQLError('Unexpected error during query plan execution')] };
  }
}

/**
 * A null a subgraph already reported an error for is explained, as graphql-js reports a failed
 * field once and not again for each parent its null reaches: the error sits at the nulled field,
 * below it (where the null propagated from), or above it (an entity whose fetch failed leaves its
 * fields missing). An error without a path (a whole fetch failed) explains every null.
 */
function explainedBy(errors: readonly GraphQLError[], shapingError: GraphQLError): boolean {
  const nulled = shapingError.path ?? [];
  return errors.some((error) => error.path === undefined || startsWith(error.path, nulled) || startsWith(nulled, error.path));
}

function startsWith(path: ReadonlyArray<string | number>, prefix: ReadonlyArray<string | number>): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => path[index] === segment);
}
