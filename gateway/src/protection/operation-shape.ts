import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/** What the variable-independent operation limits measure. */
export interface OperationShape {
  /** Deepest field nesting; root fields are at depth 1. */
  depth: number;
  /** Aliased fields, counting a fragment's once per spread. */
  aliases: number;
  /** Fields at the root of the largest operation, through fragments. */
  rootFields: number;
}

interface SelectionMeasure {
  depth: number;
  aliases: number;
}

/** Introspection subtrees are not measured: introspection is off in production and Sandbox needs it deep. */
const introspectionFields = new Set(['__schema', '__type']);

/**
 * Measures every operation in the document, before validation: the document
 * may still be invalid (unknown fields, fragment cycles), so nothing here
 * trusts it. Each fragment is measured once and reused, which keeps the work
 * linear even for "fragment bombs" where each fragment spreads the previous
 * one twice; a cycle counts as nothing and is left to validation to refuse.
 */
export function measureOperations(document: DocumentNode): OperationShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, SelectionMeasure>();
  const inProgress = new Set<string>();

  function fragment(name: string): SelectionMeasure {
    const known = measured.get(name);
    if (known !== undefined) return known;
    const definition = fragments.get(name);
    if (definition === undefined || inProgress.has(name)) return { depth: 0, aliases: 0 };
    inProgress.add(name);
    const result = selections(definition.selectionSet);
    inProgress.delete(name);
    measured.set(name, result);
    return result;
  }

  function selections(selectionSet: SelectionSetNode): SelectionMeasure {
    let depth = 0;
    let aliases = 0;
    for (const selection of selectionSet.selections) {
      let inner: SelectionMeasure;
      if (selection.kind === Kind.FIELD) {
        if (introspectionFields.has(selection.name.value)) continue;
        const below = selection.selectionSet ? selections(selection.selectionSet) : { depth: 0, aliases: 0 };
        const counted = selection.name.value === '__typename' ? 0 : 1;
        inner = { depth: below.depth + counted, aliases: below.aliases + (selection.alias ? 1 : 0) };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = selections(selection.selectionSet);
      } else {
        inner = fragment(selection.name.value);
      }
      depth = Math.max(depth, inner.depth);
      aliases += inner.aliases;
    }
    return { depth, aliases };
  }

  const rootCounted = new Map<string, number>();
  function rootFieldCount(selectionSet: SelectionSetNode): number {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!selection.name.value.startsWith('__')) total += 1;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += rootFieldCount(selection.selectionSet);
      } else {
        const name = selection.name.value;
        const definition = fragments.get(name);
        if (definition === undefined || inProgress.has(name)) continue;
        let known = rootCounted.get(name);
        if (known === undefined) {
          inProgress.add(name);
          known = rootFieldCount(definition.selectionSet);
          inProgress.delete(name);
          rootCounted.set(name, known);
        }
        total += known;
      }
    }
    return total;
  }

  const shape: OperationShape = { depth: 0, aliases: 0, rootFields: 0 };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const measure = selections(definition.selectionSet);
    shape.depth = Math.max(shape.depth, measure.depth);
    shape.aliases = Math.max(shape.aliases, measure.aliases);
    shape.rootFields = Math.max(shape.rootFields, rootFieldCount(definition.selectionSet));
  }
  return shape;
}
