import DataLoader from 'dataloader';
import type { RequestContext } from '#kit';
import type { AccountService } from '../users/account-service.js';
import type { User, UserStore } from '../users/user-store.js';
import type { KeyRing } from '../signing/key-ring.js';

export interface AccountsContext extends RequestContext {
  readonly accounts: AccountService;
  readonly users: UserStore;
  readonly keyRing: KeyRing;
  /** Batches every user lookup of one request into a single query. */
  readonly userById: DataLoader<string, User | null>;
}

export function userLoader(users: UserStore): DataLoader<string, User | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await users.findByIds(ids)).map((user) => [user.id, user]));
    return ids.map((id) => found.get(id) ?? null);
  });
}
