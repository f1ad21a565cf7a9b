import type { AccountsDatabase } from '../database.js';

export interface StoredSigningKey {
  kid: string;
  publicKeyPem: string;
  encryptedPrivateKey: string;
  createdAt: Date;
  activatesAt: Date;
  retiredAt: Date | null;
}

export interface SigningKeyStore {
  /** Keys not retired, or retired after `retiredAfter`, newest first. */
  listSince(retiredAfter: Date): Promise<StoredSigningKey[]>;
  /**
   * Adds a key that signs from `activatesAt`, and retires every unretired key
   * at that same moment, atomically: exactly one key signs at any time.
   */
  insertAndRetireOthers(key: Omit<StoredSigningKey, 'createdAt' | 'retiredAt'>): Promise<void>;
}

export function signingKeyStore(database: AccountsDatabase): SigningKeyStore {
  return {
    listSince: (retiredAfter) =>
      database.signingKey.findMany({
        where: { OR: [{ retiredAt: null }, { retiredAt: { gt: retiredAfter } }] },
        orderBy: { createdAt: 'desc' },
      }),
    async insertAndRetireOthers(key) {
      await database.$transaction([
        database.signingKey.updateMany({ where: { retiredAt: null }, data: { retiredAt: key.activatesAt } }),
        database.signingKey.create({ data: key }),
      ]);
    },
  };
}
