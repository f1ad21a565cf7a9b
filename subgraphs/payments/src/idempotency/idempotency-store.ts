import type { PaymentsDatabase, Prisma } from '../database.js';

export interface KeyScope {
  /** The caller: keys are unique per user, so one user's key never meets another's. */
  ownerId: string;
  key: string;
}

export interface StoredKey {
  requestHash: string;
  status: 'IN_PROGRESS' | 'COMPLETED';
  response: Prisma.JsonValue | null;
  createdAt: Date;
}

export interface IdempotencyStore {
  /** Takes the key for this request; false when it was taken before (by this request or another). */
  claim(scope: KeyScope, requestHash: string): Promise<boolean>;
  find(scope: KeyScope): Promise<StoredKey | null>;
  complete(scope: KeyScope, response: Prisma.InputJsonValue): Promise<void>;
  /** Gives an unfinished key back, so a retry starts afresh; a completed key stays. */
  release(scope: KeyScope): Promise<void>;
  /** Gives back a key whose request was abandoned (its process died) before `startedBefore`. */
  releaseAbandoned(scope: KeyScope, startedBefore: Date): Promise<boolean>;
  /** Forgets up to `limit` answered keys completed before `completedBefore`; returns how many. */
  purgeCompleted(completedBefore: Date, limit: number): Promise<number>;
}

export function idempotencyStore(database: PaymentsDatabase): IdempotencyStore {
  const where = ({ ownerId, key }: KeyScope) => ({ ownerId_key: { ownerId, key } });
  return {
    async claim({ ownerId, key }, requestHash) {
      const inserted = await database.$executeRaw`
        insert into idempotency_keys (owner_id, key, request_hash) values (${ownerId}::uuid, ${key}, ${requestHash})
        on conflict do nothing`;
      return inserted === 1;
    },
    find: (scope) =>
      database.idempotencyKey.findUnique({
        where: where(scope),
        select: { requestHash: true, status: true, response: true, createdAt: true },
      }),
    async complete(scope, response) {
      await database.idempotencyKey.update({ where: where(scope), data: { status: 'COMPLETED', response, completedAt: new Date() } });
    },
    async release({ ownerId, key }) {
      await database.idempotencyKey.deleteMany({ where: { ownerId, key, status: 'IN_PROGRESS' } });
    },
    async releaseAbandoned({ ownerId, key }, startedBefore) {
      const { count } = await database.idempotencyKey.deleteMany({
        where: { ownerId, key, status: 'IN_PROGRESS', createdAt: { lt: startedBefore } },
      });
      return count === 1;
    },
    purgeCompleted: (completedBefore, limit) =>
      database.$executeRaw`
        delete from idempotency_keys where (owner_id, key) in (
          select owner_id, key from idempotency_keys
          where status = 'COMPLETED' and completed_at < ${completedBefore}
          limit ${limit} for update skip locked)`,
  };
}
