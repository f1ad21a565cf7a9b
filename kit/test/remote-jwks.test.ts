import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { JwksDocument, RsaPublicJwk } from '../src/auth/key-source.js';
import { RemoteJwks, type RemoteJwksOptions } from '../src/auth/remote-jwks.js';

interface TestKey {
  kid: string;
  publicKey: KeyObject;
  jwk: RsaPublicJwk;
}

function rsaKey(kid: string): TestKey {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const exported = publicKey.export({ format: 'jwk' });
  return { kid, publicKey, jwk: { kty: 'RSA', kid, use: 'sig', alg: 'RS256', n: exported.n!, e: exported.e! } };
}

// Key generation is the slow part of this file: make the keys once.
const keyA = rsaKey('key-a');
const keyB = rsaKey('key-b');

type Behaviour = 'serve' | 'fail' | 'garbage' | 'hang';

/** A JWKS endpoint on 127.0.0.1 whose answers the test controls. */
interface JwksServer {
  url: string;
  hits: number;
  published: TestKey[];
  behaviour: Behaviour;
  /** While set, responses wait for this promise. */
  gate: Promise<void> | undefined;
  stop(): Promise<void>;
}

const servers: JwksServer[] = [];

async function startJwksServer(published: TestKey[]): Promise<JwksServer> {
  const state: JwksServer = {
    url: '',
    hits: 0,
    published,
    behaviour: 'serve',
    gate: undefined,
    stop: async () => {
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((request, response) => {
    state.hits += 1;
    void (async () => {
      if (state.gate !== undefined) await state.gate;
      if (request.url !== '/.well-known/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      switch (state.behaviour) {
        case 'hang':
          return;
        case 'fail':
          response.writeHead(500, { 'content-type': 'text/plain' }).end('accounts is down');
          return;
        case 'garbage':
          response.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": [');
          return;
        case 'serve': {
          const document: JwksDocument = { keys: state.published.map((key) => key.jwk) };
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
        }
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  servers.push(state);
  return state;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  const clock = { time: start, now: () => clock.time, advance: (ms: number) => void (clock.time += ms) };
  return clock;
}

function jwksFor(server: JwksServer, clock: ReturnType<typeof manualClock>, options: Partial<RemoteJwksOptions> = {}) {
  return new RemoteJwks({ url: server.url, maxAgeMs: 60_000, minRefreshIntervalMs: 5_000, now: clock.now, ...options });
}

const sameKey = (actual: KeyObject | undefined, expected: TestKey) => {
  expect(actual).toBeDefined();
  expect(actual!.equals(expected.publicKey)).toBe(true);
};

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('RemoteJwks', () => {
  it('resolves a published key id to that public key', async () => {
    const server = await startJwksServer([keyA, keyB]);
    const jwks = jwksFor(server, manualClock());
    sameKey(await jwks.publicKey('key-a'), keyA);
    sameKey(await jwks.publicKey('key-b'), keyB);
    expect(jwks.fetchCount).toBe(1);
    expect(server.hits).toBe(1);
  });

  it('answers later lookups of a known key from its cache', async () => {
    const server = await startJwksServer([keyA]);
    const clock = manualClock();
    const jwks = jwksFor(server, clock);
    for (let i = 0; i < 10; i += 1) {
      sameKey(await jwks.publicKey('key-a'), keyA);
      clock.advance(1_000);
    }
    expect(jwks.fetchCount).toBe(1);
    expect(server.hits).toBe(1);
  });

  it('refreshes when an unknown key id shows up, so a newly published key is found', async () => {
    const server = await startJwksServer([keyA]);
    const clock = manualClock();
    const jwks = jwksFor(server, clock);
    sameKey(await jwks.publicKey('key-a'), keyA);

    server.published = [keyA, keyB];
    clock.advance(5_000);
    sameKey(await jwks.publicKey('key-b'), keyB);
    expect(jwks.fetchCount).toBe(2);
    expect(server.hits).toBe(2);
  });

  it('does not refetch for an unknown key id within minRefreshIntervalMs of the last fetch', async () => {
    const server = await startJwksServer([keyA]);
    const clock = manualClock();
    const jwks = jwksFor(server, clock);
    await jwks.publicKey('key-a');
    server.published = [keyA, keyB];
    clock.advance(4_999);
    expect(await jwks.publicKey('key-b')).toBeUndefined();
    expect(jwks.fetchCount).toBe(1);
    expect(server.hits).toBe(1);
  });

  it('fetches at most once for a flood of made-up key ids within minRefreshIntervalMs', async () => {
    const server = await startJwksServer([keyA]);
    const clock = manualClock();
    const jwks = jwksFor(server, clock);
    await jwks.publicKey('key-a');
    clock.advance(10_000);

    // Sequential flood, with the clock creeping forward but staying inside the interval.
    for (let i = 0; i < 50; i += 1) {
      expect(await jwks.publicKey(`forged-${i}`)).toBeUndefined();
      clock.advance(50);
    }
    // Concurrent flood.
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => jwks.publicKey(`forged-concurrent-${i}`)));
    expect(results.every((key) => key === undefined)).toBe(true);

    expect(jwks.fetchCount).toBe(2);
    expect(server.hits).toBe(2);
    // The real key is still served throughout.
    sameKey(await jwks.publicKey('key-a'), keyA);
    expect(server.hits).toBe(2);
  });

  it('shares one in-flight fetch between concurrent refresh calls', async () => {
    const server = await startJwksServer([keyA]);
    const jwks = jwksFor(server, manualClock());
    const gate = deferred();
    server.gate = gate.promise;
    const first = jwks.refresh();
    const second = jwks.refresh();
    expect(second).toBe(first);
    gate.resolve();
    await Promise.all([first, second]);
    expect(jwks.fetchCount).toBe(1);
    expect(server.hits).toBe(1);
  });

  it('lets concurrent first lookups all wait for the one in-flight fetch and find the key', async () => {
    const server = await startJwksServer([keyA]);
    const jwks = jwksFor(server, manualClock());
    const gate = deferred();
    server.gate = gate.promise;
    const lookups = Array.from({ length: 10 }, () => jwks.publicKey('key-a'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    gate.resolve();
    const keys = await Promise.all(lookups);
    // Every caller, not just the one that started the fetch, must get the key.
    expect(keys.filter((key) => key?.equals(keyA.publicKey) === true)).toHaveLength(10);
    expect(jwks.fetchCount).toBe(1);
    expect(server.hits).toBe(1);
  });

  it('lets concurrent lookups of a newly published key all wait for the one refresh it triggers', async () => {
    const server = await startJwksServer([keyA]);
    const clock = manualClock();
    const jwks = jwksFor(server, clock);
    await jwks.publicKey('key-a');
    server.published = [keyA, keyB];
    clock.advance(5_000);
    const gate = deferred();
    server.gate = gate.promise;
    const lookups = Array.from({ length: 5 }, () => jwks.publicKey('key-b'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    gate.resolve();
    const keys = await Promise.all(lookups);
    expect(keys.filter((key) => key?.equals(keyB.publicKey) === true)).toHaveLength(5);
    expect(jwks.fetchCount).toBe(2);
    expect(server.hits).toBe(2);
  });

  it('keeps serving known keys to concurrent lookups while a max-age refresh is under way', async () => {
    const server = await startJwksServer([keyA]);
    const clock = manualClock();
    const jwks = jwksFor(server, clock);
    await jwks.publicKey('key-a');
    clock.advance(60_000);
    const gate = deferred();
    server.gate = gate.promise;
    const lookups = Array.from({ length: 10 }, () => jwks.publicKey('key-a'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    gate.resolve();
    for (const key of await Promise.all(lookups)) sameKey(key, keyA);
    expect(jwks.fetchCount).toBe(2);
    expect(server.hits).toBe(2);
  });

  it('refreshes known keys after maxAgeMs, dropping keys the server no longer publishes', async () => {
    const server = await startJwksServer([keyA]);
    const clock = manualClock();
    const jwks = jwksFor(server, clock);
    sameKey(await jwks.publicKey('key-a'), keyA);

    server.published = [keyB];
    clock.advance(59_999);
    sameKey(await jwks.publicKey('key-a'), keyA);
    expect(server.hits).toBe(1);

    clock.advance(1);
    expect(await jwks.publicKey('key-a')).toBeUndefined();
    expect(jwks.fetchCount).toBe(2);
    expect(server.hits).toBe(2);
    sameKey(await jwks.publicKey('key-b'), keyB);
    expect(server.hits).toBe(2);
  });

  it('keeps serving previously loaded keys when the server answers 500', async () => {
    const server = await startJwksServer([keyA]);
    const clock = manualClock();
    const jwks = jwksFor(server, clock);
    await jwks.publicKey('key-a');
    server.behaviour = 'fail';
    clock.advance(60_000);
    sameKey(await jwks.publicKey('key-a'), keyA);
    expect(jwks.fetchCount).toBe(2);
    expect(server.hits).toBe(2);
    // The failed fetch counts against the refresh interval too: no retry storm against a failing service.
    expect(await jwks.publicKey('key-b')).toBeUndefined();
    sameKey(await jwks.publicKey('key-a'), keyA);
    expect(server.hits).toBe(2);
  });

  it('keeps serving previously loaded keys when the server answers with malformed JSON', async () => {
    const server = await startJwksServer([keyA]);
    const clock = manualClock();
    const jwks = jwksFor(server, clock);
    await jwks.publicKey('key-a');
    server.behaviour = 'garbage';
    clock.advance(60_000);
    sameKey(await jwks.publicKey('key-a'), keyA);
    expect(server.hits).toBe(2);
  });

  it('keeps serving previously loaded keys when the server is gone', async () => {
    const server = await startJwksServer([keyA]);
    const clock = manualClock();
    const jwks = jwksFor(server, clock);
    await jwks.publicKey('key-a');
    await server.stop();
    clock.advance(60_000);
    sameKey(await jwks.publicKey('key-a'), keyA);
    expect(jwks.fetchCount).toBe(2);
    expect(server.hits).toBe(1);
  });

  it('gives up on a server that does not answer within fetchTimeoutMs and keeps its keys', async () => {
    const server = await startJwksServer([keyA]);
    const clock = manualClock();
    const jwks = jwksFor(server, clock, { fetchTimeoutMs: 200 });
    await jwks.publicKey('key-a');
    server.behaviour = 'hang';
    clock.advance(60_000);
    const started = performance.now();
    sameKey(await jwks.publicKey('key-a'), keyA);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(server.hits).toBe(2);
  });

  it('finds no keys, without throwing, when the first fetch fails', async () => {
    const server = await startJwksServer([keyA]);
    server.behaviour = 'fail';
    const clock = manualClock();
    const jwks = jwksFor(server, clock);
    expect(await jwks.publicKey('key-a')).toBeUndefined();
    server.behaviour = 'serve';
    clock.advance(5_000);
    sameKey(await jwks.publicKey('key-a'), keyA);
    expect(server.hits).toBe(2);
  });
});
