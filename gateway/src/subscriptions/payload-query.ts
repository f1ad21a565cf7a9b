import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  parse,
  parseType,
  print,
  validate,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';
import { ErrorCode } from '#kit';
import type { SubscriptionField, SubscriptionFieldRegistry } from './subscription-fields.js';

/** The variable the payload query takes the entity's id in; clients may not use the name themselves. */
export const ENTITY_ID_VARIABLE = '__entityId';

export interface SubscriptionRequest {
  query: string;
  operationName?: string | null | undefined;
  variables?: Readonly<Record<string, unknown>> | null | undefined;
}

/** A validated subscription and the query that loads each of its payloads. */
export interface PreparedSubscription {
  /** The client's document, parsed and valid. */
  readonly document: DocumentNode;
  readonly fieldName: string;
  /** Where the payload sits in `data`: the field's alias or name. */
  readonly responseKey: string;
  readonly field: SubscriptionField;
  /** The field's coerced arguments, for the registry's filter. */
  readonly args: Readonly<Record<string, unknown>>;
  /** The query to run per event, e.g. `query { productUpdated: product(id: $__entityId) { … } }`. */
  readonly payloadQuery: string;
  /** The client's variables the payload query still uses; add `__entityId` per event. */
  readonly variables: Readonly<Record<string, unknown>>;
}

export type PrepareResult = { ok: true; subscription: PreparedSubscription } | { ok: false; errors: readonly GraphQLError[] };

/** A refusal the client sees in a graphql-ws `error` message; only `code` goes in extensions. */
export const refusal = (code: ErrorCode, message: string, nodes?: GraphQLError['nodes']): GraphQLError =>
  new GraphQLError(message, { ...(nodes ? { nodes } : {}), extensions: { code } });

const refused = (...errors: GraphQLError[]): PrepareResult => ({ ok: false, errors });

/**
 * Validates a client's subscription operation against the supergraph's API
 * schema and rewrites it into the query that loads one payload: the root
 * subscription field becomes the registry's entity field under the same
 * response key, with the client's selection, fragments and variables kept.
 * So `sub($id: ID!) { p: productUpdated(productId: $id) { id ...F } }` becomes
 * `query sub { p: product(id: $__entityId) { id ...F } }` with fragment F.
 */
