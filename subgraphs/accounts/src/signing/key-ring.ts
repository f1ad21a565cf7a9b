import { createPrivateKey, createPublicKey, generateKeyPair, randomUUID, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { JwksDocument, KeySource, RsaPublicJwk } from '#kit';
import type { PrivateKeyCipher } from './private-key-cipher.js';
import type { SigningKeyStore, StoredSigningKey } from './signing-key-store.js';

const generateRsaKeyPair = promisify(generateKeyPair);

interface LoadedKey {
  kid: string;
  publicKey: KeyObject;
  privateKey: KeyObject;
  jwk: RsaPublicJwk;
  activatesAt: Date;
  retiredAt: Date | null;
}

export interface KeyRotation {
  kid: string;
  /** When the new key starts signing; until then the previous key signs. */
  activatesAt: Date;
}

export interface KeyRingOptions {
  store: SigningKeyStore;
  cipher: PrivateKeyCipher;
  /** Retired keys stay published this long, so the tokens they signed verify until they expire. */
  retentionMs: number;
  /**
   * A new key is published this long before it signs. It must exceed the
   * verifiers' minimum JWKS refresh interval, so that any verifier meeting
   * the new `kid` is allowed to fetch it.
   */
  activationDelayMs: number;
  /** Other instances' rotations are picked up at least this often. */
  reloadIntervalMs?: number;
  now?: () => number;
}

/**
 * The accounts service's RS256 keys. One key signs at a time; the JWKS
 * document publishes the next key before it signs and every retired key that
 * may still have unexpired tokens.
 */
export class KeyRing implements KeySource {
  private keys: LoadedKey[] = [];
  private loadedAt = 0;
  private readonly now: () => number;

  constructor(private readonly options: KeyRingOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Loads the keys, creating the first one, active at once, on a new database. */
  async initialise(): Promise<void> {
    await this.reload();
    if (this.keys.length === 0) await this.rotate(0);
  }

  /** Generates a new signing key that replaces the current one after the activation delay. */
  async rotate(activationDelayMs = this.options.activationDelayMs): Promise<KeyRotation> {
    const { publicKey, privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
    const kid = `${new Date(this.now()).toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
    const activatesAt = new Date(this.now() + activationDelayMs);
    await this.options.store.insertAndRetireOthers({
      kid,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      encryptedPrivateKey: this.options.cipher.encrypt(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
      activatesAt,
    });
    await this.reload();
    return { kid, activatesAt };
  }

  async signingKey(): Promise<{ kid: string; privateKey: KeyObject }> {
    await this.reloadIfStale();
    const key = this.signingKeyOrUndefined();
    if (key === undefined) throw new Error('no signing key is active; call initialise() first');
    return { kid: key.kid, privateKey: key.privateKey };
  }

  async publicKey(kid: string): Promise<KeyObject | undefined> {
    await this.reloadIfStale();
    return this.published().find((key) => key.kid === kid)?.publicKey;
  }

  async jwks(): Promise<JwksDocument> {
    await this.reloadIfStale();
    return { keys: this.published().map((key) => key.jwk) };
  }

  private published(): LoadedKey[] {
    const oldestVisible = this.now() - this.options.retentionMs;
    return this.keys.filter((key) => key.retiredAt === null || key.retiredAt.getTime() > oldestVisible);
  }

  private signingKeyOrUndefined(): LoadedKey | undefined {
    const now = this.now();
    return this.keys
      .filter((key) => key.activatesAt.getTime() <= now && (key.retiredAt === null || key.retiredAt.getTime() > now))
      .sort((a, b) => b.activatesAt.getTime() - a.activatesAt.getTime())[0];
  }

  private async reloadIfStale(): Promise<void> {
    if (this.now() - this.loadedAt >= (this.options.reloadIntervalMs ?? 60_000)) await this.reload();
  }

  private async reload(): Promise<void> {
    const stored = await this.options.store.listSince(new Date(this.now() - this.options.retentionMs));
    this.keys = stored.map((row) => this.load(row));
    this.loadedAt = this.now();
  }

  private load(row: StoredSigningKey): LoadedKey {
    const publicKey = createPublicKey(row.publicKeyPem);
    const { n, e } = publicKey.export({ format: 'jwk' });
    if (typeof n !== 'string' || typeof e !== 'string') throw new Error(`signing key ${row.kid} is not an RSA key`);
    return {
      kid: row.kid,
      publicKey,
      privateKey: createPrivateKey(this.options.cipher.decrypt(row.encryptedPrivateKey)),
      jwk: { kty: 'RSA', kid: row.kid, use: 'sig', alg: 'RS256', n, e },
      activatesAt: row.activatesAt,
      retiredAt: row.retiredAt,
    };
  }
}
