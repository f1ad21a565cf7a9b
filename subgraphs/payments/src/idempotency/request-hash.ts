import { createHash } from 'node:crypto';

type Canonical = null | boolean | number | string | Canonical[] | { [key: string]: Canonical };

/** Key order never matters, and a parameter left out is the same as one given as null. */
function canonical(value: unknown): Canonical {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined && inner !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([key, inner]) => [key, canonical(inner)]));
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  throw new TypeError(`cannot hash a ${typeof value}`);
}

/**
 * What an idempotency key is bound to: the operation and its parameters, as
 * SHA-256 hex of their canonical JSON. Reusing a key is allowed only with a
 * request that hashes the same.
 */
export function requestHash(operation: string, parameters: Record<string, unknown>): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical({ operation, parameters })))
    .digest('hex');
}
