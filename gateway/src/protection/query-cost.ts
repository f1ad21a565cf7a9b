import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export interface CostModel {
  /** The size of a list whose size nothing states (and of a page without `first`). */
  defaultListSize: number;
  /** The largest page a subgraph serves; a bigger `first` is refused there, so it counts as this. */
  maxListSize: number;
  /** Arguments that size a page. */
  slicingArguments: readonly string[];
}

/**
 * An upper estimate of how many objects an operation makes the supergraph
 * resolve (Apollo's demand-control model, without schema directives): every
 * field returning an object costs 1, scalars cost 0, and a list multiplies
 * what it contains by its size. A field with a slicing argument (`first`) is a
 * page of that size: the list it returns, or for a connection the list fields
 * directly inside it (`nodes`), hold that many items. Sizes come from the
 * argument, a variable, the variable's or the argument's default, in that order.
 */
export function estimateCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Readonly<Record<string, unknown>>,
  model: CostModel,
): number {
  const root = schema.getRootType(operation.operation);
  if (root === undefined || root === null) return 0;
  const variableDefaults = new Map<string, unknown>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) variableDefaults.set(definition.variable.name.value, valueFromASTUntyped(definition.defaultValue));
  }
  const fragmentCosts = new Map<string, number>();

  function pageSize(node: FieldNode, field: GraphQLField<unknown, unknown>): number | undefined {
    for (const name of model.slicingArguments) {
      const definition = field.args.find((argument) => argument.name === name);
      if (definition === undefined) continue;
      const given = node.arguments?.find((argument) => argument.name.value === name);
      const value = given ? argumentValue(given.value) : definition.defaultValue;
      const size = typeof value === 'number' && Number.isFinite(value) ? value : model.defaultListSize;
      return Math.min(model.maxListSize, Math.max(1, Math.floor(size)));
    }
    return undefined;
  }

  function argumentValue(value: ValueNode): unknown {
    if (value.kind !== Kind.VARIABLE) return valueFromASTUntyped(value);
    const name = value.name.value;
    return Object.hasOwn(variables, name) ? variables[name] : variableDefaults.get(name);
  }

  function selectionCost(selectionSet: SelectionSetNode, parent: GraphQLNamedType, page: number | undefined): number {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        total += fieldCost(selection, parent, page);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        total += selectionCost(selection.selectionSet, condition ?? parent, page);
      } else {
        const name = selection.name.value;
        const key = `${name}|${page ?? ''}`;
        let cost = fragmentCosts.get(key);
        if (cost === undefined) {
          const definition = fragments.get(name);
          const condition = definition ? schema.getType(definition.typeCondition.name.value) : undefined;
          // Set before recursing: a cycle (refused by validation anyway) then costs nothing more.
          fragmentCosts.set(key, 0);
          cost = definition && condition ? selectionCost(definition.selectionSet, condition, page) : 0;
          fragmentCosts.set(key, cost);
        }
        total += cost;
      }
    }
    return total;
  }

  function fieldCost(node: FieldNode, parent: GraphQLNamedType, page: number | undefined): number {
    if (node.name.value.startsWith('__')) return 0;
    const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[node.name.value] : undefined;
    if (field === undefined) return 1;
    const type = getNamedType(field.type);
    const list = isListType(getNullableType(field.type));
    const ownPage = pageSize(node, field);
    const size = list ? (ownPage ?? page ?? model.defaultListSize) : 1;
    // A connection passes its page size to the list inside it; a list consumes it.
    const childPage = !list && ownPage !== undefined ? ownPage : undefined;
    const own = isCompositeType(type) ? 1 : 0;
    const children = node.selectionSet ? selectionCost(node.selectionSet, type, childPage) : 0;
    return size * (own + children);
  }

  return selectionCost(operation.selectionSet, root, undefined);
}
