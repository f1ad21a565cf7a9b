import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, visit, type ASTNode, type DocumentNode } from 'graphql';
import { invalidInput, type FieldProblem } from '../errors.js';

/**
 * Control characters no field of the API has a use for: the C0 set except
 * tab, line feed and carriage return (which free text such as delivery notes
 * may hold), DEL, and the C1 set. NUL is the one that hurts (PostgreSQL
 * refuses it in text and the request failed as a 500); the others are
 * invisible, break CSV, logs and SMS, and only ever arrive by accident or
 * malice.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** The first refused control character of a string, as `U+0000`; undefined when there is none. */
export function controlCharacterIn(value: string): string | undefined {
  const found = CONTROL_CHARACTER.exec(value);
  if (found === null) return undefined;
  return `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

const problemAt = (field: string, character: string): FieldProblem => ({
  field,
  message: `contains the control character ${character}, which no field accepts (tab, line feed and carriage return are allowed)`,
});

/** Problems for every string, at any depth of a JSON value, that holds a refused control character. */
export function controlCharacterProblemsInValue(value: unknown, path: string): FieldProblem[] {
  if (typeof value === 'string') {
    const character = controlCharacterIn(value);
    return character === undefined ? [] : [problemAt(path, character)];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => controlCharacterProblemsInValue(item, `${path}.${index}`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => {
      const keyCharacter = controlCharacterIn(key);
      const keyProblem = keyCharacter === undefined ? [] : [problemAt(`${path}.${JSON.stringify(key)}`, keyCharacter)];
      return [...keyProblem, ...controlCharacterProblemsInValue(item, `${path}.${key}`)];
    });
  }
  return [];
}

/** Problems for a plain route's query parameters (upload and download tokens), named by parameter. */
export function controlCharacterProblemsInQuery(url: URL): FieldProblem[] {
  return [...url.searchParams].flatMap(([name, value]) => controlCharacterProblemsInValue(value, name));
}

/**
 * Problems for the strings an operation brings in: its variables, named by
 * variable and path (`input.street`), and the string literals written in the
 * document, named by argument and input field (`filter.search`). The lexer
 * refuses raw control characters in a document but not escaped ones (`\u0000`).
 */
export function controlCharacterProblems(document: DocumentNode, variables: Readonly<Record<string, unknown>> | undefined): FieldProblem[] {
  const problems: FieldProblem[] = controlCharacterProblemsInValue(variables ?? {}, '').map((problem) => ({
    ...problem,
    field: problem.field.slice(1),
  }));
  return [...problems, ...literalProblems(document)];
}

/**
 * The literals' verdict depends on the document alone, and Apollo Server hands
 * every request of a known query the same parsed document: it is walked once,
 * not on every request.
 */
const literalVerdicts = new WeakMap<DocumentNode, readonly FieldProblem[]>();

function literalProblems(document: DocumentNode): readonly FieldProblem[] {
  const known = literalVerdicts.get(document);
  if (known !== undefined) return known;
  const problems: FieldProblem[] = [];
  visit(document, {
    StringValue(node, _key, parent, _path, ancestors) {
      const character = controlCharacterIn(node.value);
      // graphql-js passes the direct parent apart from the ancestors above it.
      if (character !== undefined) problems.push(problemAt(literalPath([...ancestors, ...(parent ? [parent] : [])]), character));
    },
  });
  literalVerdicts.set(document, problems);
  return problems;
}

/** Names a literal by the argument and input fields around it, e.g. `input.address.street`. */
function literalPath(ancestors: ReadonlyArray<ASTNode | ReadonlyArray<ASTNode>>): string {
  const names: string[] = [];
  for (const ancestor of ancestors) {
    if (Array.isArray(ancestor) || !('kind' in ancestor)) continue;
    const node = ancestor as ASTNode;
    if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) names.push(node.name.value);
    if (node.kind === Kind.VARIABLE_DEFINITION) names.push(node.variable.name.value);
  }
  return names.length === 0 ? 'query' : names.join('.');
}

/** Throws BAD_USER_INPUT naming every field whose string holds a refused control character. */
export function refuseControlCharacters(document: DocumentNode, variables: Readonly<Record<string, unknown>> | undefined): void {
  const problems = controlCharacterProblems(document, variables);
  if (problems.length > 0) throw invalidInput(problems);
}

/**
 * Refuses an operation carrying control characters before it runs, so no
 * resolver, store or database ever sees one. Runs on every Apollo Server of
 * the platform: the gateway for clients, each subgraph again because it does
 * not trust its caller to have checked.
 */
export function controlCharacterGuardPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          refuseControlCharacters(document, request.variables);
        },
      };
    },
  };
}
