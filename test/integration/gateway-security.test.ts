import { createHmac, createPublicKey, generateKeyPairSync, randomUUID, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstCode, postGraphQL } from '../support/graphql-client.js';
import { startTestPlatform, TEST_GATEWAY_SECRET, type TestPlatform } from '../support/platform.js';
import { accountsInternals, createAdmin, registerUser, STRONG_PASSWORD, type SignedInUser } from '../support/users.js';
import { supplierWithStore } from '../support/stores.js';

/*
 * The security perimeter of the supergraph: what the gateway refuses before
 * any subgraph is involved, what the subgraphs refuse when called directly,
 * and which headers nobody outside may set.
 */

// ---------------------------------------------------------------------------
// Tokens built by hand, so that every claim and header can be wrong on purpose.
// ---------------------------------------------------------------------------

type JwtPart = Record<string, unknown>;

const encodePart = (part: JwtPart) => Buffer.from(JSON.stringify(part)).toString('base64url');
const decodePart = (part: string | undefined): JwtPart => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as JwtPart;
const jwtHeader = (token: string) => decodePart(token.split('.')[0]);
const jwtPayload = (token: string) => decodePart(token.split('.')[1]);

function signRs256(header: JwtPart, claims: JwtPart, privateKey: KeyObject): string {
  const input = `${encodePart({ alg: 'RS256', typ: 'JWT', ...header })}.${encodePart(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

function signHs256(header: JwtPart, claims: JwtPart, secret: string): string {
  const input = `${encodePart({ alg: 'HS256', typ: 'JWT', ...header })}.${encodePart(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** An `alg: none` token: header and payload, empty signature. */
function unsignedToken(header: JwtPart, claims: JwtPart): string {
  return `${encodePart({ alg: 'none', typ: 'JWT', ...header })}.${encodePart(claims)}.`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Everything a GasRápido access token carries, valid for 15 minutes from now. */
function validClaims(subject: string, issuer: string, audience: string, roles: readonly string[] = ['CUSTOMER']): JwtPart {
  const now = nowSeconds();
  return { sub: subject, roles, iss: issuer, aud: audience, iat: now, exp: now + 900, jti: randomUUID() };
}

function withoutClaim(claims: JwtPart, name: string): JwtPart {
  const { [name]: _removed, ...rest } = claims;
  return rest;
}

// ---------------------------------------------------------------------------
// Requests and logs.
// ---------------------------------------------------------------------------

/** A well-formed x-correlation-id (8–128 of [A-Za-z0-9._:-]) that no other request uses. */
const newCorrelationId = (label: string) => `sec-${label}-${randomUUID()}`;

async function eventually(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await delay(25);
  }
}

/** The services that wrote a 'request' log line (debug level) for this correlation id. */
function servicesThatSaw(platform: TestPlatform, correlationId: string): Set<unknown> {
  return new Set(
    platform.logLines
      .filter((line) => line['message'] === 'request' && line['correlationId'] === correlationId)
      .map((line) => line['service']),
  );
}

const ISSUER_FALLBACK = 'https://accounts.gasrapido.local';
const AUDIENCE_FALLBACK = 'gasrapido-api';

async function publishedJwks(platform: TestPlatform): Promise<Array<JsonWebKey & { kid: string }>> {
  const accounts = platform.platform.subgraphs.get('accounts');
  if (accounts === undefined) throw new Error('accounts subgraph not running');
  const response = await fetch(`${accounts.url}/.well-known/jwks.json`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { keys: Array<JsonWebKey & { kid: string }> }).keys;
}

/** Posts straight to a subgraph, bypassing the gateway, with or without the gateway's credential. */
function postToSubgraph(platform: TestPlatform, subgraph: string, query: string, headers: Record<string, string> = {}, token?: string) {
  return postGraphQL(platform.subgraphUrl(subgraph), query, { headers, ...(token ? { token } : {}) });
}

const gatewayCredential = { 'x-gateway-credential': TEST_GATEWAY_SECRET };

const createProduct = `mutation { createProduct(input: { name: "Botijão P13", cylinderType: P13, priceAmount: 11000, stockQuantity: 3 }) { id supplier { id } } }`;

// ===========================================================================
// The main platform: debug logging, so every service logs each HTTP request.
// ===========================================================================

describe('on a development platform', () => {
  let test: TestPlatform;
  let customer: SignedInUser;
  let supplier: SignedInUser;
  let issuer: string;
  let audience: string;

  beforeAll(async () => {
    test = await startTestPlatform({ LOG_LEVEL: 'debug' });
    customer = await registerUser(test, 'CUSTOMER');
    supplier = await supplierWithStore(test, 'Gás Seguro');
    const claims = jwtPayload(customer.accessToken);
    issuer = typeof claims['iss'] === 'string' ? claims['iss'] : ISSUER_FALLBACK;
    audience = typeof claims['aud'] === 'string' ? claims['aud'] : AUDIENCE_FALLBACK;
  });
  afterAll(async () => {
    await test?.stop();
  });

  /** Signs with the accounts service's real current key: only the claims can make such a token invalid. */
  async function signWithRealKey(claims: JwtPart, header: JwtPart = {}): Promise<string> {
    const { kid, privateKey } = await accountsInternals(test).keyRing.signingKey();
    return signRs256({ kid, ...header }, claims, privateKey);
  }

  /** Sends an operation that, once authenticated, would reach both subgraphs. */
  const touchesBothSubgraphs = `{ me { id } products { totalCount } }`;

  describe('JWT verification at the gateway', () => {
    interface RefusedCase {
      name: string;
      authorization: () => Promise<string>;
    }
    const bearer = (token: string) => `Bearer ${token}`;
    const refused: RefusedCase[] = [
      {
        name: 'an expired token signed with the real key',
        authorization: async () => {
          const claims = validClaims(customer.id, issuer, audience);
          return bearer(await signWithRealKey({ ...claims, iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }));
        },
      },
      {
        name: 'a token signed with the real key that is not valid before next hour (nbf)',
        authorization: async () =>
          bearer(await signWithRealKey({ ...validClaims(customer.id, issuer, audience), nbf: nowSeconds() + 3600 })),
      },
      {
        name: 'a token signed with the real key for another issuer',
        authorization: async () => bearer(await signWithRealKey(validClaims(customer.id, 'https://evil.example.com', audience))),
      },
      {
        name: 'a token signed with the real key for another audience',
        authorization: async () => bearer(await signWithRealKey(validClaims(customer.id, issuer, 'some-other-api'))),
      },
      {
        name: 'a token signed with the real key without a roles claim',
        authorization: async () => bearer(await signWithRealKey(withoutClaim(validClaims(customer.id, issuer, audience), 'roles'))),
      },
      {
        name: 'a token signed with the real key claiming a role that does not exist',
        authorization: async () => bearer(await signWithRealKey(validClaims(customer.id, issuer, audience, ['SUPERUSER']))),
      },
      {
        name: 'a token signed with the real key that never expires (no exp)',
        authorization: async () => bearer(await signWithRealKey(withoutClaim(validClaims(customer.id, issuer, audience), 'exp'))),
      },
      {
        name: 'an unsigned alg:none token carrying the real kid',
        authorization: async () => {
          const { kid } = await accountsInternals(test).keyRing.signingKey();
          return bearer(unsignedToken({ kid }, validClaims(customer.id, issuer, audience, ['ADMIN'])));
        },
      },
      {
        name: 'an HS256 token whose HMAC secret is the published RSA public key (algorithm confusion)',
        authorization: async () => {
          const [jwk] = await publishedJwks(test);
          if (jwk === undefined) throw new Error('the JWKS publishes no key');
          const publicKeyPem = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' })
            .export({ type: 'spki', format: 'pem' })
            .toString();
          return bearer(signHs256({ kid: jwk.kid }, validClaims(customer.id, issuer, audience, ['ADMIN']), publicKeyPem));
        },
      },
      {
        name: 'a real token whose payload was changed to roles [ADMIN] without re-signing',
        authorization: async () => {
          const [header, , signature] = customer.accessToken.split('.');
          const payload = encodePart({ ...jwtPayload(customer.accessToken), roles: ['ADMIN'] });
          return bearer(`${header}.${payload}.${signature}`);
        },
      },
      {
        name: 'a token signed by a key of ours under a key id nobody published',
        authorization: async () => {
          const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
          return bearer(signRs256({ kid: `forged-${randomUUID()}` }, validClaims(customer.id, issuer, audience, ['ADMIN']), privateKey));
        },
      },
      {
        name: 'a token signed by a key of ours under the real key id',
        authorization: async () => {
          const { kid } = await accountsInternals(test).keyRing.signingKey();
          const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
          return bearer(signRs256({ kid }, validClaims(customer.id, issuer, audience, ['ADMIN']), privateKey));
        },
      },
      { name: 'the string not.a.jwt', authorization: async () => bearer('not.a.jwt') },
      { name: 'the string garbage', authorization: async () => bearer('garbage') },
      { name: 'a Basic Authorization header', authorization: async () => 'Basic abc' },
      { name: 'a Bearer Authorization header with no token', authorization: async () => 'Bearer' },
      {
        name: 'a Bearer Authorization header with two tokens',
        authorization: async () => `Bearer ${customer.accessToken} ${customer.accessToken}`,
      },
    ];

    it('accepts a token built by this file’s signer with the real key and valid claims (control for the refusals below)', async () => {
      const token = await signWithRealKey(validClaims(customer.id, issuer, audience));
      const result = await test.query(`{ me { id } }`, { token });
      expect(result.status).toBe(200);
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ me: { id: customer.id } });
    });

    it('lets the correlation id of an accepted request reach both subgraphs’ logs (control for the log checks below)', async () => {
      const correlationId = newCorrelationId('good');
      const result = await test.query(touchesBothSubgraphs, {
        token: customer.accessToken,
        headers: { 'x-correlation-id': correlationId },
      });
      expect(result.errors).toBeUndefined();
      await eventually(() => servicesThatSaw(test, correlationId).size === 3, 'the gateway and both subgraphs to log the request');
      expect(servicesThatSaw(test, correlationId)).toEqual(new Set(['gateway', 'accounts', 'products']));
    });

    it.each(refused)('refuses $name with 401 UNAUTHENTICATED, no data, and no subgraph ever sees it', async ({ authorization }) => {
      const correlationId = newCorrelationId('bad');
      const result = await test.query(touchesBothSubgraphs, {
        headers: { authorization: await authorization(), 'x-correlation-id': correlationId },
      });
      expect(result.status).toBe(401);
      expect(firstCode(result)).toBe('UNAUTHENTICATED');
      expect(result.data ?? null).toBeNull();
      expect(result.headers.get('x-correlation-id')).toBe(correlationId);

      // A good request sent afterwards is a barrier: once both subgraphs have logged it,
      // anything they had logged for the refused request would already be there.
      const barrier = newCorrelationId('barrier');
      const good = await test.query(touchesBothSubgraphs, { token: customer.accessToken, headers: { 'x-correlation-id': barrier } });
      expect(good.errors).toBeUndefined();
      await eventually(
        () => servicesThatSaw(test, barrier).size === 3 && servicesThatSaw(test, correlationId).has('gateway'),
        'the barrier request in every log and the refused request in the gateway log',
      );
      await delay(200);
      expect(servicesThatSaw(test, correlationId)).toEqual(new Set(['gateway']));
    });
  });

  describe('anonymous callers', () => {
    it('may run public operations such as counting the catalog', async () => {
      const result = await test.query<{ products: { totalCount: number } }>(`{ products { totalCount } }`);
      expect(result.status).toBe(200);
      expect(result.errors).toBeUndefined();
      expect(typeof result.data?.products.totalCount).toBe('number');
    });
  });

  describe('direct subgraph access', () => {
    const serviceSdl = `{ _service { sdl } }`;
    const entitiesQuery: Record<string, string> = {
      accounts: `{ _entities(representations: [{ __typename: "User", id: "00000000-0000-0000-0000-000000000000" }]) { ... on User { id } } }`,
      products: `{ _entities(representations: [{ __typename: "Product", id: "00000000-0000-0000-0000-000000000000" }]) { ... on Product { id } } }`,
    };

    it.each(['accounts', 'products'])(
      '%s refuses _service and _entities with 403 FORBIDDEN without the gateway credential',
      async (subgraph) => {
        for (const query of [serviceSdl, entitiesQuery[subgraph]!]) {
          const missing = await postToSubgraph(test, subgraph, query);
          expect(missing.status).toBe(403);
          expect(firstCode(missing)).toBe('FORBIDDEN');
          expect(missing.data ?? null).toBeNull();

          const wrong = await postToSubgraph(test, subgraph, query, { 'x-gateway-credential': `${TEST_GATEWAY_SECRET}-wrong` });
          expect(wrong.status).toBe(403);
          expect(firstCode(wrong)).toBe('FORBIDDEN');
          expect(wrong.data ?? null).toBeNull();
        }
        // The empty string and a GET request are refused the same way.
        const empty = await postToSubgraph(test, subgraph, serviceSdl, { 'x-gateway-credential': '' });
        expect(empty.status).toBe(403);
        const viaGet = await fetch(`${test.subgraphUrl(subgraph)}?query=${encodeURIComponent(serviceSdl)}`, {
          headers: { 'apollo-require-preflight': 'true' },
        });
        expect(viaGet.status).toBe(403);
      },
    );

    it.each(['accounts', 'products'])(
      '%s answers _service with the gateway credential, so the credential is what refuses',
      async (subgraph) => {
        const result = await postToSubgraph(test, subgraph, serviceSdl, gatewayCredential);
        expect(result.status).toBe(200);
        expect(result.errors).toBeUndefined();
        expect(result.data?.['_service'].sdl).toContain('@key');
      },
    );
  });

  describe('identity headers from clients', () => {
    const spoofed = (adminId: string) => ({
      'x-user-id': adminId,
      'x-user-roles': 'ADMIN',
      'x-roles': 'ADMIN',
      'x-gateway-credential': 'anything',
    });

    it('do not make a signed-in customer an admin', async () => {
      const admin = await createAdmin(test);
      const result = await test.query(`{ users { totalCount } }`, { token: customer.accessToken, headers: spoofed(admin.id) });
      expect(result.status).toBe(403);
      expect(firstCode(result)).toBe('FORBIDDEN');
      expect(result.data ?? null).toBeNull();
    });

    it('do not make an anonymous caller anybody', async () => {
      const admin = await createAdmin(test);
      const result = await test.query(`{ users { totalCount } }`, { headers: spoofed(admin.id) });
      expect(result.status).toBe(401);
      expect(firstCode(result)).toBe('UNAUTHENTICATED');
    });

    it('are not trusted by a subgraph called with the gateway credential either: only the token counts', async () => {
      const admin = await createAdmin(test);
      const headers = { ...gatewayCredential, 'x-user-id': admin.id, 'x-user-roles': 'ADMIN' };
      const anonymous = await postToSubgraph(test, 'accounts', `{ users { totalCount } }`, headers);
      expect(firstCode(anonymous)).toBe('UNAUTHENTICATED');
      const asCustomer = await postToSubgraph(test, 'accounts', `{ users { totalCount } }`, headers, customer.accessToken);
      expect(firstCode(asCustomer)).toBe('FORBIDDEN');
    });
  });

  describe('subgraphs verify the token again', () => {
    it.each(['accounts', 'products'])(
      '%s refuses an invalid bearer token with 401 UNAUTHENTICATED even with the gateway credential',
      async (subgraph) => {
        const forged = `${customer.accessToken.split('.').slice(0, 2).join('.')}.${Buffer.from('not the signature').toString('base64url')}`;
        const invalid = await postToSubgraph(test, subgraph, `{ __typename }`, gatewayCredential, forged);
        expect(invalid.status).toBe(401);
        expect(firstCode(invalid)).toBe('UNAUTHENTICATED');
        expect(invalid.data ?? null).toBeNull();

        const malformed = await postToSubgraph(test, subgraph, `{ __typename }`, { ...gatewayCredential, authorization: 'Basic abc' });
        expect(malformed.status).toBe(401);
        expect(firstCode(malformed)).toBe('UNAUTHENTICATED');
      },
    );

    it('products recognises the viewer from a valid token: a supplier creates a product directly', async () => {
      const result = await postToSubgraph(test, 'products', createProduct, gatewayCredential, supplier.accessToken);
      expect(result.status).toBe(200);
      expect(result.errors).toBeUndefined();
      expect(result.data?.['createProduct'].supplier).toEqual({ id: supplier.id });
    });

    it('products takes the roles from the token: a customer may not create a product directly', async () => {
      const result = await postToSubgraph(test, 'products', createProduct, gatewayCredential, customer.accessToken);
      expect(firstCode(result)).toBe('FORBIDDEN');
    });
  });

  describe('Apollo Sandbox', () => {
    it('is served as an HTML landing page outside production', async () => {
      const response = await fetch(`${test.platform.gateway.url}/`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
      expect(await response.text()).toMatch(/<html/i);
    });
  });

  describe('CSRF prevention', () => {
    const typenameUrl = () => `${test.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`;

    it('refuses a GET operation without a content type or preflight header with 400', async () => {
      const response = await fetch(typenameUrl());
      expect(response.status).toBe(400);
      const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.message).toMatch(/CSRF/);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    });

    it('runs the same GET once it carries a preflight header, so the CSRF check is what refuses', async () => {
      const response = await fetch(typenameUrl(), { headers: { 'apollo-require-preflight': 'true' } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    });

    it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
      'refuses a POST with content-type %s with 400',
      async (contentType) => {
        const response = await fetch(test.gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': contentType },
          body: JSON.stringify({ query: '{ __typename }' }),
        });
        expect(response.status).toBe(400);
        const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string }> };
        expect(body.data).toBeUndefined();
        expect(body.errors?.[0]?.message).toMatch(/CSRF/);
      },
    );
  });

  describe('correlation ids', () => {
    it('are set on every response', async () => {
      const result = await test.query(`{ __typename }`);
      expect(result.headers.get('x-correlation-id')).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
      const other = await test.query(`{ __typename }`);
      expect(other.headers.get('x-correlation-id')).not.toBe(result.headers.get('x-correlation-id'));
    });

    it('echo a well-formed id supplied by the client', async () => {
      const correlationId = 'client.Request:42_ok-1';
      const result = await test.query(`{ __typename }`, { headers: { 'x-correlation-id': correlationId } });
      expect(result.headers.get('x-correlation-id')).toBe(correlationId);
    });

    it('replace a malformed client id with a fresh one', async () => {
      for (const malformed of ['short', 'has spaces in it', 'x'.repeat(129), 'semi;colon-123']) {
        const result = await test.query(`{ __typename }`, { headers: { 'x-correlation-id': malformed } });
        const echoed = result.headers.get('x-correlation-id');
        expect(echoed).not.toBe(malformed);
        expect(echoed).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
      }
    });
  });
});

