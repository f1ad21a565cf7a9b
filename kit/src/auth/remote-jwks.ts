import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JwksDocument, KeySource } from './key-source.js';

export interface RemoteJwksOptions {
  /** The JWKS document's URL, e.g. http://accounts:4001/.well-known/jwks.json. */
  url: string;
  /** Known keys are refreshed this often even when no unknown `kid` shows up. */
  maxAgeMs?: number;
  /**
   * An unknown `kid` triggers a refresh at most this often, so a flood of
   * tokens with made-up key ids cannot hammer the accounts service.
   */
  minRefreshIntervalMs?: number;
  fetchTimeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * A JWKS cache. Concurrent lookups share one in-flight fetch; a failed fetch
 * keeps serving the keys it already had.
 */
export class RemoteJwks implements KeySource {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private readonly maxAgeMs: number;
  private readonly minRefreshIntervalMs: number;
  private readonly fetchTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  /** How many times the document was fetched; exposed for tests and metrics. */
  fetchCount = 0;

  constructor(private readonly options: RemoteJwksOptions) {
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.minRefreshIntervalMs = options.minRefreshIntervalMs ?? 30_000;
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 5_000;
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  async publicKey(kid: string): Promise<KeyObject | undefined> {
    // A lookup that arrives while a fetch is under way waits for it rather than
    // judging the keys that fetch is about to replace.
    if (this.inFlight !== undefined) await this.inFlight;
    const age = this.now() - this.fetchedAt;
    const known = this.keys.get(kid);
    if (known !== undefined && age < this.maxAgeMs) return known;
    if (known === undefined && age < this.minRefreshIntervalMs) return undefined;
    await this.refresh();
    return this.keys.get(kid);
  }

  /** Loads the document now, unless a load is already under way. */
  refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async load(): Promise<void> {
    this.fetchCount += 1;
    // Recorded before the fetch so that a failing accounts service is also protected from retries.
    this.fetchedAt = this.now();
    try {
      const response = await this.fetchImpl(this.options.url, {
        signal: AbortSignal.timeout(this.fetchTimeoutMs),
        headers: { accept: 'application/json' },
      });
      if (!response.ok) return;
      const document = (await response.json()) as JwksDocument;
      const next = new Map<string, KeyObject>();
      for (const jwk of document.keys ?? []) {
        if (jwk.kty !== 'RSA' || typeof jwk.kid !== 'string') continue;
        next.set(jwk.kid, createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' }));
      }
      this.keys = next;
    } catch {
      // Keep the keys we had: an accounts outage must not sign everybody out.
    }
  }
}
