// Access tokens for the distinct-JWT variant: an RS256 key of the bench's own,
// published as a JWKS by the bench accounts subgraph (our gateway is pointed at it
// through ACCOUNTS_JWKS_URL, as it is at the real accounts service), and one
// distinct, valid token per request, each for a different user.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

export const benchKeyId = 'gateway-bench-key';
export const benchIssuer = 'https://accounts.gasrapido.local';
export const benchAudience = 'gasrapido-api';

/** Where the bench's key pair lives for the run (set by the orchestrator for its children). */
const keyPath = () => process.env['BENCH_TOKEN_KEY_PATH'];

export function createBenchKey(path: string): void {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));
}

function privateKeyPem(): string {
  const path = keyPath();
  if (path === undefined) throw new Error('BENCH_TOKEN_KEY_PATH is not set');
  return readFileSync(path, 'utf8');
}

export function benchJwks(): { keys: object[] } {
  if (keyPath() === undefined) return { keys: [] };
  const jwk = createPublicKey(createPrivateKey(privateKeyPem())).export({ format: 'jwk' });
  return { keys: [{ ...jwk, kid: benchKeyId, alg: 'RS256', use: 'sig' }] };
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** `count` distinct tokens, each for its own user, valid for `validSeconds`. */
export function signBenchTokens(count: number, validSeconds = 3_600): string[] {
  const key = createPrivateKey(privateKeyPem());
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: benchKeyId }));
  const now = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const payload = base64url(
      JSON.stringify({
        sub: randomUUID(),
        jti: randomUUID(),
        roles: ['CUSTOMER'],
        verified: true,
        iat: now,
        exp: now + validSeconds,
        iss: benchIssuer,
        aud: benchAudience,
      }),
    );
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key);
    tokens.push(`${header}.${payload}.${base64url(signature)}`);
  }
  return tokens;
}
