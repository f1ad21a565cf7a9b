// The gateway imports no subgraph, so it learns the subgraphs' domain codes from
// schema/error-codes.json. Here a stand-in subgraph refuses with two codes nobody registered in
// this process; the gateway is given a file listing one of them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, httpStatusFor, isErrorCode, registerErrorCodes } from '#kit';
import { parseGatewaySettings } from '../src/config.js';
import { registerDomainErrorCodes } from '../src/domain-error-codes.js';
import { startGateway, type RunningGateway } from '../src/server.js';
import { postGraphQL } from '../../test/support/graphql-client.js';

const refusal =
  (code: string, extensions: Record<string, unknown> = {}) =>
  () => {
    throw new GraphQLError(`Refused with ${code}.`, { extensions: { ...extensions, code } });
  };

const depotSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query {
    registeredRefusal: String
    unregisteredRefusal: String
  }`;

let directory: string;
let depot: ApolloServer;
let gateway: RunningGateway;
let url: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'domain-error-codes-'));
  depot = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: parse(depotSdl),
      resolvers: {
        Query: {
          registeredRefusal: refusal('DEPOT_CLOSED_FOR_TEST', { nextOpensAt: '2026-12-08T08:00:00-03:00' }),
          unregisteredRefusal: refusal('DEPOT_UNLISTED_FOR_TEST'),
        },
      },
    }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url: depotUrl } = await startStandaloneServer(depot, { listen: { port: 0, host: '127.0.0.1' } });
  const composed = composeServices([{ name: 'depot', url: depotUrl, typeDefs: parse(depotSdl) }]);
  if (composed.errors !== undefined) throw new Error(composed.errors.map((error) => error.message).join('\n'));
  writeFileSync(join(directory, 'supergraph.graphql'), composed.supergraphSdl);
  writeFileSync(
    join(directory, 'error-codes.json'),
    JSON.stringify({
      codes: [{ code: 'DEPOT_CLOSED_FOR_TEST', owner: 'depot', status: 422, description: 'The depot is closed; `nextOpensAt`.' }],
    }),
  );
  gateway = await startGateway(
    parseGatewaySettings({
      NODE_ENV: 'test',
      GATEWAY_PORT: '0',
      SUPERGRAPH_PATH: join(directory, 'supergraph.graphql'),
      ERROR_CODES_PATH: join(directory, 'error-codes.json'),
      SUBGRAPH_RETRIES: '0',
    }),
    { logger: createLogger({ service: 'gateway-under-test', level: 'silent' }) },
  );
  url = `${gateway.url}/graphql`;
});

afterAll(async () => {
  await gateway?.stop();
  await depot?.stop();
  rmSync(directory, { recursive: true, force: true });
});

describe('a domain code through the gateway', () => {
  it('reaches the client with its message, extensions and HTTP status when error-codes.json lists it', async () => {
    const answer = await postGraphQL(url, '{ registeredRefusal }');
    expect(answer.status).toBe(422);
    expect(answer.data).toEqual({ registeredRefusal: null });
    expect(answer.errors).toEqual([
      {
        message: 'Refused with DEPOT_CLOSED_FOR_TEST.',
        path: ['registeredRefusal'],
        extensions: { code: 'DEPOT_CLOSED_FOR_TEST', nextOpensAt: '2026-12-08T08:00:00-03:00' },
      },
    ]);
  });

  it('is a 200 for clients that accept only application/json, code included', async () => {
    const answer = await postGraphQL(url, '{ registeredRefusal }', { accept: 'json' });
    expect(answer.status).toBe(200);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'DEPOT_CLOSED_FOR_TEST' });
  });

  it('is masked as INTERNAL_SERVER_ERROR when error-codes.json does not list it', async () => {
    const answer = await postGraphQL(url, '{ unregisteredRefusal }');
    expect(answer.status).toBe(500);
    expect(answer.errors).toEqual([
      { message: expect.stringMatching(/^Unexpected error/), path: ['unregisteredRefusal'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(isErrorCode('DEPOT_UNLISTED_FOR_TEST')).toBe(false);
  });
});

describe('reading error-codes.json', () => {
  const write = (name: string, text: string) => {
    const path = join(directory, name);
    writeFileSync(path, text);
    return path;
  };

  it('registers each code under its owner, with its status', () => {
    const path = write(
      'two-owners.json',
      JSON.stringify({
        codes: [
          { code: 'STOCK_SHORT_FOR_TEST', owner: 'stock', status: 409, description: 'Fewer cylinders than asked; `available`.' },
          { code: 'ROUTE_TOO_LONG_FOR_TEST', owner: 'routes', status: 422, description: 'Beyond the reach; `maxMeters`.' },
        ],
      }),
    );
    expect(registerDomainErrorCodes(path)).toBe(2);
    expect(httpStatusFor('STOCK_SHORT_FOR_TEST')).toBe(409);
    expect(httpStatusFor('ROUTE_TOO_LONG_FOR_TEST')).toBe(422);
    // Registered once under its owner: another subgraph may not claim it.
    expect(() => registerErrorCodes('routes', { STOCK_SHORT_FOR_TEST: { status: 409, description: 'again' } })).toThrow(/stock/);
  });

  it('stops the start on a missing file, naming the setting', () => {
    expect(() => registerDomainErrorCodes(join(directory, 'absent.json'))).toThrow(/^ERROR_CODES_PATH: cannot read .*absent\.json/);
  });

  it('stops the start on a file that is not a list of codes', () => {
    expect(() => registerDomainErrorCodes(write('not-json.json', 'codes: []'))).toThrow(/ERROR_CODES_PATH: cannot read/);
    expect(() => registerDomainErrorCodes(write('wrong-shape.json', JSON.stringify({ codes: [{ code: 'X_FOR_TEST' }] })))).toThrow(
      /is not a list of error codes: codes\.0\.owner/,
    );
  });

  it('stops the start on a code the kit owns or a status that is not 4xx', () => {
    const file = (code: string, status: number) =>
      write(`${code}.json`, JSON.stringify({ codes: [{ code, owner: 'depot', status, description: 'A refusal.' }] }));
    expect(() => registerDomainErrorCodes(file('CONFLICT', 409))).toThrow(/CONFLICT is the kit's own/);
    expect(() => registerDomainErrorCodes(file('DEPOT_ON_FIRE_FOR_TEST', 500))).toThrow(/not a 4xx/);
    expect(isErrorCode('DEPOT_ON_FIRE_FOR_TEST')).toBe(false);
  });
});
