import type { AccountsDatabase } from '../database.js';

export interface StoredSigningKey {
  kid: string;
  publicKeyPem: string;
  encryptedPrivateKey: string;
  createdAt: Date;
  retiredAt: Date | null;
}

export interface SigningKeyStore {
  /** Keys not retired, or retired after `retiredAfter`, newest first. */
  listSince(retiredAfter: Date): Promise<StoredSigningKey[]>;
  /** Adds a key and retires every other active key, atomically. */
  insertAndRetireOthers(key: Omit<StoredSigningKey, 'createdAt' | 'retiredAt'> & { retiredAt: Date }): Promise<void>;
}

export function signingKeyStore(database: AccountsDatabase): SigningKeyStore {
  return {
    listSince: (retiredAfter) =>
      database.signingKey.findMany({
        where: { OR: [{ retiredAt: null }, { retiredAt: { gt: retiredAfter } }] },
        orderBy: { createdAt: 'desc' },
      }),
    async insertAndRetireOthers({ retiredAt, ...key }) {
      await database.$transaction([
        database.signingKey.updateMany({ where: { retiredAt: null }, data: { retiredAt } }),
        database.signingKey.create({ data: key }),
      ]);
    },
  };
}
