import type { Logger, Viewer } from '#kit';

/** What the gateway knows about one request while planning and executing it. */
export interface GatewayContext {
  readonly viewer: Viewer | null;
  /** The caller's verified access token, forwarded so every subgraph can verify it again. */
  readonly accessToken: string | undefined;
  readonly correlationId: string;
  readonly logger: Logger;
  /**
   * The client's address as rate limits count it (IPv6 by /64); set for HTTP
   * requests, absent for operations the gateway runs itself (subscription payloads).
   */
  readonly clientAddress?: string;
}