// ===========================================================================
// Signing-key rotation, each scenario on a platform of its own: the outcome
// depends on when the gateway's JWKS cache (RemoteJwks) was last loaded.
// ===========================================================================

const login = `mutation ($input: LoginInput!) { login(input: $input) { ... on Session { accessToken } } }`;

async function logInAgain(platform: TestPlatform, email: string): Promise<string> {
  const result = await platform.query<{ login: { accessToken: string } }>(login, {
    variables: { input: { email, password: STRONG_PASSWORD } },
  });
  if (!result.data?.login) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
  return result.data.login.accessToken;
}

describe('signing-key rotation', () => {
  let test: TestPlatform;
  beforeAll(async () => {
    // Short intervals keep the test quick; the rule they obey is the production one:
    // a new key signs only after every verifier may have refetched the JWKS.
    test = await startTestPlatform({ JWKS_MIN_REFRESH_SECONDS: '1', SIGNING_KEY_ACTIVATION_SECONDS: '2' });
  });
  afterAll(async () => {
    await test?.stop();
  });

  const rotate = `mutation { rotateSigningKey { kid activatesAt } }`;

  it('is for admins only', async () => {
    const customer = await registerUser(test);
    const refused = await test.query(rotate, { token: customer.accessToken });
    expect([refused.status, refused.errors?.[0]?.extensions?.['code']]).toEqual([403, 'FORBIDDEN']);
  });

  it('publishes the new key at once, signs with it from its activation, and keeps tokens of the old key valid', async () => {
    const customer = await registerUser(test);
    const admin = await createAdmin(test);
    const oldKid = jwtHeader(customer.accessToken)['kid'];

    // Rotating through the gateway loads the gateway's key cache with the old key only.
    const rotated = await test.query<{ rotateSigningKey: { kid: string; activatesAt: string } }>(rotate, { token: admin.accessToken });
    expect(rotated.errors).toBeUndefined();
    const { kid: newKid, activatesAt } = rotated.data!.rotateSigningKey;
    expect(newKid).not.toBe(oldKid);
    expect((await publishedJwks(test)).map((key) => key.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));

    // Until activation the old key still signs, so nobody meets an unknown key id.
    const beforeActivation = await logInAgain(test, customer.email);
    expect(jwtHeader(beforeActivation)['kid']).toBe(oldKid);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(activatesAt) - Date.now()) + 100));
    const afterActivation = await logInAgain(test, customer.email);
    expect(jwtHeader(afterActivation)['kid']).toBe(newKid);

    const correlationId = newCorrelationId('rotated');
    const withNewKey = await test.query(`{ me { id } products { totalCount } }`, {
      token: afterActivation,
      headers: { 'x-correlation-id': correlationId },
    });
    const refusals = test.logLines
      .filter((line) => line['correlationId'] === correlationId && line['message'] === 'access token refused')
      .map((line) => line['reason']);
    expect(withNewKey.errors, `refused the new token: ${JSON.stringify(refusals)}`).toBeUndefined();
    expect(withNewKey.data?.['me']).toEqual({ id: customer.id });

    const withOldKey = await test.query(`{ me { id } }`, { token: customer.accessToken });
    expect(withOldKey.data).toEqual({ me: { id: customer.id } });
  });
});

