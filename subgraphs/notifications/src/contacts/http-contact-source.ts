import { z } from 'zod';
import { GATEWAY_CREDENTIAL_HEADER } from '#kit';
import { ContactsUnavailableError, type ContactDetails, type ContactSource } from './contact-source.js';

export interface HttpContactSourceOptions {
  /** The accounts service's base URL, e.g. http://127.0.0.1:4001. */
  baseUrl: string;
  /** The private-network credential accounts requires on its internal routes. */
  credential: string;
  timeoutMs: number;
}

/** The path accounts serves a user's contact details on; see docs/notifications.md. */
export const contactPath = (userId: string) => `/internal/users/contact?id=${encodeURIComponent(userId)}`;

const answer = z.object({
  email: z.string().nullable(),
  phone: z.string().nullable(),
});

/** accounts' `GET /internal/users/contact?id=`: 200 with the details, 404 for an unknown user. */
export function httpContactSource(options: HttpContactSourceOptions): ContactSource {
  const base = options.baseUrl.replace(/\/+$/, '');
  return {
    async contactOf(userId: string): Promise<ContactDetails | null> {
      let response: Response;
      try {
        response = await fetch(`${base}${contactPath(userId)}`, {
          headers: { accept: 'application/json', [GATEWAY_CREDENTIAL_HEADER]: options.credential },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        const reason =
          error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : error instanceof Error ? error.message : String(error);
        throw new ContactsUnavailableError(`accounts unreachable for contact details: ${reason}`, { cause: error });
      }
      if (response.status === 404) return null;
      const body = response.status === 200 ? answer.safeParse(await response.json().catch(() => undefined)) : undefined;
      if (body === undefined || !body.success)
        throw new ContactsUnavailableError(`accounts answered the contact lookup with ${response.status}`);
      return { email: body.data.email, phone: body.data.phone };
    },
  };
}
