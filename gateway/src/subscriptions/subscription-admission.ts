import type { ApolloServer } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { correlationIdFrom, ErrorCode, hasRole, isErrorCode, UNEXPECTED_ERROR_MESSAGE } from '#kit';
import type { GatewayContext } from '../gateway-context.js';
import { subscriberContext, type Subscriber } from './payload-loader.js';
import { refusal, type PreparedSubscription } from './payload-query.js';

/**
 * Whether a subscriber may start a subscription, by its field's admission
 * (subscription-fields.ts): the refusals to send, or none to admit. Roles are
 * checked here; an entity named by an argument is read once through the
 * gateway's own Apollo Server as the subscriber, so the owning subgraph's
 * visibility rule decides, and its refusal is passed on.
 */
export async function admissionRefusals(
  server: ApolloServer<GatewayContext>,
  subscription: PreparedSubscription,
  subscriber: Subscriber,
  limit: <T>(task: () => Promise<T>) => Promise<T>,
): Promise<readonly GraphQLError[] | undefined> {
  const { admission } = subscription.field;
  if (admission?.roles !== undefined && !admission.roles.some((role) => hasRole(subscriber.viewer, role))) {
    return [refusal(ErrorCode.FORBIDDEN, `${subscription.fieldName} is for ${admission.roles.join(' or ')} accounts only.`)];
  }
  const entity = admission?.entity;
  const id = entity === undefined ? undefined : subscription.args[entity.argument];
  if (entity === undefined || typeof id !== 'string') return undefined;

  let response: Awaited<ReturnType<typeof server.executeOperation>>;
  try {
    response = await limit(() =>
      server.executeOperation<Record<string, unknown>>(
        { query: `query ($id: ID!) { entity: ${entity.queryField}(${entity.queryArgument}: $id) { __typename } }`, variables: { id } },
        { contextValue: subscriberContext(subscriber, correlationIdFrom(undefined), subscriber.logger) },
      ),
    );
  } catch (error) {
    subscriber.logger.error({ err: error, field: subscription.fieldName }, 'subscription admission could not be checked');
    return [refusal(ErrorCode.INTERNAL_SERVER_ERROR, UNEXPECTED_ERROR_MESSAGE)];
  }
  const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
  if (errors === undefined || errors.length === 0) return undefined;
  const subject = `${subscription.fieldName}(${entity.argument}: "${id}")`;
  return errors.map((error) => {
    const code = error.extensions?.['code'];
    return isErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR
      ? refusal(code, `${subject} cannot be subscribed to: ${error.message}`)
      : refusal(ErrorCode.INTERNAL_SERVER_ERROR, UNEXPECTED_ERROR_MESSAGE);
  });
}
