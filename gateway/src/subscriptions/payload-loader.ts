import type { ApolloServer, GraphQLResponse } from '@apollo/server';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import { correlationIdFrom, ErrorCode, UNEXPECTED_ERROR_MESSAGE, type EventEnvelope, type Logger, type Viewer } from '#kit';
import type { GatewayContext } from '../gateway-context.js';
import { ENTITY_ID_VARIABLE, type PreparedSubscription } from './payload-query.js';
import type { SharedLoads } from './shared-loads.js';
import type { PayloadLoader } from './subscription-events.js';

/** What the gateway's Apollo Server answers a payload query with. */
export type PayloadResponse = GraphQLResponse<Record<string, unknown>>;

export interface Subscriber {
  readonly viewer: Viewer | null;
  readonly accessToken: string | undefined;
  readonly logger: Logger;
}

/** The context an operation runs in when the gateway runs it as this subscriber. */
export function subscriberContext(subscriber: Subscriber, correlationId: string, logger: Logger): GatewayContext {
  return { viewer: subscriber.viewer, accessToken: subscriber.accessToken, correlationId, logger };
}

/**
 * Errors that mean "this subscriber may not see this entity" rather than
 * "something broke": the event is simply not theirs to receive.
 */
const notForThisSubscriber = new Set<unknown>([ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN, ErrorCode.UNAUTHENTICATED]);

/**
 * Loads payloads by running the subscription's payload query through the
 * gateway's own Apollo Server, as the subscriber: their token goes to every
 * subgraph, so each applies its visibility rules exactly as for an HTTP
 * query, and fields of any subgraph can be selected. An entity that comes
 * back null (an inactive product someone else owns) is not sent at all.
 */
export function payloadLoader(
  server: ApolloServer<GatewayContext>,
  subscription: PreparedSubscription,
  subscriber: Subscriber,
  limit: <T>(task: () => Promise<T>) => Promise<T>,
  publicLoads: SharedLoads<PayloadResponse>,
): PayloadLoader {
  const variables = (entityId: string) => ({ ...subscription.variables, [ENTITY_ID_VARIABLE]: entityId });
  const sharesPublicView = subscription.field.seesPublicView?.(subscriber.viewer) === true;
  const variablesKey = sharesPublicView ? JSON.stringify(subscription.variables) : '';
  return async (entityId: string, envelope: EventEnvelope) => {
    // The event's correlation id ties each delivery to the request that caused it.
    const correlationId = correlationIdFrom(envelope.correlationId);
    // Made only when needed: a shared public-view payload is delivered to thousands without one.
    let eventLogger: Logger | undefined;
    const logger = () => (eventLogger ??= subscriber.logger.child({ correlationId, eventId: envelope.id }));
    let response: PayloadResponse;
    try {
      if (sharesPublicView) {
        // Loaded anonymously, once per event, query and variables, for every subscriber who sees
        // what an anonymous caller sees; used only if it found the entity without an error.
        const key = `${envelope.id}\n${entityId}\n${subscription.payloadQuery}\n${variablesKey}`;
        const shared = await publicLoads.load(key, () =>
          limit(() =>
            server.executeOperation<Record<string, unknown>>(
              { query: subscription.payloadQuery, variables: variables(entityId) },
              { contextValue: { viewer: null, accessToken: undefined, correlationId, logger: logger().child({ publicView: true }) } },
            ),
          ),
        );
        if (
          shared.body.kind === 'single' &&
          shared.body.singleResult.errors === undefined &&
          shared.body.singleResult.data?.[subscription.responseKey]
        ) {
          return { data: shared.body.singleResult.data };
        }
      }
      const contextValue = subscriberContext(subscriber, correlationId, logger());
      response = await limit(() =>
        server.executeOperation<Record<string, unknown>>(
          { query: subscription.payloadQuery, variables: variables(entityId) },
          { contextValue },
        ),
      );
    } catch (error) {
      logger().error({ err: error, field: subscription.fieldName }, 'subscription payload failed to load');
      return failed([{ message: UNEXPECTED_ERROR_MESSAGE, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }]);
    }
    if (response.body.kind !== 'single') return null;
    const { data, errors } = response.body.singleResult;
    const entity = data?.[subscription.responseKey];
    if (entity !== null && entity !== undefined) return { data, ...(errors ? { errors } : {}) };
    if (errors === undefined || errors.every((error) => notForThisSubscriber.has(error.extensions?.['code']))) {
      logger().debug({ field: subscription.fieldName, entityId }, 'subscription payload not visible to the subscriber; nothing sent');
      return null;
    }
    // The field is non-null in the Subscription type, so a failed load nulls the whole result.
    logger().warn(
      { field: subscription.fieldName, entityId, codes: errors.map((error) => error.extensions?.['code']) },
      'subscription payload failed',
    );
    return failed(errors);
  };
}

const failed = (errors: readonly GraphQLFormattedError[]): FormattedExecutionResult => ({ data: null, errors });
