import { Supergraph } from '@apollo/federation-internals';
import {
  Kind,
  getNamedType,
  isNonNullType,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import { isRole, type Role } from '#kit';
import { DirectiveName } from './directive-definitions.js';

/** A payload condition: the value at `path` in the event's data equals `value`. */
export interface FixedCondition {
  readonly path: string;
  readonly value: string | number | boolean | null;
}

/** A field argument that must equal the value at `path`; `optional` when the argument is nullable (absent or null matches anything). */
export interface ArgumentMatch {
  readonly argument: string;
  readonly path: string;
  readonly optional: boolean;
}

/** A root Query field and the argument that reads one entity. */
export interface EntityQuery {
  readonly queryField: string;
  readonly queryArgument: string;
}

/** One Subscription field's `@live` declaration, checked against the API schema. */
export interface LiveDeclaration {
  readonly fieldName: string;
  readonly topic: string;
  readonly events: readonly string[];
  /** How an event finds its entity: the payload path of its id and the query that loads it. */
  readonly entity: EntityQuery & { readonly idPath: string };
  /** Payload paths of user ids: the event reaches a viewer whose id is one of them. */
  readonly recipients: readonly string[];
  /** Or a viewer holding one of these roles. Neither recipients nor roles: everyone. */
  readonly recipientRoles: readonly Role[];
  readonly conditions: readonly FixedCondition[];
  readonly argumentMatches: readonly ArgumentMatch[];
  readonly requiresViewer: boolean;
  readonly admitRoles: readonly Role[] | undefined;
  /** The subscription's argument naming an entity the viewer must be able to read. */
  readonly admitIfReadable: (EntityQuery & { readonly argument: string }) | undefined;
  /** Viewers holding none of these roles share one anonymous load; absent, nobody does. */
  readonly publicViewUnlessRoles: readonly Role[] | undefined;
}

/** One `@forward` declaration: a plain HTTP route the gateway passes to a subgraph. */
export interface RouteDeclaration {
  readonly subgraph: string;
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly requestHeaders: readonly string[];
  readonly responseHeaders: readonly string[];
  /** The request body is streamed to the subgraph (uploads); otherwise none is sent. */
  readonly streamBody: boolean;
  readonly timeoutMs: number;
}

export interface SupergraphDeclarations {
  readonly live: ReadonlyMap<string, LiveDeclaration>;
  readonly routes: readonly RouteDeclaration[];
  /** Topics whose events make the shared response cache stale. */
  readonly cacheInvalidatingTopics: readonly string[];
  /** Each subgraph's routing URL, by its name in rover.yaml. */
  readonly subgraphUrls: ReadonlyMap<string, string>;
}

export class DeclarationProblems extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the supergraph's declarations are invalid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

const methods = new Set(['GET', 'POST', 'PUT']);
const pathPattern = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/;
const queryPattern = /^\s*([A-Za-z_]\w*)\s*\(\s*([A-Za-z_]\w*)\s*:\s*(\$?[A-Za-z_][\w.]*)\s*\)\s*$/;
const conditionPattern = /^\s*(\$?[A-Za-z_][\w.]*)\s*==\s*(.+?)\s*$/;

/**
 * Reads and checks what the subgraphs declared in the supergraph: every name a
 * declaration uses (query fields, arguments, roles, subgraphs) must exist, or
 * this throws with every problem found. Run at gateway start and by `npm run compose`.
 */
export function readDeclarations(supergraphSdl: string): SupergraphDeclarations {
  const document = parse(supergraphSdl);
  const api = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  const problems: string[] = [];
  const subgraphUrls = joinGraphUrls(document);
  const live = new Map<string, LiveDeclaration>();
  const routes: RouteDeclaration[] = [];
  const cacheInvalidatingTopics = new Set<string>();

  for (const definition of document.definitions) {
    if (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION) {
      for (const directive of named(definition.directives, DirectiveName.forward)) {
        const route = readRoute(arguments_(directive), subgraphUrls, problems);
        if (route === undefined) continue;
        if (routes.some((other) => other.method === route.method && other.path === route.path)) {
          problems.push(`@forward ${route.method} ${route.path} is declared twice`);
        } else routes.push(route);
      }
    }
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    for (const directive of named(definition.directives, DirectiveName.invalidatesCache)) {
      const topics = strings(arguments_(directive)['topics']);
      if (topics.length === 0) problems.push(`@invalidatesCache on ${definition.name.value} names no topic`);
      for (const topic of topics) cacheInvalidatingTopics.add(topic);
    }
    if (definition.name.value !== api.getSubscriptionType()?.name) continue;
    for (const field of definition.fields ?? []) {
      for (const directive of named(field.directives, DirectiveName.live)) {
        const declaration = readLive(field.name.value, arguments_(directive), api, problems);
        if (declaration !== undefined) live.set(declaration.fieldName, declaration);
      }
    }
  }
  if (problems.length > 0) throw new DeclarationProblems(problems);
  return { live, routes, cacheInvalidatingTopics: [...cacheInvalidatingTopics], subgraphUrls };
}

type Arguments = Readonly<Record<string, unknown>>;

function named(directives: readonly ConstDirectiveNode[] | undefined, name: string): ConstDirectiveNode[] {
  return (directives ?? []).filter((directive) => directive.name.value === name);
}

function arguments_(directive: ConstDirectiveNode): Arguments {
  return Object.fromEntries((directive.arguments ?? []).map((argument) => [argument.name.value, valueFromASTUntyped(argument.value)]));
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function string(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function roles(value: unknown, where: string, problems: string[]): Role[] {
  const listed = strings(value);
  for (const role of listed) if (!isRole(role)) problems.push(`${where}: unknown role "${role}"`);
  return listed.filter(isRole);
}

function readLive(fieldName: string, args: Arguments, api: GraphQLSchema, problems: string[]): LiveDeclaration | undefined {
  const at = `@live on Subscription.${fieldName}`;
  const before = problems.length;
  const subscriptionField = api.getSubscriptionType()?.getFields()[fieldName];
  if (subscriptionField === undefined) {
    problems.push(`${at}: the field is not in the API schema`);
    return undefined;
  }
  const topic = string(args['topic']);
  if (topic === undefined) problems.push(`${at}: topic is empty`);
  const events = strings(args['events']);
  if (events.length === 0) problems.push(`${at}: events names no event type`);

  const load = queryPattern.exec(string(args['load']) ?? '');
  let entity: LiveDeclaration['entity'] | undefined;
  if (load === null || load[3]?.startsWith('$')) {
    problems.push(`${at}: load must read like "product(id: productId)" (a root Query field, its argument, the payload path of the id)`);
  } else {
    const [, queryField = '', queryArgument = '', idPath = ''] = load;
    const found = queryFieldProblem(api, queryField, queryArgument);
    if (found.problem !== undefined) problems.push(`${at}: load ${found.problem}`);
    else if (getNamedType(found.field.type).name !== getNamedType(subscriptionField.type).name) {
      problems.push(
        `${at}: Query.${queryField} returns ${getNamedType(found.field.type).name}, not ${getNamedType(subscriptionField.type).name}`,
      );
    }
    entity = { queryField, queryArgument, idPath };
  }

  const recipients = strings(args['recipients']);
  for (const path of recipients) if (!pathPattern.test(path)) problems.push(`${at}: recipient "${path}" is not a payload path`);
  const conditions: FixedCondition[] = [];
  const argumentMatches: ArgumentMatch[] = [];
  for (const text of strings(args['where'])) {
    const parsed = conditionPattern.exec(text);
    const [, left = '', right = ''] = parsed ?? [];
    if (left.startsWith('$')) {
      const argument = subscriptionField.args.find((candidate) => candidate.name === left.slice(1));
      if (argument === undefined) problems.push(`${at}: where "${text}" names no argument of ${fieldName}`);
      else if (!pathPattern.test(right)) problems.push(`${at}: where "${text}" must compare the argument with a payload path`);
      else argumentMatches.push({ argument: argument.name, path: right, optional: !isNonNullType(argument.type) });
      continue;
    }
    const value = parsed === null || !pathPattern.test(left) ? undefined : literal(right);
    if (value === undefined) problems.push(`${at}: where "${text}" must read like 'path == "VALUE"' or '$argument == path'`);
    else conditions.push({ path: left, value: value.value });
  }

  let admitIfReadable: LiveDeclaration['admitIfReadable'];
  const admitText = string(args['admitIfReadable']);
  if (admitText !== undefined) {
    const admit = queryPattern.exec(admitText);
    const [, queryField = '', queryArgument = '', argumentName = ''] = admit ?? [];
    const argument = subscriptionField.args.find((candidate) => `$${candidate.name}` === argumentName);
    if (admit === null || argument === undefined) {
      problems.push(`${at}: admitIfReadable must read like "order(id: $orderId)" with an argument of ${fieldName}`);
    } else {
      const found = queryFieldProblem(api, queryField, queryArgument);
      if (found.problem !== undefined) problems.push(`${at}: admitIfReadable ${found.problem}`);
      admitIfReadable = { argument: argument.name, queryField, queryArgument };
    }
  }

  const declaration = {
    fieldName,
    topic: topic ?? '',
    events,
    recipients,
    recipientRoles: roles(args['recipientRoles'], at, problems),
    conditions,
    argumentMatches,
    requiresViewer: args['requiresViewer'] !== false,
    admitRoles: args['admitRoles'] === undefined ? undefined : roles(args['admitRoles'], at, problems),
    admitIfReadable,
    publicViewUnlessRoles: args['publicViewUnlessRoles'] === undefined ? undefined : roles(args['publicViewUnlessRoles'], at, problems),
  };
  return problems.length > before || entity === undefined ? undefined : { ...declaration, entity };
}

type QueryFieldLookup = { field: GraphQLField<unknown, unknown>; problem?: undefined } | { problem: string };

function queryFieldProblem(api: GraphQLSchema, queryField: string, queryArgument: string): QueryFieldLookup {
  const field = api.getQueryType()?.getFields()[queryField];
  if (field === undefined) return { problem: `names Query.${queryField}, which the API schema does not have` };
  if (!field.args.some((argument) => argument.name === queryArgument)) {
    return {
      problem: `names argument ${queryArgument} of Query.${queryField}, which has only (${field.args.map((a) => a.name).join(', ')})`,
    };
  }
  return { field };
}

/** A JSON scalar (`"IN_APP"`, `true`, `3`, `null`), or undefined when the text is none. */
function literal(text: string): { value: string | number | boolean | null } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null ? { value } : undefined;
}

function readRoute(args: Arguments, subgraphUrls: ReadonlyMap<string, string>, problems: string[]): RouteDeclaration | undefined {
  const method = string(args['method'])?.toUpperCase();
  const path = string(args['path']);
  const subgraph = string(args['subgraph']);
  const at = `@forward ${method ?? '?'} ${path ?? '?'}`;
  const before = problems.length;
  if (method === undefined || !methods.has(method)) problems.push(`${at}: method must be one of ${[...methods].join(', ')}`);
  if (path === undefined || !path.startsWith('/') || path === '/' || path === '/graphql')
    problems.push(`${at}: path must start with / and not be a GraphQL path`);
  if (subgraph === undefined || !subgraphUrls.has(subgraph)) problems.push(`${at}: subgraph "${subgraph ?? ''}" is not in the supergraph`);
  const timeoutMs = args['timeoutMs'];
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs <= 0)
    problems.push(`${at}: timeoutMs must be a positive integer`);
  if (problems.length > before || method === undefined || path === undefined || subgraph === undefined || typeof timeoutMs !== 'number')
    return undefined;
  return {
    subgraph,
    method: method === 'GET' ? 'GET' : method === 'POST' ? 'POST' : 'PUT',
    path,
    requestHeaders: strings(args['requestHeaders']).map((name) => name.toLowerCase()),
    responseHeaders: strings(args['responseHeaders']).map((name) => name.toLowerCase()),
    streamBody: args['streamBody'] === true,
    timeoutMs,
  };
}

/** `enum join__Graph { X @join__graph(name: "x", url: "…") }`: each subgraph's name and routing URL. */
function joinGraphUrls(document: DocumentNode): Map<string, string> {
  const urls = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      for (const directive of named(value.directives, 'join__graph')) {
        const args = arguments_(directive);
        const name = string(args['name']);
        const url = string(args['url']);
        if (name !== undefined && url !== undefined) urls.set(name, url);
      }
    }
  }
  return urls;
}
