import { GATEWAY_CREDENTIAL_HEADER, gatewayCredentialCheck, isUuid, sendJson, type Route } from '#kit';
import type { UserStore } from './user-store.js';

/** Where services on the private network ask how to reach a user (notifications: email and SMS). */
export const CONTACT_PATH = '/internal/users/contact';

/**
 * `GET /internal/users/contact?id=<user id>`: 200 `{ email, phone }`, 404 for an unknown or
 * deleted user. Events carry no contact details, so that personal data leaves accounts only on
 * request, and only to holders of the private-network credential.
 */
export function contactRoute(users: UserStore, credential: string): Route {
  const check = gatewayCredentialCheck(credential);
  return {
    method: 'GET',
    path: CONTACT_PATH,
    async handle(request, response, url) {
      try {
        check.assert(request.headers[GATEWAY_CREDENTIAL_HEADER]);
      } catch {
        sendJson(response, 403, { message: 'This route answers only services holding the private-network credential.' });
        return;
      }
      const id = url.searchParams.get('id') ?? '';
      if (!isUuid(id)) {
        sendJson(response, 400, { message: 'Pass the user id as ?id=<uuid>.' });
        return;
      }
      const user = await users.findById(id);
      if (user === null) sendJson(response, 404, { message: 'No such user.' });
      else sendJson(response, 200, { email: user.email, phone: user.phone }, { 'cache-control': 'no-store' });
    },
  };
}
