import {
  ApolloServer,
  type ApolloServerOptions,
  type ContextThunk,
  type HTTPGraphQLRequest,
  type HTTPGraphQLResponse,
} from '@apollo/server';
import { graphQLMediaTypeFor } from '#kit';
import type { GatewayContext } from '../gateway-context.js';
import type { FrontDoor } from './front-door.js';
import { refusalResponse } from './refusal.js';

/**
 * Apollo Server with the front door before its HTTP handling. Refusals made
 * here need their own status and headers (429 with Retry-After), which Apollo
 * Server only honours for errors thrown after validation; checking here also
 * keeps refused requests from being parsed and validated at all. Operations
 * run in process (executeOperation, as subscriptions load payloads) do not
 * come through here: they are not client HTTP requests.
 */
export class GuardedApolloServer extends ApolloServer<GatewayContext> {
  constructor(
    options: ApolloServerOptions<GatewayContext>,
    private readonly frontDoor: FrontDoor,
  ) {
    super(options);
  }

  override async executeHTTPGraphQLRequest(request: {
    httpGraphQLRequest: HTTPGraphQLRequest;
    context: ContextThunk<GatewayContext>;
  }): Promise<HTTPGraphQLResponse> {
    // The kit builds the context before calling, so asking for it here costs nothing extra.
    const refusal = await this.frontDoor.admit(request.httpGraphQLRequest, await request.context());
    return refusal === undefined
      ? super.executeHTTPGraphQLRequest(request)
      : refusalResponse(refusal, graphQLMediaTypeFor(request.httpGraphQLRequest.headers.get('accept')));
  }
}
