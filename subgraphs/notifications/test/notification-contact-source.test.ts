import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_CREDENTIAL_HEADER } from '#kit';
import { ContactsUnavailableError } from '../src/contacts/contact-source.js';
import { httpContactSource } from '../src/contacts/http-contact-source.js';

const CREDENTIAL = 'contact-test-credential';
const known = '6a8c4a4e-0c1f-4a53-9d0f-3f1f2a9c0b11';
const broken = '0e9b1f4c-1111-4c6e-8f3a-5d1a2b3c4d5e';

/** A stand-in for accounts' private contact route, on an ephemeral port. */
let accounts: Server;
let baseUrl: string;
const seen: Array<{ url: string | undefined; credential: string | undefined }> = [];

beforeAll(async () => {
  accounts = createServer((request: IncomingMessage, response: ServerResponse) => {
    seen.push({ url: request.url, credential: request.headers[GATEWAY_CREDENTIAL_HEADER] as string | undefined });
    if (request.headers[GATEWAY_CREDENTIAL_HEADER] !== CREDENTIAL) return void response.writeHead(401).end();
    if (request.url === `/internal/users/contact?id=${known}`) {
      return void response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ email: 'ana@example.com', phone: null }));
    }
    if (request.url === `/internal/users/contact?id=${broken}`)
      return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"email":');
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => accounts.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(accounts.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => accounts.close(() => resolve())));

describe('the HTTP contact source', () => {
  it('asks accounts with the private credential and returns the details', async () => {
    const source = httpContactSource({ baseUrl: `${baseUrl}/`, credential: CREDENTIAL, timeoutMs: 2_000 });
    expect(await source.contactOf(known)).toEqual({ email: 'ana@example.com', phone: null });
    expect(seen.at(-1)).toEqual({ url: `/internal/users/contact?id=${known}`, credential: CREDENTIAL });
  });

  it('answers null for a user accounts does not know', async () => {
    const source = httpContactSource({ baseUrl, credential: CREDENTIAL, timeoutMs: 2_000 });
    expect(await source.contactOf('9d7c0e2a-2222-4b1d-9a55-000000000000')).toBeNull();
  });

  it('reports accounts unavailable on a refused credential, a malformed answer or no answer at all', async () => {
    await expect(httpContactSource({ baseUrl, credential: 'wrong', timeoutMs: 2_000 }).contactOf(known)).rejects.toThrow(
      ContactsUnavailableError,
    );
    await expect(httpContactSource({ baseUrl, credential: CREDENTIAL, timeoutMs: 2_000 }).contactOf(broken)).rejects.toThrow(
      /answered the contact lookup with 200/,
    );
    await expect(
      httpContactSource({ baseUrl: 'http://127.0.0.1:1', credential: CREDENTIAL, timeoutMs: 2_000 }).contactOf(known),
    ).rejects.toThrow(/accounts unreachable/);
  });
});
