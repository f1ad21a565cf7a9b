import { ApolloServer } from '@apollo/server';
import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger, startHttpService, type RunningService } from '#kit';

/** A service whose one field waits until the test lets it finish, to observe draining. */
async function startSlowService(readiness: Record<string, () => Promise<unknown>> = {}) {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server = new ApolloServer({
    typeDefs: 'type Query { slow: String fast: String }',
    resolvers: { Query: { slow: async () => (await released, 'done'), fast: () => 'fast' } },
  });
  await server.start();
  const lines: string[] = [];
  const logger = createLogger({
    service: 'test',
    level: 'debug',
    destination: new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) }),
  });
  const service = await startHttpService({
    name: 'slow',
    logger,
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 2_000,
    graphql: { server, paths: ['/graphql'], context: async () => ({}) },
    readiness,
  });
  return { service, release, lines };
}

const post = (service: RunningService, body: string) =>
  fetch(`${service.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

let running: RunningService | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('the kit’s HTTP service', () => {
  it('answers liveness always and readiness only while every check passes', async () => {
    let databaseUp = true;
    const { service } = await startSlowService({ database: async () => (databaseUp ? undefined : Promise.reject(new Error('connection refused'))) });
    running = service;
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
    const ready = await fetch(`${service.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, checks: { database: { ok: true } } });
    databaseUp = false;
    const notReady = await fetch(`${service.url}/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ ready: false, checks: { database: { ok: false, error: 'connection refused' } } });
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
  });

  it('refuses a body over the limit with 413 and REQUEST_TOO_LARGE', async () => {
    const { service } = await startSlowService();
    running = service;
    const response = await post(service, JSON.stringify({ query: `{ fast } # ${'x'.repeat(5_000)}` }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'REQUEST_TOO_LARGE' } }] });
  });

  it('refuses a body that is not JSON with BAD_REQUEST', async () => {
    const { service } = await startSlowService();
    running = service;
    const response = await post(service, '{"query": ');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('finishes requests in flight when stopped, and refuses new connections meanwhile', async () => {
    const { service, release } = await startSlowService();
    const inFlight = post(service, JSON.stringify({ query: '{ slow }' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopped = service.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(fetch(`${service.url}/health`)).rejects.toThrow();
    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { slow: 'done' } });
    await stopped;
  });

  it('echoes a well-formed correlation id and logs the request under it', async () => {
    const { service, lines } = await startSlowService();
    running = service;
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'client-chosen-id-42' },
      body: JSON.stringify({ query: '{ fast }' }),
    });
    expect(response.headers.get('x-correlation-id')).toBe('client-chosen-id-42');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const requestLog = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line['message'] === 'request');
    expect(requestLog).toMatchObject({ correlationId: 'client-chosen-id-42', service: 'test', status: 200 });
  });
});
