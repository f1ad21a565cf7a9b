import { isScalarType, type GraphQLScalarType, type GraphQLSchema } from 'graphql';
import { DateTimeScalar } from './date-time.js';

/**
 * The custom scalars every subgraph declares in its schema.graphql. Federation
 * needs each to mean the same everywhere, so their behaviour is defined here,
 * once: startSubgraph gives it to every subgraph, and the gateway to its API schema.
 */
export const sharedScalars: readonly GraphQLScalarType[] = [DateTimeScalar];

/**
 * Gives a schema built from SDL, as the gateway's API schema is, the shared
 * scalars' input parsing, so malformed input is refused at the edge with every
 * problem named, before any subgraph is called. Serialising stays the SDL
 * default (the value as it is): the subgraphs have already serialised what
 * they answer, and the gateway passes it through unchanged.
 */
export function parseSharedScalarInput(schema: GraphQLSchema): void {
  for (const scalar of sharedScalars) {
    const type = schema.getType(scalar.name);
    if (!isScalarType(type)) continue;
    type.parseValue = scalar.parseValue;
    type.parseLiteral = scalar.parseLiteral;
  }
}
