/**
 * The directives a subgraph declares its live fields, forwarded routes and
 * cache invalidation with (docs/subscriptions.md). A subgraph that uses them
 * imports them with `@link(url: LIVE_SPEC_URL, import: [...])`, keeps them in
 * the supergraph with `@composeDirective`, and copies these definitions into
 * its schema.graphql verbatim; composition (`npm run compose`) refuses a copy
 * that differs, so every subgraph speaks the same version.
 */
export const LIVE_SPEC_URL = 'https://gasrapido.dev/live/v1.0';

export const DirectiveName = {
  live: 'live',
  forward: 'forward',
  invalidatesCache: 'invalidatesCache',
} as const;

/** Each directive's definition, as a subgraph's schema.graphql must spell it. */
export const directiveDefinitions: Readonly<Record<keyof typeof DirectiveName, string>> = {
  live: [
    'directive @live(',
    '  topic: String!',
    '  events: [String!]!',
    '  load: String!',
    '  recipients: [String!]',
    '  recipientRoles: [String!]',
    '  where: [String!]',
    '  requiresViewer: Boolean! = true',
    '  admitRoles: [String!]',
    '  admitIfReadable: String',
    '  publicViewUnlessRoles: [String!]',
    ') on FIELD_DEFINITION',
  ].join('\n'),
  forward: [
    'directive @forward(',
    '  subgraph: String!',
    '  method: String!',
    '  path: String!',
    '  requestHeaders: [String!]! = []',
    '  responseHeaders: [String!]! = []',
    '  streamBody: Boolean! = false',
    '  timeoutMs: Int!',
    ') repeatable on SCHEMA',
  ].join('\n'),
  invalidatesCache: 'directive @invalidatesCache(topics: [String!]!) on OBJECT',
};
