import { isAbstractType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import type { FetchDataRewrite } from '@apollo/query-planner';
import { hasOwnValue, ResultObject } from './result-object.js';

/**
 * How fetched data is combined before shaping, with @apollo/gateway's rules
 * (deepMerge, executeSelectionSet, applyRewrites, isObjectOfType) but without
 * per-call allocations: no path slicing, no rest arrays, and type-condition
 * answers remembered per supergraph.
 */

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Makes `key` an own property of `target` when it is only inherited (e.g. `constructor`). */
function ownSlot(target: Record<string, unknown>, key: string): unknown {
  const current = target[key];
  if (key !== '__proto__' && typeof current !== 'function') return current;
  if (Object.prototype.hasOwnProperty.call(target, key)) return current;
  Object.defineProperty(target, key, { configurable: true, enumerable: true, value: undefined, writable: true });
  return undefined;
}

/** Merges `source` into `target`, recursively; arrays of the same length element by element. */
export function deepMerge(target: Record<string, unknown>, source: unknown): void {
  if (source === undefined || source === null) return;
  const from = source as Record<string, unknown>;
  for (const key of Object.keys(from)) {
    const value = from[key];
    if (value === undefined) continue;
    const existing = ownSlot(target, key);
    if (existing && isObject(value)) {
      deepMerge(existing as Record<string, unknown>, value);
    } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let index = 0; index < value.length; index += 1) {
        const element = value[index] as unknown;
        if (isObject(existing[index]) && isObject(element)) deepMerge(existing[index] as Record<string, unknown>, element);
        else existing[index] = element;
      }
    } else {
      target[key] = value;
    }
  }
}

/** Answers "is this object of that type?" for one supergraph, remembering each answer. */
export class TypeConditions {
  /** By object type name, then type condition. */
  private readonly answers = new Map<string, Map<string, boolean>>();

  constructor(private readonly schema: GraphQLSchema) {}

  /** @apollo/gateway's isObjectOfType. */
  holds(object: Record<string, unknown>, typeCondition: string, whenTypenameUnknown = false): boolean {
    const typename = object['__typename'];
    if (!typename) return whenTypenameUnknown;
    if (typeCondition === typename) return true;
    let byCondition = this.answers.get(String(typename));
    if (byCondition === undefined) this.answers.set(String(typename), (byCondition = new Map()));
    let answer = byCondition.get(typeCondition);
    if (answer === undefined) {
      const type = this.schema.getType(String(typename));
      const condition = this.schema.getType(typeCondition);
      answer =
        type !== undefined && type !== null && condition !== undefined && condition !== null && isAbstractType(condition)
          ? (isObjectType(type) || isInterfaceType(type)) && this.schema.isSubType(condition, type)
          : false;
      byCondition.set(typeCondition, answer);
    }
    return answer;
  }
}

/** A selection of a fetch's `requires` or of a rewrite path, as the query plan serialises it. */
export interface PlanSelection {
  readonly kind: 'Field' | 'InlineFragment';
  readonly name?: string;
  readonly alias?: string;
  readonly typeCondition?: string;
  readonly selections?: readonly PlanSelection[];
}

/** The entity representation a fetch's `requires` selects out of `source` (null: a required field is missing). */
export function selectRepresentation(
  conditions: TypeConditions,
  source: unknown,
  selections: readonly PlanSelection[],
): Record<string, unknown> | null {
  if (source === null) return null;
  const object = source as Record<string, unknown>;
  const result = new ResultObject();
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const responseName = selection.alias ?? selection.name!;
      const value = hasOwnValue(object, responseName);
      if (value === undefined) return null;
      const children = selection.selections;
      if (Array.isArray(value)) {
        result[responseName] = children ? value.map((element: unknown) => selectRepresentation(conditions, element, children)) : value;
      } else {
        result[responseName] = children ? selectRepresentation(conditions, value, children) : value;
      }
    } else if (selection.typeCondition !== undefined && source && conditions.holds(object, selection.typeCondition)) {
      deepMerge(result, selectRepresentation(conditions, source, selection.selections ?? []));
    }
  }
  return result;
}

const fragmentPrefix = '... on ';

/** Applies the plan's input or output rewrites (key renames and fixed values) to `value`, in place. */
export function applyRewrites(conditions: TypeConditions, rewrites: readonly FetchDataRewrite[] | undefined, value: unknown): void {
  if (rewrites === undefined) return;
  for (const rewrite of rewrites) {
    if (rewrite.path.length === 0) continue;
    const last = rewrite.path[rewrite.path.length - 1]!;
    if (last.startsWith(fragmentPrefix)) throw new Error(`Unexpected fragment as last element of ${rewrite.path.join(',')}`);
    applyAtPath(conditions, rewrite.path, 0, rewrite.path.length - 1, value, (object) => {
      if (rewrite.kind === 'ValueSetter') {
        ownSlot(object, last);
        object[last] = rewrite.setValueTo;
      } else {
        const renamed = hasOwnValue(object, last);
        if (renamed) {
          ownSlot(object, rewrite.renameKeyTo);
          object[rewrite.renameKeyTo] = renamed;
          object[last] = undefined;
        }
      }
    });
  }
}

function applyAtPath(
  conditions: TypeConditions,
  path: readonly string[],
  index: number,
  end: number,
  value: unknown,
  rewrite: (object: Record<string, unknown>) => void,
): void {
  if (Array.isArray(value)) {
    for (const element of value) applyAtPath(conditions, path, index, end, element, rewrite);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const object = value as Record<string, unknown>;
  if (index === end) {
    rewrite(object);
    return;
  }
  const element = path[index]!;
  if (element.startsWith(fragmentPrefix)) {
    if (conditions.holds(object, element.slice(fragmentPrefix.length), true))
      applyAtPath(conditions, path, index + 1, end, object, rewrite);
  } else {
    applyAtPath(conditions, path, index + 1, end, hasOwnValue(object, element), rewrite);
  }
}

/**
 * The values at `path` below `value`, where `@` steps into every element of a
 * list: one object, or a flat list of them (nulls included, for the caller to drop).
 */
export function valuesAtPath(value: unknown, path: readonly (string | number)[], index = 0): unknown {
  if (index === path.length || value === undefined || value === null) return value;
  const element = path[index]!;
  if (element === '@') {
    const values: unknown[] = [];
    for (const item of value as unknown[]) {
      const inner = valuesAtPath(item, path, index + 1);
      if (Array.isArray(inner)) for (const innerItem of inner) values.push(innerItem);
      else values.push(inner);
    }
    return values;
  }
  if (typeof element !== 'string') throw new Error(`Unexpected ${typeof element} found in path`);
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${element}`);
  return valuesAtPath(hasOwnValue(value as Record<string, unknown>, element), path, index + 1);
}
