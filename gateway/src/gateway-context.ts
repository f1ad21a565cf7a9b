import type { Logger, Viewer } from '#kit';

/** What the gateway knows about one request while planning and executing it. */
export interface GatewayContext {
  readonly viewer: Viewer | null;
  /** The caller's verified access token, forwarded so every subgraph can verify it again. */
  readonly accessToken: string | undefined;
  readonly correlationId: string;
  readonly logger: Logger;
}
