import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_CREDENTIAL_HEADER, gatewayCredentialCheck } from '../src/gateway-credential.js';

const SECRET = 'gateway-secret-0123456789abcdef';
const check = gatewayCredentialCheck(SECRET);

function refusal(header: string | string[] | undefined): GraphQLError {
  try {
    check.assert(header);
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return error as GraphQLError;
  }
  throw new Error(`expected ${JSON.stringify(header)} to be refused`);
}

describe('gatewayCredentialCheck', () => {
  it('admits a request that presents the shared secret', () => {
    expect(() => check.assert(SECRET)).not.toThrow();
  });

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['a wrong secret', 'not-the-secret'],
    ['a prefix of the secret', SECRET.slice(0, -1)],
    ['the secret with extra characters', `${SECRET} `],
    ['the secret in another case', SECRET.toUpperCase()],
    ['an empty list', []],
    ['a list starting with a wrong value', ['wrong', SECRET]],
  ] as Array<[string, string | string[] | undefined]>)('refuses %s with FORBIDDEN', (_label, header) => {
    const error = refusal(header);
    expect(error.extensions['code']).toBe('FORBIDDEN');
    expect(error.extensions['http']).toEqual({ status: 403 });
    expect(error.message).toMatch(/only through the GasRápido gateway/);
  });

  it('checks against its own secret only', () => {
    expect(() => gatewayCredentialCheck('another-secret-0123456789').assert(SECRET)).toThrow(GraphQLError);
  });
});

describe('gatewayCredentialCheck on a real HTTP request', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((request, response) => {
      try {
        check.assert(request.headers[GATEWAY_CREDENTIAL_HEADER]);
        response.writeHead(200).end('admitted');
      } catch (error) {
        response.writeHead(403).end((error as Error).message);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function statusFor(headers: Record<string, string | string[]>): Promise<number> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port, path: '/graphql', headers, agent: false }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
  }

  it('admits the gateway, which sends the secret once', async () => {
    expect(await statusFor({ [GATEWAY_CREDENTIAL_HEADER]: SECRET })).toBe(200);
  });

  it('refuses a request without the header', async () => {
    expect(await statusFor({})).toBe(403);
  });

  it('refuses a request that repeats the header, even when one copy holds the secret', async () => {
    expect(await statusFor({ [GATEWAY_CREDENTIAL_HEADER]: [SECRET, 'forged'] })).toBe(403);
    expect(await statusFor({ [GATEWAY_CREDENTIAL_HEADER]: ['forged', SECRET] })).toBe(403);
    expect(await statusFor({ [GATEWAY_CREDENTIAL_HEADER]: [SECRET, SECRET] })).toBe(403);
  });
});
