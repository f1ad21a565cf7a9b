import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type FragmentDefinitionNode } from 'graphql';
import { ErrorCode, MAX_PAGE_SIZE } from '#kit';
import { estimateCost, type CostModel } from './query-cost.js';
import { refusalError } from './refusal.js';

/** The subgraphs' paging: 20 items unless `first` says otherwise, at most MAX_PAGE_SIZE. */
export const costModel: CostModel = { defaultListSize: 20, maxListSize: MAX_PAGE_SIZE, slicingArguments: ['first', 'last'] };

/**
 * Refuses an operation whose estimated cost is above `maxCost`. It runs once
 * the operation is resolved and before the gateway plans it, because the
 * estimate needs the schema (which fields are lists, which take `first`) and
 * the variables, which differ between runs of one persisted query.
 */
export function costLimitPlugin(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (operation === undefined) return;
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
          }
          const cost = estimateCost(schema, operation, fragments, request.variables ?? {}, costModel);
          if (cost <= maxCost) return;
          throw refusalError({
            code: ErrorCode.QUERY_TOO_COSTLY,
            message: `The operation's estimated cost is ${cost}; at most ${maxCost} is allowed. Ask for smaller pages (\`first\`) or fewer nested lists.`,
            details: { cost, maxCost },
          });
        },
      };
    },
  };
}
