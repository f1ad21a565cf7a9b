import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { claimInvitation } from '../src/invitations/claim-invitation.js';
import { httpInvitationClaims } from '../src/invitations/http-invitation-claims.js';
import { InvitationsUnavailableError, type ClaimRequest } from '../src/invitations/invitation-claims.js';

const CREDENTIAL = 'private-network-credential-0123';
const request: ClaimRequest = {
  code: 'INV-7Q2M-XK4P',
  userId: '3f0c6d1e-8a7b-4c2d-9e1f-0a1b2c3d4e5f',
  role: 'COURIER',
  clientAddress: '203.0.113.7',
};

interface Received {
  method: string | undefined;
  path: string | undefined;
  headers: IncomingMessage['headers'];
  body: unknown;
}

let server: Server | undefined;

/** An invitations service stand-in on an ephemeral port, answering each request with `answer`. */
async function invitationsAnswering(
  answer: (received: Received, response: ServerResponse) => void,
): Promise<{ baseUrl: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const entry = { method: incoming.method, path: incoming.url, headers: incoming.headers, body: text ? JSON.parse(text) : undefined };
      received.push(entry);
      answer(entry, response);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

describe('the HTTP invitation claims client', () => {
  it('posts the claim with the private-network credential and returns the invitation', async () => {
    const invitationId = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
    const invitedBy = 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e';
    const { baseUrl, received } = await invitationsAnswering((_, response) =>
      json(response, 200, { invitationId, role: 'COURIER', invitedBy }),
    );
    const claims = httpInvitationClaims({ baseUrl: `${baseUrl}/`, credential: CREDENTIAL, timeoutMs: 2_000 });

    await expect(claims.claim(request)).resolves.toEqual({ kind: 'claimed', invitationId, role: 'COURIER', invitedBy });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', path: '/internal/invitations/claim', body: request });
    expect(received[0]!.headers['x-gateway-credential']).toBe(CREDENTIAL);
    expect(received[0]!.headers['content-type']).toBe('application/json');
  });

  it.each(['UNKNOWN', 'EXPIRED', 'REVOKED', 'EXHAUSTED', 'ROLE_MISMATCH'] as const)('reports a 422 %s refusal', async (reason) => {
    const { baseUrl } = await invitationsAnswering((_, response) => json(response, 422, { reason, message: 'no' }));
    const claims = httpInvitationClaims({ baseUrl, credential: CREDENTIAL, timeoutMs: 2_000 });
    await expect(claims.claim(request)).resolves.toEqual({ kind: 'refused', reason, message: 'no' });
  });

  it('reports a 429 with the time to wait', async () => {
    const { baseUrl } = await invitationsAnswering((_, response) => json(response, 429, { retryAfterSeconds: 42, message: 'slow down' }));
    const claims = httpInvitationClaims({ baseUrl, credential: CREDENTIAL, timeoutMs: 2_000 });
    await expect(claims.claim(request)).resolves.toEqual({ kind: 'rate-limited', retryAfterSeconds: 42, message: 'slow down' });
  });

  it.each([
    ['a 403 (wrong credential)', 403, { message: 'forbidden' }],
    ['a 500', 500, { message: 'boom' }],
    ['a 200 without the invitation', 200, { ok: true }],
    ['a 422 with an unknown reason', 422, { reason: 'SOMETHING_NEW', message: '?' }],
  ])('treats %s as the service being unavailable', async (_what, status, body) => {
    const { baseUrl } = await invitationsAnswering((_, response) => json(response, status, body));
    const claims = httpInvitationClaims({ baseUrl, credential: CREDENTIAL, timeoutMs: 2_000 });
    await expect(claims.claim(request)).rejects.toBeInstanceOf(InvitationsUnavailableError);
  });

  it('treats a non-JSON answer as the service being unavailable', async () => {
    const { baseUrl } = await invitationsAnswering((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>proxy error</html>');
    });
    const claims = httpInvitationClaims({ baseUrl, credential: CREDENTIAL, timeoutMs: 2_000 });
    await expect(claims.claim(request)).rejects.toBeInstanceOf(InvitationsUnavailableError);
  });

  it('gives up after its timeout when the service does not answer', async () => {
    const { baseUrl } = await invitationsAnswering(() => {
      // Never answers.
    });
    const claims = httpInvitationClaims({ baseUrl, credential: CREDENTIAL, timeoutMs: 200 });
    const started = Date.now();
    await expect(claims.claim(request)).rejects.toThrow(/timed out/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a refused connection as the service being unavailable', async () => {
    const { baseUrl } = await invitationsAnswering(() => {});
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const claims = httpInvitationClaims({ baseUrl, credential: CREDENTIAL, timeoutMs: 2_000 });
    await expect(claims.claim(request)).rejects.toBeInstanceOf(InvitationsUnavailableError);
  });

  it('releases a claim by user id and accepts the 204', async () => {
    const { baseUrl, received } = await invitationsAnswering((_, response) => {
      response.writeHead(204);
      response.end();
    });
    const claims = httpInvitationClaims({ baseUrl, credential: CREDENTIAL, timeoutMs: 2_000 });
    await claims.release(request.userId);
    expect(received[0]).toMatchObject({ method: 'POST', path: '/internal/invitations/release', body: { userId: request.userId } });
    expect(received[0]!.headers['x-gateway-credential']).toBe(CREDENTIAL);
  });

  it('reports a failed release', async () => {
    const { baseUrl } = await invitationsAnswering((_, response) => json(response, 500, {}));
    const claims = httpInvitationClaims({ baseUrl, credential: CREDENTIAL, timeoutMs: 2_000 });
    await expect(claims.release(request.userId)).rejects.toBeInstanceOf(InvitationsUnavailableError);
  });
});

describe('claiming an invitation for a registration', () => {
  const extensionsOf = async (promise: Promise<unknown>): Promise<Record<string, unknown>> => {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(GraphQLError);
    return { message: (error as GraphQLError).message, ...(error as GraphQLError).extensions };
  };

  it('names input.invitationCode and the reason when the code is refused', async () => {
    const { baseUrl } = await invitationsAnswering((_, response) => json(response, 422, { reason: 'EXPIRED', message: 'expired' }));
    const claims = httpInvitationClaims({ baseUrl, credential: CREDENTIAL, timeoutMs: 2_000 });
    const extensions = await extensionsOf(claimInvitation(claims, request));
    expect(extensions['code']).toBe('BAD_USER_INPUT');
    expect(extensions['fields']).toEqual([{ field: 'input.invitationCode', message: expect.stringMatching(/expired/) }]);
  });

  it('passes a rate limit on as RATE_LIMITED with retryAfter, from which the gateway sets Retry-After', async () => {
    const { baseUrl } = await invitationsAnswering((_, response) => json(response, 429, { retryAfterSeconds: 30, message: 'wait' }));
    const claims = httpInvitationClaims({ baseUrl, credential: CREDENTIAL, timeoutMs: 2_000 });
    const extensions = await extensionsOf(claimInvitation(claims, request));
    expect(extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 30 });
  });

  it('answers SERVICE_UNAVAILABLE when the invitations service cannot be asked', async () => {
    const { baseUrl } = await invitationsAnswering((_, response) => json(response, 503, {}));
    const claims = httpInvitationClaims({ baseUrl, credential: CREDENTIAL, timeoutMs: 2_000 });
    const extensions = await extensionsOf(claimInvitation(claims, request));
    expect(extensions['code']).toBe('SERVICE_UNAVAILABLE');
  });
});
