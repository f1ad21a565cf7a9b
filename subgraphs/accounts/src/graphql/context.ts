import DataLoader from 'dataloader';
import type { RequestContext } from '#kit';
import type { AccountService } from '../users/account-service.js';
import type { User, UserStore } from '../users/user-store.js';
import type { KeyRing } from '../signing/key-ring.js';
import type { MfaService } from '../mfa/mfa-service.js';

export interface AccountsContext extends RequestContext {
  readonly accounts: AccountService;
  readonly mfa: MfaService;
  readonly users: UserStore;
  readonly keyRing: KeyRing;
  /** How recent a second factor sensitive operations (role changes) need. */
  readonly mfaMaxAgeSeconds: number;
  /** Batches every user lookup of one request into a single query. */
  readonly userById: DataLoader<string, User | null>;
  /** Whether each user has MFA on, batched like userById. */
  readonly mfaEnabled: DataLoader<string, boolean>;
}

export function userLoader(users: UserStore): DataLoader<string, User | null> {
  return new DataLoader(async (ids) => {
    const found = new Map((await users.findByIds(ids)).map((user) => [user.id, user]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

export function mfaStatusLoader(mfa: MfaService): DataLoader<string, boolean> {
  return new DataLoader(async (ids) => {
    const enabled = await mfa.enabledAmong(ids);
    return ids.map((id) => enabled.has(id));
  });
}
