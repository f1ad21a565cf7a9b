import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { stripIgnoredCharacters } from 'graphql';
import { z } from 'zod';

/** Apollo's persisted query manifest, as `generate-persisted-query-manifest` and Rover write it. */
const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z
    .array(
      z.object({
        id: z.string().min(1),
        name: z.string().optional(),
        type: z.enum(['query', 'mutation', 'subscription']).optional(),
        body: z.string().min(1),
      }),
    )
    .min(1, 'lists no operation'),
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The text without whitespace or comments, or undefined when it is not GraphQL. */
function normalized(query: string): string | undefined {
  try {
    return stripIgnoredCharacters(query);
  } catch {
    return undefined;
  }
}

/**
 * The registered operations of safelist mode. A client may send a registered
 * operation's id alone (as an APQ hash) or its full text; text matches when
 * it is the registered body, or differs from it only in whitespace and
 * comments. Nothing else runs.
 */
export class Safelist {
  private constructor(
    private readonly bodies: ReadonlyMap<string, string>,
    private readonly hashes: ReadonlySet<string>,
  ) {}

  /** Reads the manifest at start; any problem stops the gateway rather than silently allowing everything. */
  static load(path: string): Safelist {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`GATEWAY_SAFELIST_PATH: cannot read ${path} as JSON: ${(error as Error).message}`, { cause: error });
    }
    const manifest = manifestSchema.safeParse(parsed);
    if (!manifest.success) {
      const problems = manifest.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      throw new Error(`GATEWAY_SAFELIST_PATH: ${path} is not a persisted query manifest: ${problems}`);
    }
    return Safelist.of(manifest.data.operations);
  }

  static of(operations: ReadonlyArray<{ id: string; body: string }>): Safelist {
    const bodies = new Map<string, string>();
    const hashes = new Set<string>();
    for (const { id, body } of operations) {
      bodies.set(id, body);
      // Also by the body's own hash: Apollo clients send that as the APQ hash.
      bodies.set(sha256(body), body);
      hashes.add(sha256(body));
      const compact = normalized(body);
      if (compact !== undefined) hashes.add(sha256(compact));
    }
    return new Safelist(bodies, hashes);
  }

  allowsQuery(query: string): boolean {
    if (this.hashes.has(sha256(query))) return true;
    const compact = normalized(query);
    return compact !== undefined && this.hashes.has(sha256(compact));
  }

  allowsId(id: string): boolean {
    return this.bodies.has(id);
  }

  /**
   * The APQ cache of safelist mode: registered operations by id, read-only, so
   * a client cannot register anything by sending it with its hash.
   */
  persistedQueryCache(): KeyValueCache<string> {
    return {
      // Apollo Server prefixes APQ keys with `apq:`.
      get: async (key) => this.bodies.get(key.startsWith('apq:') ? key.slice(4) : key),
      set: async () => {},
      delete: async () => false,
    };
  }
}
