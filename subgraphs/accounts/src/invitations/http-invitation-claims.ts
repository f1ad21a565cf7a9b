import { z } from 'zod';
import { GATEWAY_CREDENTIAL_HEADER } from '#kit';
import { InvitationsUnavailableError, type ClaimOutcome, type ClaimRequest, type InvitationClaims } from './invitation-claims.js';

export interface HttpInvitationClaimsOptions {
  /** The invitations service's base URL, e.g. http://127.0.0.1:4003. */
  baseUrl: string;
  /** The private-network credential the invitations service requires. */
  credential: string;
  timeoutMs: number;
}

const invitedRole = z.enum(['CUSTOMER', 'SUPPLIER', 'COURIER']);
const claimed = z.object({ invitationId: z.uuid(), role: invitedRole, invitedBy: z.uuid() });
const refused = z.object({
  reason: z.enum(['UNKNOWN', 'EXPIRED', 'REVOKED', 'EXHAUSTED', 'ROLE_MISMATCH']),
  message: z.string(),
});
const rateLimited = z.object({ retryAfterSeconds: z.number().nonnegative(), message: z.string() });

/** The invitations service's internal endpoints, POST /internal/invitations/claim and /release, over HTTP. */
export function httpInvitationClaims(options: HttpInvitationClaimsOptions): InvitationClaims {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function post(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [GATEWAY_CREDENTIAL_HEADER]: options.credential },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new InvitationsUnavailableError(`invitations service unreachable: ${describe(error)}`, { cause: error });
    }
    const text = await response.text().catch(() => '');
    let json: unknown = undefined;
    try {
      json = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      // A non-JSON answer is judged by its status below.
    }
    return { status: response.status, json };
  }

  return {
    async claim(request: ClaimRequest): Promise<ClaimOutcome> {
      const { status, json } = await post('/internal/invitations/claim', request);
      if (status === 200) {
        const body = claimed.safeParse(json);
        if (body.success) return { kind: 'claimed', ...body.data };
      } else if (status === 422) {
        const body = refused.safeParse(json);
        if (body.success) return { kind: 'refused', ...body.data };
      } else if (status === 429) {
        const body = rateLimited.safeParse(json);
        if (body.success) return { kind: 'rate-limited', ...body.data };
      }
      throw new InvitationsUnavailableError(`invitations service answered the claim with ${status}`);
    },
    async release(userId: string): Promise<void> {
      const { status } = await post('/internal/invitations/release', { userId });
      if (status !== 204 && status !== 200)
        throw new InvitationsUnavailableError(`invitations service answered the release with ${status}`);
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  return error instanceof Error ? error.message : String(error);
}
