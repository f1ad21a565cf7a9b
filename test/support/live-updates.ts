import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestPlatform } from './platform.js';

/** One subscription's messages as they arrive, for tests that wait on them. */
export interface LiveFeed<Data> {
  readonly messages: Array<FormattedExecutionResult<Data, unknown>>;
  /** Resolves with the first message (in arrival order, counting from `from`) that `match` accepts. */
  waitFor(match: (data: Data) => boolean, timeoutMs?: number): Promise<Data>;
  /** What the subscription failed with (the GraphQL errors of a refusal), if it did. */
  failure(): unknown;
  dispose(): void;
}

/** A graphql-ws client on the gateway's URL, signed in as a mobile app would be (token in connection_init). */
export function connectAs(test: TestPlatform, accessToken: string): Client {
  return createClient({
    url: `${test.platform.gateway.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${accessToken}` },
  });
}

export function liveFeed<Data>(client: Client, query: string, variables: Record<string, unknown> = {}): LiveFeed<Data> {
  const messages: Array<FormattedExecutionResult<Data, unknown>> = [];
  let failure: unknown;
  const dispose = client.subscribe<Data>(
    { query, variables },
    {
      next: (message) => void messages.push(message),
      error: (error) => {
        failure = error;
      },
      complete: () => {},
    },
  );
  return {
    messages,
    async waitFor(match, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (failure !== undefined) throw new Error(`subscription failed: ${JSON.stringify(failure)}`);
        for (const message of messages) {
          if (message.errors !== undefined) throw new Error(`subscription message with errors: ${JSON.stringify(message.errors)}`);
          if (message.data !== undefined && message.data !== null && match(message.data as Data)) return message.data as Data;
        }
        if (Date.now() > deadline)
          throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages.map((message) => message.data))}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    failure: () => failure,
    dispose,
  };
}
