/** A GraphQL answer that carried errors, with them. */
export class DemoRequestError extends Error {
  constructor(
    readonly operation: string,
    readonly errors: ReadonlyArray<{ message: string; extensions?: { code?: string } }>,
  ) {
    super(`${operation}: ${errors.map((error) => `${error.extensions?.code ?? 'ERROR'} ${error.message}`).join('; ')}`);
    this.name = 'DemoRequestError';
  }

  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

/**
 * The seed's view of the API: operations POSTed to the gateway as any client
 * sends them, so every event and projection follows as in real use.
 */
export class DemoClient {
  constructor(readonly graphqlUrl: string) {}

  async call<Data>(operation: string, variables: Record<string, unknown> = {}, token?: string): Promise<Data> {
    const response = await fetch(this.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'apollo-require-preflight': 'true',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: operation, variables }),
    });
    const text = await response.text();
    let body: { data?: Data | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`${firstLine(operation)}: HTTP ${response.status} ${text.slice(0, 200)}`);
    }
    if (body.errors !== undefined && body.errors.length > 0) throw new DemoRequestError(firstLine(operation), body.errors);
    if (body.data === undefined || body.data === null) throw new Error(`${firstLine(operation)}: no data (HTTP ${response.status})`);
    return body.data;
  }
}

const firstLine = (operation: string) => operation.trim().split('\n')[0]!.slice(0, 80);

/**
 * Retries `attempt` until it returns a value: what an event-driven projection
 * needs (a product reaching the orders catalog, a payment opening, an offer).
 */
export async function eventually<Value>(attempt: () => Promise<Value | undefined>, what: string, timeoutMs = 60_000): Promise<Value> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `waited ${timeoutMs / 1000} s for ${what}${lastError ? `: ${lastError instanceof Error ? lastError.message : String(lastError)}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
