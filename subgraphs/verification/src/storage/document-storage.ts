import type { Readable } from 'node:stream';

/**
 * Where uploaded files' bytes live. Keys are opaque relative paths made by
 * this service (`<userId>/<documentId>-<random>`); the database holds them.
 */
export interface DocumentStorage {
  /** Stores the content under the key, completely or not at all: a failed or refused stream leaves nothing behind. */
  put(key: string, content: Readable | Buffer): Promise<void>;
  /** The stored bytes, or null when nothing is stored under the key. */
  get(key: string): Promise<Readable | null>;
  /** Removes the bytes; removing a key that holds nothing is not an error. */
  delete(key: string): Promise<void>;
}

const keyPattern = /^[A-Za-z0-9][A-Za-z0-9_-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)*$/;

/** Keys never climb out of the storage root, whatever a caller passes. */
export function assertStorageKey(key: string): void {
  if (!keyPattern.test(key) || key.split('/').some((segment) => segment === '..' || segment === '.')) {
    throw new Error(`not a storage key: ${JSON.stringify(key)}`);
  }
}
