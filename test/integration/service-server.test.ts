import { ApolloServer } from '@apollo/server';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, startHttpService, type RunningService, type UnreadBodyLimits } from '#kit';
import { eventually } from '../support/event-probe.js';

/** A service whose one field waits until the test lets it finish, to observe draining. */
async function startSlowService(readiness: Record<string, () => Promise<unknown>> = {}, unreadBodyLimits?: UnreadBodyLimits) {
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
    ...(unreadBodyLimits === undefined ? {} : { unreadBodyLimits }),
  });
  return { service, release, lines };
}

const post = (service: RunningService, body: string) =>
  fetch(`${service.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

interface StreamedPost {
  request: ClientRequest;
  /** Settles with the answer's status and body, or rejects when the connection broke first. */
  answer: Promise<{ status: number; body: string; connection: Socket }>;
  /** Settles once the connection closed or failed, with how many body bytes the client had written by then. */
  cut: Promise<number>;
}

/** A chunked POST to /graphql whose body the caller writes, so it can go on after the answer arrived. */
function streamedPost(service: RunningService, agent?: Agent): StreamedPost {
  const request = httpRequest(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    ...(agent === undefined ? {} : { agent }),
  });
  const answer = new Promise<{ status: number; body: string; connection: Socket }>((resolve, reject) => {
    request.once('response', (response: IncomingMessage) => {
      // Taken now: once the response has ended, a keep-alive agent may already have detached the socket.
      const connection = response.socket;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (part: string) => (body += part));
      response.once('end', () => resolve({ status: response.statusCode ?? 0, body, connection }));
    });
    request.once('error', reject);
  });
  const cut = new Promise<number>((resolve) => {
    request.once('socket', (socket) => socket.once('close', () => resolve(socket.bytesWritten)));
  });
  answer.catch(() => {});
  return { request, answer, cut };
}

/** Writes `total` bytes of body in 1 KiB chunks, waiting for each to drain; stops early when the connection breaks. */
async function writeBody(request: ClientRequest, total: number): Promise<'written' | 'broken'> {
  const chunk = Buffer.alloc(1024, 'x');
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (request.destroyed || request.socket?.destroyed) return 'broken';
    const flushed = new Promise<boolean>((resolve) => request.write(chunk, (error) => resolve(error == null)));
    if (!(await flushed)) return 'broken';
  }
  return 'written';
}

let running: RunningService | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('the kit’s HTTP service', () => {
  it('answers liveness always and readiness only while every check passes', async () => {
    let databaseUp = true;
    const { service } = await startSlowService({
      database: async () => (databaseUp ? undefined : Promise.reject(new Error('connection refused'))),
    });
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

  it('answers 413 to a body that runs over the limit while it streams, reads the rest, and keeps the connection', async () => {
    const { service } = await startSlowService();
    running = service;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const oversized = streamedPost(service, agent);
      // 64 KiB against a 2,000-byte limit: the answer goes out while the client is still sending.
      expect(await writeBody(oversized.request, 64 * 1024)).toBe('written');
      oversized.request.end();
      const refused = await oversized.answer;
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.body)).toMatchObject({ errors: [{ extensions: { code: 'REQUEST_TOO_LARGE' } }] });

      const next = streamedPost(service, agent);
      next.request.end(JSON.stringify({ query: '{ fast }' }));
      const answered = await next.answer;
      expect(answered.status).toBe(200);
      // The same socket object: the server kept the connection the refused body came on.
      expect(answered.connection).toBe(refused.connection);
      expect(JSON.parse(answered.body)).toEqual({ data: { fast: 'fast' } });
    } finally {
      agent.destroy();
    }
  });

  it('closes the connection once the rest of a refused body passes the byte limit of what it discards', async () => {
    const { service } = await startSlowService({}, { maxBytes: 16 * 1024, maxMs: 60_000 });
    running = service;
    const oversized = streamedPost(service);
    const total = 32 * 1024 * 1024;
    expect(await writeBody(oversized.request, total)).toBe('broken');
    expect(await oversized.cut).toBeLessThan(total);
  });

  it('closes the connection when the rest of a refused body stops arriving within the time limit', async () => {
    const { service } = await startSlowService({}, { maxBytes: 1024 * 1024, maxMs: 200 });
    running = service;
    const stalled = streamedPost(service);
    expect(await writeBody(stalled.request, 4 * 1024)).toBe('written');
    expect((await stalled.answer).status).toBe(413);
    // The client neither sends more nor ends the body: only the server's limit can close the connection.
    expect(await stalled.cut).toBeGreaterThan(4 * 1024);
    expect(stalled.request.writableEnded).toBe(false);
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
    // The line is written when the response closes, which may come after the client has it.
    const requestLog = await eventually(
      async () => lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line['message'] === 'request'),
      5_000,
      'the request log line',
    );
    expect(requestLog).toMatchObject({ correlationId: 'client-chosen-id-42', service: 'test', status: 200 });
  });
});
