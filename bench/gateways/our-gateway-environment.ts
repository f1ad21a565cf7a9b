// How the benchmarks start our gateway: as deployed, against the bench supergraph.
// Shared by run.ts (the side-by-side comparison) and profile-ours.ts.

export interface OurGatewayPlace {
  port: number;
  supergraphPath: string;
  /** The bench accounts subgraph's origin, which serves the bench key's JWKS. */
  accountsOrigin: string;
}

/** Production settings with every limit on, set for a load test from one address. */
export function ourGatewayEnvironment({ port, supergraphPath, accountsOrigin }: OurGatewayPlace): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    GATEWAY_PORT: String(port),
    SUPERGRAPH_PATH: supergraphPath,
    ACCOUNTS_JWKS_URL: `${accountsOrigin}/.well-known/jwks.json`,
    GATEWAY_SHARED_SECRET: 'gateway-bench-shared-secret-0123456789abcdef',
    // Limits stay on, set for a load test from one address: every request comes from 127.0.0.1.
    GATEWAY_RATE_LIMIT_ANONYMOUS_PER_SECOND: '1000000',
    GATEWAY_RATE_LIMIT_ANONYMOUS_BURST: '1000000',
    GATEWAY_RATE_LIMIT_USER_PER_SECOND: '1000',
    GATEWAY_RATE_LIMIT_USER_BURST: '1000',
    // The one whole-response cache there is (public, anonymous responses only) is off: it never counts.
    GATEWAY_RESPONSE_CACHE: 'false',
    // The deep query's estimated cost is 341,025 (lists of lists): the cost limit stays on, raised above it.
    GATEWAY_MAX_COST: '1000000',
  };
}

/**
 * One process as deployed: the Dockerfile starts the gateway with a 64 MiB young generation,
 * as the cluster primary does for each worker (docs/gateway-performance.md).
 */
export const oneProcess = { GATEWAY_WORKERS: '1', NODE_OPTIONS: '--max-semi-space-size=64' } as const;
