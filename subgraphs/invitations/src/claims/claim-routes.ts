import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { BodyTooLargeError, GATEWAY_CREDENTIAL_HEADER, gatewayCredentialCheck, readBody, sendJson, type Route } from '#kit';
import type { ClaimService } from './claim-service.js';
import { ClaimRefusal, type ClaimOutcome } from './claim-store.js';

export const CLAIM_PATH = '/internal/invitations/claim';
export const RELEASE_PATH = '/internal/invitations/release';

const MAX_BODY_BYTES = 16 * 1024;
const invitedRole = z.enum(['CUSTOMER', 'SUPPLIER', 'COURIER']);

const claimBody = z.object({
  code: z.string().max(200),
  userId: z.uuid(),
  role: invitedRole,
  clientAddress: z.string().max(200).nullable().default(null),
});
const releaseBody = z.object({ userId: z.uuid() });

/** Phrased to follow the field name, as accounts shows them: `input.invitationCode: has expired`. */
function refusalMessage(outcome: Extract<ClaimOutcome, { kind: 'refused' }>, requested: string): string {
  switch (outcome.reason) {
    case ClaimRefusal.UNKNOWN:
      return 'is not a valid invitation code';
    case ClaimRefusal.REVOKED:
      return 'was revoked by whoever sent it';
    case ClaimRefusal.EXPIRED:
      return 'has expired; ask for a new invitation';
    case ClaimRefusal.EXHAUSTED:
      return 'has been used as many times as it allows';
    case ClaimRefusal.ROLE_MISMATCH:
      return `is an invitation to register as ${outcome.role ?? 'another role'}, not as ${requested}`;
  }
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Ends a request early with a JSON answer. */
class Refused extends Error {
  constructor(readonly reply: Reply) {
    super(`refused with ${reply.status}`);
  }
}

const refuse = (status: number, message: string) => new Refused({ status, body: { message } });

/** A JSON body checked against `schema`; anything else is refused with a JSON error. */
async function jsonBody<Schema extends z.ZodType>(request: IncomingMessage, schema: Schema): Promise<z.infer<Schema>> {
  if (!(request.headers['content-type'] ?? '').includes('json')) throw refuse(415, 'Send the body as application/json.');
  let text: string;
  try {
    text = await readBody(request, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw refuse(413, error.message);
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw refuse(400, 'The body is not valid JSON.');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
    throw new Refused({ status: 400, body: { message: 'The body does not match the contract.', problems } });
  }
  return result.data;
}

/**
 * The private-network routes accounts calls while registering a user. They
 * answer only callers holding the gateway credential, and always in JSON.
 */
export function claimRoutes(claims: ClaimService, gatewaySecret: string): Route[] {
  const credential = gatewayCredentialCheck(gatewaySecret);
  const route = (path: string, handle: (request: IncomingMessage) => Promise<Reply>): Route => ({
    method: 'POST',
    path,
    async handle(request, response) {
      let reply: Reply;
      try {
        try {
          credential.assert(request.headers[GATEWAY_CREDENTIAL_HEADER]);
        } catch {
          throw refuse(403, 'This route answers only services holding the private-network credential.');
        }
        reply = await handle(request);
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        reply = error.reply;
      }
      if (reply.body === undefined) {
        response.writeHead(reply.status, reply.headers ?? {});
        response.end();
      } else sendJson(response, reply.status, reply.body, reply.headers);
    },
  });

  return [
    route(CLAIM_PATH, async (request) => {
      const body = await jsonBody(request, claimBody);
      const answer = await claims.claim(body);
      switch (answer.kind) {
        case 'claimed':
          return { status: 200, body: answer.claim };
        case 'refused':
          return { status: 422, body: { reason: answer.reason, message: refusalMessage(answer, body.role) } };
        case 'limited':
          return {
            status: 429,
            body: {
              retryAfterSeconds: answer.retryAfterSeconds,
              message: `Too many invitation code attempts from this address. Retry after ${answer.retryAfterSeconds} s.`,
            },
            headers: { 'retry-after': String(answer.retryAfterSeconds) },
          };
        case 'conflict':
          return { status: 409, body: { message: 'This user id already holds a claim on another invitation.' } };
      }
    }),
    route(RELEASE_PATH, async (request) => {
      const body = await jsonBody(request, releaseBody);
      await claims.release(body.userId);
      return { status: 204 };
    }),
  ];
}
