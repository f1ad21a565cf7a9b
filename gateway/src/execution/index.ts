export { CompiledPlanGateway, type CompiledPlanGatewayConfig } from './compiled-plan-gateway.js';
export { FederatedExecutor, type FederatedExecutorOptions } from './federated-executor.js';