// ===========================================================================
// Production: no Sandbox, no introspection.
// ===========================================================================

describe('on a production platform', () => {
  let test: TestPlatform;
  beforeAll(async () => {
    test = await startTestPlatform({
      NODE_ENV: 'production',
      GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
      SIGNING_KEY_ENCRYPTION_SECRET: 'production-test-signing-secret-0123',
      VERIFICATION_UPLOAD_SIGNING_SECRET: 'production-test-upload-secret-0123',
      COURIERS_DELIVERY_CODE_SECRET: 'production-test-delivery-code-secret-0123',
      // Nothing here sends email; production only requires a server to be named.
      NOTIFICATIONS_SMTP_URL: 'smtp://127.0.0.1:2525',
      ANALYTICS_REPORT_SIGNING_SECRET: 'production-test-report-secret-0123',
    });
  });
  afterAll(async () => {
    await test?.stop();
  });

  it('serves no landing page', async () => {
    const response = await fetch(`${test.platform.gateway.url}/`, { headers: { accept: 'text/html' } });
    expect(response.status).not.toBe(200);
    expect(response.headers.get('content-type') ?? '').not.toMatch(/html/);
    expect(await response.text()).not.toMatch(/<html/i);
  });

  it('refuses introspection at the gateway', async () => {
    const result = await test.query(`{ __schema { types { name } } }`);
    expect(result.data?.['__schema'] ?? null).toBeNull();
    expect(firstCode(result)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.errors?.[0]?.message).toMatch(/introspection/i);
    const typeLookup = await test.query(`{ __type(name: "User") { fields { name } } }`);
    expect(typeLookup.data?.['__type'] ?? null).toBeNull();
    expect(firstCode(typeLookup)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses introspection on the subgraphs, even with the gateway credential', async () => {
    for (const subgraph of ['accounts', 'products']) {
      const result = await postToSubgraph(test, subgraph, `{ __schema { types { name } } }`, gatewayCredential);
      expect(result.data?.['__schema'] ?? null).toBeNull();
      expect(firstCode(result)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(result.errors?.[0]?.message).toMatch(/introspection/i);
    }
  });

  it('still answers ordinary operations (the refusals above are not a broken platform)', async () => {
    const result = await test.query<{ products: { totalCount: number } }>(`{ products { totalCount } }`);
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    expect(typeof result.data?.products.totalCount).toBe('number');
  });
});
