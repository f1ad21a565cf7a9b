import { ApolloGateway, type GraphQLDataSource, type ServiceEndpointDefinition } from '@apollo/gateway';
import type { Logger } from '@apollo/utils.logger';
import { parseSharedScalarInput } from '#kit';
import { FederatedExecutor } from './federated-executor.js';

export interface CompiledPlanGatewayConfig {
  supergraphSdl: string;
  buildService(definition: ServiceEndpointDefinition): GraphQLDataSource;
  logger: Logger;
  /** Prepared operations kept (GATEWAY_PREPARED_OPERATIONS). */
  maxPreparedOperations: number;
}

/**
 * @apollo/gateway with its supergraph loading, schema and query planner as
 * they are, and our FederatedExecutor in place of its executor. The stock
 * executor stays behind it for what ours leaves alone.
 */
export class CompiledPlanGateway extends ApolloGateway {
  private readonly federated: FederatedExecutor;
  private stockExecutor: ReturnType<ApolloGateway['load']> extends Promise<infer Loaded>
    ? Loaded extends { executor: infer E }
      ? E
      : never
    : never;

  constructor(config: CompiledPlanGatewayConfig) {
    const services = new Map<string, GraphQLDataSource>();
    super({
      supergraphSdl: config.supergraphSdl,
      logger: config.logger,
      buildService: (definition) => {
        const service = config.buildService(definition);
        services.set(definition.name, service);
        return service;
      },
    });
    this.stockExecutor = this.executor;
    this.federated = new FederatedExecutor({
      services,
      fallback: (requestContext) => this.stockExecutor(requestContext),
      maxPreparedOperations: config.maxPreparedOperations,
    });
    this.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
      // The API schema is built from SDL, where DateTime accepts anything; give it the kit's parsing.
      parseSharedScalarInput(apiSchema);
      this.federated.useSupergraph(coreSupergraphSdl, apiSchema);
    });
  }

  override async load(options?: Parameters<ApolloGateway['load']>[0]): ReturnType<ApolloGateway['load']> {
    const loaded = await super.load(options);
    this.stockExecutor = loaded.executor;
    return { ...loaded, executor: this.federated.execute };
  }
}