export function prepareSubscription(
  schema: GraphQLSchema,
  registry: SubscriptionFieldRegistry,
  request: SubscriptionRequest,
): PrepareResult {
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    if (error instanceof GraphQLError) return refused(refusal(ErrorCode.GRAPHQL_PARSE_FAILED, error.message));
    throw error;
  }
  const operation = getOperationAST(document, request.operationName ?? undefined);
  if (!operation) {
    return refused(
      refusal(ErrorCode.BAD_REQUEST, 'Name the operation to run with operationName; the document has several or none by that name.'),
    );
  }
  if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
    return refused(
      refusal(ErrorCode.BAD_REQUEST, 'Only subscriptions are served over WebSocket. Send queries and mutations over HTTP to the same URL.'),
    );
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // Before validation: graphql-js 16's single-root-field rule throws on a root @skip($var).
  const rootFields = collectRootFields(operation.selectionSet.selections, fragments);
  if (!rootFields.ok) return refused(rootFields.error);
  // The specified rules include "subscriptions select exactly one root field".
  let problems: readonly GraphQLError[];
  try {
    problems = validate(schema, document);
  } catch (error) {
    // Some rules execute parts of the document and throw on what they cannot evaluate.
    if (error instanceof GraphQLError) problems = [error];
    else throw error;
  }
  if (problems.length > 0) {
    return refused(...problems.map((problem) => refusal(ErrorCode.GRAPHQL_VALIDATION_FAILED, problem.message, problem.nodes)));
  }
  if (operation.variableDefinitions?.some((definition) => definition.variable.name.value === ENTITY_ID_VARIABLE)) {
    return refused(refusal(ErrorCode.GRAPHQL_VALIDATION_FAILED, `The variable name $${ENTITY_ID_VARIABLE} is reserved by the gateway.`));
  }
  const [first] = rootFields.fields;
  if (first === undefined) return refused(refusal(ErrorCode.GRAPHQL_VALIDATION_FAILED, 'A subscription selects exactly one root field.'));
  const fieldName = first.name.value;
  const field = registry[fieldName];
  const fieldDefinition = schema.getSubscriptionType()?.getFields()[fieldName];
  if (field === undefined || fieldDefinition === undefined) {
    return refused(refusal(ErrorCode.BAD_REQUEST, `The subscription ${fieldName} is not served by this gateway yet.`, [first]));
  }

  const coercedVariables = getVariableValues(schema, operation.variableDefinitions ?? [], { ...request.variables });
  if (coercedVariables.errors !== undefined) {
    return refused(...coercedVariables.errors.map((error) => refusal(ErrorCode.BAD_USER_INPUT, error.message, error.nodes)));
  }
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(fieldDefinition, first, coercedVariables.coerced);
  } catch (error) {
    if (error instanceof GraphQLError) return refused(refusal(ErrorCode.BAD_USER_INPUT, error.message, error.nodes));
    throw error;
  }

  const queryFields = schema.getQueryType()?.getFields();
  const entityArgument = queryFields?.[field.entityField]?.args.find((argument) => argument.name === field.entityArgument);
  if (entityArgument === undefined) {
    throw new Error(`subscription ${fieldName}: the supergraph has no Query.${field.entityField}(${field.entityArgument}:)`);
  }
  const responseKey = (first.alias ?? first.name).value;
  const payloadField: FieldNode = {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: responseKey },
    name: { kind: Kind.NAME, value: field.entityField },
    arguments: [
      {
        kind: Kind.ARGUMENT,
        name: { kind: Kind.NAME, value: field.entityArgument },
        value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: ENTITY_ID_VARIABLE } },
      },
    ],
    directives: [],
    selectionSet: { kind: Kind.SELECTION_SET, selections: rootFields.fields.flatMap((node) => node.selectionSet?.selections ?? []) },
  };
  const usedFragments = reachableFragments(payloadField, fragments);
  const usedVariables = variablesIn([payloadField, ...usedFragments]);
  const payloadOperation: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: OperationTypeNode.QUERY,
    ...(operation.name ? { name: operation.name } : {}),
    variableDefinitions: [
      ...(operation.variableDefinitions ?? []).filter((definition) => usedVariables.has(definition.variable.name.value)),
      {
        kind: Kind.VARIABLE_DEFINITION,
        variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: ENTITY_ID_VARIABLE } },
        type: parseType(String(entityArgument.type)),
      },
    ],
    selectionSet: { kind: Kind.SELECTION_SET, selections: [payloadField] },
  };
  const payloadDocument: DocumentNode = { kind: Kind.DOCUMENT, definitions: [payloadOperation, ...usedFragments] };
  // A registry entry whose entity field returns another type than the subscription
  // field would make the client's selection invalid: a bug here, not the client's.
  const payloadProblems = validate(schema, payloadDocument);
  if (payloadProblems.length > 0) {
    throw new Error(`subscription ${fieldName}: payload query is invalid: ${payloadProblems.map((problem) => problem.message).join('; ')}`);
  }
  const variables: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request.variables ?? {})) {
    if (usedVariables.has(name)) variables[name] = value;
  }
  return { ok: true, subscription: { document, fieldName, responseKey, field, args, payloadQuery: print(payloadDocument), variables } };
}

type RootFields = { ok: true; fields: FieldNode[] } | { ok: false; error: GraphQLError };

/**
 * The root field's nodes, looking through fragments at the root (validation
 * then makes sure they share one response key and one field, and their
 * selections are merged). The GraphQL spec forbids @skip and @include at the
 * root of a subscription, since whether the stream exists must not depend on
 * variables; they are refused here, on the field and on fragments around it.
 */
function collectRootFields(selections: readonly SelectionNode[], fragments: ReadonlyMap<string, FragmentDefinitionNode>): RootFields {
  const fields: FieldNode[] = [];
  const pending = [...selections];
  const seenFragments = new Set<string>();
  for (let selection = pending.shift(); selection !== undefined; selection = pending.shift()) {
    if ((selection.directives?.length ?? 0) > 0) {
      return {
        ok: false,
        error: refusal(
          ErrorCode.GRAPHQL_VALIDATION_FAILED,
          'A subscription’s root field may not carry directives such as @skip or @include, nor sit in a fragment that does.',
          [selection],
        ),
      };
    }
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) pending.push(...selection.selectionSet.selections);
    else if (!seenFragments.has(selection.name.value)) {
      // Validation refuses fragment cycles later; this walk must not loop on one first.
      seenFragments.add(selection.name.value);
      pending.push(...(fragments.get(selection.name.value)?.selectionSet.selections ?? []));
    }
  }
  return { ok: true, fields };
}

/** The fragment definitions spread, directly or through other fragments, under a node. */
function reachableFragments(root: FieldNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const found = new Map<string, FragmentDefinitionNode>();
  const pending: Array<FieldNode | FragmentDefinitionNode> = [root];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const definition = fragments.get(name);
        if (definition === undefined || found.has(name)) return;
        found.set(name, definition);
        pending.push(definition);
      },
    });
  }
  return [...found.values()];
}

function variablesIn(nodes: ReadonlyArray<FieldNode | FragmentDefinitionNode>): Set<string> {
  const names = new Set<string>();
  for (const node of nodes) {
    visit(node, {
      Variable(variable) {
        names.add(variable.name.value);
      },
    });
  }
  return names;
}
