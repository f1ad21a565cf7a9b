import { generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { AccessRevocations, type AccessRevocation } from '../src/auth/access-revocations.js';
import {
  createAccessTokenVerifier,
  InvalidTokenError,
  refusingRevokedTokens,
  RevokedTokenError,
  type AccessTokenVerifier,
} from '../src/auth/access-token-verifier.js';
import { startRevocationFeed } from '../src/auth/revocation-feed.js';
import { createEnvelope } from '../src/events/envelope.js';
import { MemoryEventBus } from '../src/events/memory-event-bus.js';
import { createLogger } from '../src/logger.js';
import { accessRevokedEvent } from '../src/auth/access-revocation-event.js';

const ISSUER = 'https://accounts.gasrapido.test';
const AUDIENCE = 'gasrapido-api';
const KID = 'signing-key-1';
const TTL_SECONDS = 900;
const USER = randomUUID();
const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
const logger = createLogger({ service: 'test', level: 'silent' });

/** An access token as accounts signs it, with the user's access version when it was issued. */
function accessToken(accessVersion: number | undefined, lifetimeSeconds = TTL_SECONDS, subject = USER): string {
  return jwt.sign(
    { roles: ['CUSTOMER'], verified: false, ...(accessVersion === undefined ? {} : { access_version: accessVersion }) },
    signing.privateKey,
    {
      algorithm: 'RS256',
      keyid: KID,
      subject,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: lifetimeSeconds,
      jwtid: randomUUID(),
    },
  );
}

function verifierOver(revocations: AccessRevocations): AccessTokenVerifier {
  const signatures = createAccessTokenVerifier(
    { publicKey: async (kid) => (kid === KID ? signing.publicKey : undefined) },
    { issuer: ISSUER, audience: AUDIENCE },
  );
  return refusingRevokedTokens(signatures, { revocations, accessTokenTtlSeconds: TTL_SECONDS });
}

function revocation(accessVersion: number, overrides: Partial<AccessRevocation> = {}): AccessRevocation {
  const revokedAt = new Date();
  return {
    userId: USER,
    reason: 'SIGNED_OUT_EVERYWHERE',
    accessVersion,
    revokedAt,
    tokensExpireBy: new Date(revokedAt.getTime() + TTL_SECONDS * 1000),
    ...overrides,
  };
}

describe('a verifier that knows the revocations', () => {
  it('refuses a token issued before its subject’s revocation, and accepts one issued after it in the same second', async () => {
    const revocations = new AccessRevocations();
    const before = accessToken(0);
    revocations.record(revocation(1));
    const after = accessToken(1);
    const verifier = verifierOver(revocations);

    await expect(verifier.verify(before)).rejects.toBeInstanceOf(RevokedTokenError);
    await expect(verifier.verify(after)).resolves.toMatchObject({ userId: USER });
  });

  it('counts a token without an access version as issued before any revocation', async () => {
    const revocations = new AccessRevocations();
    revocations.record(revocation(1));
    await expect(verifierOver(revocations).verify(accessToken(undefined))).rejects.toBeInstanceOf(RevokedTokenError);
  });

  it('leaves other users’ tokens alone', async () => {
    const revocations = new AccessRevocations();
    revocations.record(revocation(3));
    await expect(verifierOver(revocations).verify(accessToken(0, TTL_SECONDS, randomUUID()))).resolves.toBeDefined();
  });

  it('refuses a token meant to outlive the revocations it keeps', async () => {
    const refused = verifierOver(new AccessRevocations()).verify(accessToken(0, TTL_SECONDS * 4));
    await expect(refused).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(refused).rejects.toThrow(/ACCESS_TOKEN_TTL_SECONDS/);
  });
});

describe('the revocations a process keeps', () => {
  it('keeps the newest revocation of a user, whatever order they arrive in', () => {
    const revocations = new AccessRevocations();
    revocations.record(revocation(2));
    revocations.record(revocation(1));
    expect(revocations.revocationOf(USER, 1)?.accessVersion).toBe(2);
    expect(revocations.revocationOf(USER, 2)).toBeUndefined();
  });

  it('forgets a revocation once every token it concerns has expired', () => {
    let now = Date.now();
    const revocations = new AccessRevocations(5_000, () => now);
    revocations.record(revocation(1, { tokensExpireBy: new Date(now + 60_000) }));
    now += 66_000;
    expect(revocations.revocationOf(USER, 0)).toBeUndefined();
    revocations.prune();
    expect(revocations.size).toBe(0);
  });
});

describe('the revocation feed', () => {
  const revoked = (userId: string, accessVersion: number) =>
    createEnvelope({
      type: accessRevokedEvent.type,
      source: 'accounts',
      subject: userId,
      schemaVersion: accessRevokedEvent.version,
      correlationId: 'test',
      data: {
        userId,
        reason: 'ACCOUNT_DELETED',
        accessVersion,
        revokedAt: new Date().toISOString(),
        tokensExpireBy: new Date(Date.now() + TTL_SECONDS * 1000).toISOString(),
      },
    });

  it('replays the revocations published within the token lifetime before it resolves, then follows new ones', async () => {
    const bus = new MemoryEventBus();
    const earlier = randomUUID();
    await bus.publish([{ topic: accessRevokedEvent.topic, key: earlier, value: JSON.stringify(revoked(earlier, 1)) }]);

    const feed = await startRevocationFeed({ bus, accessTokenTtlSeconds: TTL_SECONDS, logger });
    expect(feed.revocations.revocationOf(earlier, 0)?.reason).toBe('ACCOUNT_DELETED');

    const later = randomUUID();
    await bus.publish([{ topic: accessRevokedEvent.topic, key: later, value: JSON.stringify(revoked(later, 4)) }]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(feed.revocations.revocationOf(later, 3)?.accessVersion).toBe(4);
    await feed.stop();
    await bus.close();
  });
});

describe('the in-memory bus', () => {
  it('starts a new group at the first message published at or after startAt', async () => {
    const bus = new MemoryEventBus();
    await bus.publish([{ topic: 't', key: 'k', value: 'old' }]);
    await new Promise((resolve) => setTimeout(resolve, 15));
    const from = new Date();
    await bus.publish([{ topic: 't', key: 'k', value: 'new' }]);
    const seen: Array<string | null> = [];
    const subscription = await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      startAt: from,
      handle: async (message) => void seen.push(message.value),
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toEqual(['new']);
    await subscription.stop();
    await bus.close();
  });
});
