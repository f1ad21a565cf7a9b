/** The GraphQL-over-HTTP media types a service answers GraphQL requests with. */
export const GraphQLMediaType = {
  /** Statuses follow the errors (4xx/5xx); clients read the body whatever the status. */
  GRAPHQL_RESPONSE_JSON: 'application/graphql-response+json; charset=utf-8',
  /** The legacy type: every well-formed GraphQL response is a 200, as older clients expect. */
  JSON: 'application/json; charset=utf-8',
} as const;

export type GraphQLMediaType = (typeof GraphQLMediaType)[keyof typeof GraphQLMediaType];

/** The weight the Accept header gives to `type/subtype`, counting wildcards; 0 when it is not accepted. */
function weightOf(accept: string, type: string, subtype: string): number {
  let best = -1;
  let bestSpecificity = -1;
  for (const entry of accept.split(',')) {
    const [range = '', ...parameters] = entry.split(';').map((part) => part.trim().toLowerCase());
    const [rangeType, rangeSubtype] = range.split('/');
    const specificity =
      rangeType === type && rangeSubtype === subtype ? 2 : rangeType === type && rangeSubtype === '*' ? 1 : range === '*/*' ? 0 : -1;
    if (specificity < bestSpecificity || specificity < 0) continue;
    const quality = parameters.find((parameter) => parameter.startsWith('q='));
    const weight = quality === undefined ? 1 : Number(quality.slice(2));
    bestSpecificity = specificity;
    best = Number.isFinite(weight) ? weight : 0;
  }
  return Math.max(best, 0);
}

/**
 * The media type of a GraphQL answer to a request with this Accept header:
 * application/graphql-response+json only when the client prefers it to
 * application/json (as Apollo Client 4 does); no header or a tie means
 * application/json, which is what Apollo Server chooses for the same header.
 */
export function graphQLMediaTypeFor(accept: string | undefined): GraphQLMediaType {
  if (accept === undefined || accept.trim() === '') return GraphQLMediaType.JSON;
  return weightOf(accept, 'application', 'graphql-response+json') > weightOf(accept, 'application', 'json')
    ? GraphQLMediaType.GRAPHQL_RESPONSE_JSON
    : GraphQLMediaType.JSON;
}
