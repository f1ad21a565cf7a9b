import {
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  Variable,
  type Directive,
  type NamedType,
  type Operation,
  type Schema,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import { GraphQLError } from 'graphql';
import { hasOwnValue, ResultObject } from './result-object.js';

/**
 * The client's response, cut out of the data the subgraph fetches merged:
 * only the fields the operation selected, in its order and under its aliases,
 * with `__typename` filled in, `@skip`/`@include` applied, leaf values checked
 * against their types and nulls propagated to the nearest nullable field.
 *
 * This is @apollo/gateway's `computeResponse` (resultShaping.ts) with the
 * schema work done once per operation instead of once per value: each
 * selection is compiled to a plain object holding its response name, its
 * type's shape and its children, so a request walks those and its data only.
 * The rules, error messages and paths are kept identical to the original's;
 * the differential test compares the two on the same inputs.
 */
export interface ResponseShaper {
  shape(input: Record<string, unknown> | null | undefined, variables: Record<string, unknown> | undefined): ShapedResponse;
}

export interface ShapedResponse {
  data: Record<string, unknown> | null | undefined;
  /** Values that broke the schema's rules (invalid leaf, null in a non-null field, unknown __typename). */
  errors: GraphQLError[];
}

/** A `@skip`/`@include` argument: a literal, or a variable (with the directive as written, for errors). */
type Condition = { readonly variable: string; readonly directive: string } | { readonly value: boolean };

interface FieldShape {
  readonly kind: 'field';
  readonly responseName: string;
  /** The response name is also a property of Object.prototype, so reads must check ownership. */
  readonly inheritedName: boolean;
  readonly skip: Condition | undefined;
  readonly include: Condition | undefined;
  readonly isTypename: boolean;
  readonly type: TypeShape;
  readonly children: SelectionShape[] | undefined;
}

interface FragmentShape {
  readonly kind: 'fragment';
  readonly skip: Condition | undefined;
  readonly include: Condition | undefined;
  /** Absent: applies to every type. */
  readonly typeCondition: { readonly name: string; readonly appliesTo: ReadonlySet<string> } | undefined;
  readonly children: SelectionShape[];
}

type SelectionShape = FieldShape | FragmentShape;

type TypeShape =
  | { readonly kind: 'nonNull'; readonly ofType: TypeShape; readonly text: string }
  | { readonly kind: 'list'; readonly ofType: TypeShape; readonly text: string }
  | { readonly kind: 'composite'; readonly text: string }
  | { readonly kind: 'leaf'; readonly text: string; readonly isValid: (value: unknown) => boolean };

/** What the operation needs that compiled shaping does not do; the caller executes those the stock way. */
export class UnsupportedSelection extends Error {}

const integerText = /^-?(?:0|[1-9][0-9]*)$/;

/** The schema facts shaping needs, computed once per API schema. */
class SchemaFacts {
  readonly typeNames: ReadonlySet<string>;
  readonly objectTypeNames: ReadonlySet<string>;
  readonly compositeTypeNames: ReadonlySet<string>;
  private readonly applicability = new Map<string, ReadonlySet<string>>();

  constructor(readonly schema: Schema) {
    const types = [...schema.allTypes()];
    this.typeNames = new Set(types.map((type) => type.name));
    this.objectTypeNames = new Set(types.filter((type) => isObjectType(type)).map((type) => type.name));
    this.compositeTypeNames = new Set(types.filter((type) => isCompositeType(type)).map((type) => type.name));
  }

  /** The names of the types a fragment on `condition` applies to (federation's isSubtype). */
  appliesTo(condition: NamedType): ReadonlySet<string> {
    let names = this.applicability.get(condition.name);
    if (names === undefined) {
      names = new Set([...this.schema.allTypes()].filter((type) => isSubtype(condition, type)).map((type) => type.name));
      this.applicability.set(condition.name, names);
    }
    return names;
  }
}

const factsBySchema = new WeakMap<Schema, SchemaFacts>();
const factsOf = (schema: Schema): SchemaFacts => {
  let facts = factsBySchema.get(schema);
  if (facts === undefined) factsBySchema.set(schema, (facts = new SchemaFacts(schema)));
  return facts;
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- @skip/@include sit on fields and fragments alike; upstream types the parent as any too
function conditionOf(directive: Directive<any, { if: unknown }> | undefined): Condition | undefined {
  if (directive === undefined) return undefined;
  const value = directive.arguments().if;
  return value instanceof Variable ? { variable: value.name, directive: directive.toString() } : { value: value === true };
}

function leafValidator(schema: Schema, type: NamedType): (value: unknown) => boolean {
  if (isCustomScalarType(type)) return () => true;
  const isBoolean = type === schema.booleanType();
  const isIntOrId = type === schema.intType() || type === schema.idType();
  const isFloat = type === schema.floatType();
  const isInt = type === schema.intType();
  const enumValues = isEnumType(type) ? new Set(type.values.map((value) => value.name)) : undefined;
  return (value) => {
    if (typeof value === 'boolean') return isBoolean;
    if (typeof value === 'number' && Number.isFinite(value)) return isIntOrId ? integerText.test(String(value)) : isFloat;
    if (typeof value === 'string') return enumValues !== undefined ? enumValues.has(value) : !isBoolean && !isInt && !isFloat;
    return false;
  };
}

function compileType(schema: Schema, type: Type): TypeShape {
  if (isNonNullType(type)) return { kind: 'nonNull', ofType: compileType(schema, type.ofType), text: type.toString() };
  if (isListType(type)) return { kind: 'list', ofType: compileType(schema, type.ofType), text: type.toString() };
  if (isCompositeType(type)) return { kind: 'composite', text: type.toString() };
  return { kind: 'leaf', text: type.toString(), isValid: leafValidator(schema, type as NamedType) };
}

function compileSelections(facts: SchemaFacts, selectionSet: SelectionSet): SelectionShape[] {
  const { schema } = facts;
  return selectionSet.selections().map((selection): SelectionShape => {
    const element = selection.element;
    const skip = conditionOf(element.appliedDirectivesOf(schema.skipDirective())[0]);
    const include = conditionOf(element.appliedDirectivesOf(schema.includeDirective())[0]);
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      if (field.definition.isSchemaIntrospectionField()) throw new UnsupportedSelection('introspection field');
      const responseName = field.responseName();
      return {
        kind: 'field',
        responseName,
        inheritedName: responseName in Object.prototype,
        skip,
        include,
        isTypename: field.name === '__typename',
        type: compileType(schema, field.definition.type!),
        children: selection.selectionSet === undefined ? undefined : compileSelections(facts, selection.selectionSet),
      };
    }
    const condition = selection.element.typeCondition;
    return {
      kind: 'fragment',
      skip,
      include,
      typeCondition: condition === undefined ? undefined : { name: condition.name, appliesTo: facts.appliesTo(condition) },
      children: compileSelections(facts, selection.selectionSet),
    };
  });
}

const describe = (path: Array<string | number>, typeText: string, parentType: string): string => {
  const element = path[path.length - 1];
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${typeText} at index ${String(element)}`;
};

const invalid = (message: string, path: Array<string | number>) =>
  new GraphQLError(message, { path: Array.from(path), extensions: { code: 'INVALID_GRAPHQL' } });

/** One request's shaping: its variables, its errors, and the flags a value update reports back. */
class ShapingRun {
  readonly errors: GraphQLError[] = [];
  readonly path: Array<string | number> = [];
  /** Set by `update`: the value was null in a non-null position, so its parent must be null too. */
  invalid = false;
  /** Set by `update`: an error was already recorded beneath this value. */
  hasErrors = false;

  constructor(
    private readonly facts: SchemaFacts,
    private readonly variables: Record<string, unknown>,
  ) {}

  private holds(condition: Condition): boolean {
    if ('value' in condition) return condition.value;
    const value = this.variables[condition.variable];
    if (typeof value !== 'boolean')
      throw new Error(`Unexpected value ${String(value)} for variable $${condition.variable} of ${condition.directive}`);
    return value;
  }

  private skipped(selection: SelectionShape): boolean {
    return (
      (selection.skip !== undefined && this.holds(selection.skip)) || (selection.include !== undefined && !this.holds(selection.include))
    );
  }

  /** Fills `output` from `input`; true when a non-null violation must null the enclosing object. */
  apply(input: Record<string, unknown>, selections: SelectionShape[], output: Record<string, unknown>, parentType: string): boolean {
    for (const selection of selections) {
      if ((selection.skip !== undefined || selection.include !== undefined) && this.skipped(selection)) continue;
      if (selection.kind === 'field') {
        const { responseName } = selection;
        const outputValue = output[responseName];
        let inputValue = (selection.inheritedName ? hasOwnValue(input, responseName) : input[responseName]) ?? null;
        if (selection.isTypename) {
          if (outputValue === undefined) {
            if (inputValue === null && responseName !== '__typename') inputValue = input['__typename'] ?? null;
            const typeName = typeof inputValue === 'string' && this.facts.typeNames.has(inputValue) ? inputValue : parentType;
            if (!this.facts.objectTypeNames.has(typeName)) return true;
            output[responseName] = typeName;
          }
          continue;
        }
        this.path.push(responseName);
        const updated = this.update(outputValue, selection.type, inputValue, selection.children, parentType);
        output[responseName] = updated;
        this.path.pop();
        if (this.invalid) return true;
      } else {
        const typename = input['__typename'];
        if (typename && typeof typename !== 'string') {
          throw new Error(`Got unexpected value for __typename: ${String(typename)}`);
        }
        const condition = selection.typeCondition;
        const applies =
          condition === undefined ||
          (typename
            ? this.facts.typeNames.has(typename as string) && condition.appliesTo.has(typename as string)
            : condition.appliesTo.has(parentType));
        if (applies && this.apply(input, selection.children, output, condition?.name ?? parentType)) return true;
      }
    }
    return false;
  }

  /** The merged value of one position; reports through `invalid` and `hasErrors`. */
  private update(
    outputValue: unknown,
    type: TypeShape,
    inputValue: unknown,
    children: SelectionShape[] | undefined,
    parentType: string,
  ): unknown {
    this.invalid = false;
    this.hasErrors = false;
    if (outputValue === null || (outputValue !== undefined && children === undefined)) return outputValue;
    if (type.kind === 'nonNull') {
      const updated = this.update(outputValue, type.ofType, inputValue, children, parentType);
      if (updated === null) {
        if (!this.hasErrors) {
          this.errors.push(invalid(`Cannot return null for non-nullable ${describe(this.path, type.ofType.text, parentType)}.`, this.path));
        }
        this.invalid = true;
        this.hasErrors = true;
        return null;
      }
      this.invalid = false;
      this.hasErrors = false;
      return updated;
    }
    if (inputValue === null) return null;
    if (type.kind === 'list') {
      if (!Array.isArray(inputValue))
        throw new Error(`Invalid non-list value ${String(inputValue)} returned by subgraph for list type ${type.text}`);
      if (outputValue !== undefined && !Array.isArray(outputValue))
        throw new Error(`Invalid non-list value ${String(outputValue)} returned by subgraph for list type ${type.text}`);
      const previous = outputValue as unknown[] | undefined;
      if (previous !== undefined && previous.length !== inputValue.length) {
        throw new Error(`[${String(inputValue)}].length (${inputValue.length}) !== [${String(previous)}].length (${previous.length})`);
      }
      let nullify = false;
      let hasErrors = false;
      const updated = new Array<unknown>(inputValue.length);
      for (let index = 0; index < inputValue.length; index += 1) {
        this.path.push(index);
        updated[index] = this.update(previous?.[index], type.ofType, inputValue[index], children, parentType);
        this.path.pop();
        nullify ||= this.invalid;
        hasErrors ||= this.hasErrors;
      }
      this.invalid = false;
      this.hasErrors = hasErrors;
      return nullify ? null : updated;
    }
    if (type.kind === 'composite') {
      if (children === undefined) throw new Error(`Invalid empty selection set for composite type ${type.text}`);
      if (typeof inputValue !== 'object')
        throw new Error(`Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type.text}`);
      if (outputValue !== undefined && typeof outputValue !== 'object') {
        throw new Error(`Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type.text}`);
      }
      const input = inputValue as Record<string, unknown>;
      const inputTypename = input['__typename'];
      if (inputTypename !== undefined && typeof inputTypename !== 'string') {
        throw new Error(`Invalid non-string value ${String(inputTypename)} for __typename at ${this.path.join(',')}`);
      }
      let objectType = type.text;
      if (inputTypename) {
        if (!this.facts.compositeTypeNames.has(inputTypename)) {
          this.errors.push(invalid(`Invalid __typename found for object at ${describe(this.path, type.text, parentType)}.`, this.path));
          this.hasErrors = true;
          return null;
        }
        objectType = inputTypename;
      }
      const output = (outputValue as Record<string, unknown> | undefined) ?? new ResultObject();
      const bubbled = this.apply(input, children, output, objectType);
      this.invalid = false;
      this.hasErrors = bubbled;
      return bubbled ? null : output;
    }
    if (outputValue !== undefined) throw new Error(`Excepted output to be undefined but got ${type.text} for type ${type.text}`);
    if (type.isValid(inputValue)) return inputValue;
    this.errors.push(invalid(`Invalid value found for ${describe(this.path, type.text, parentType)}.`, this.path));
    this.hasErrors = true;
    return null;
  }
}

/**
 * Compiles the operation's selections once. Throws UnsupportedSelection for
 * what it leaves to @apollo/gateway (introspection fields).
 */
export function compileResponseShaper(operation: Operation): ResponseShaper {
  const schema = operation.schema();
  const facts = factsOf(schema);
  const selections = compileSelections(facts, operation.selectionSet);
  const rootType = schema.schemaDefinition.rootType(operation.rootKind)!.name;
  const defaulted = operation.collectDefaultedVariableValues();
  return {
    shape(input, variables) {
      if (!input) return { data: input, errors: [] };
      const run = new ShapingRun(facts, Object.assign(Object.create(null) as Record<string, unknown>, defaulted, variables));
      const data = new ResultObject();
      const bubbled = run.apply(input, selections, data, rootType);
      return { data: bubbled ? null : data, errors: run.errors };
    },
  };
}
