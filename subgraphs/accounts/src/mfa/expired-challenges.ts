import type { ScheduledJob } from '#kit';
import type { MfaStore } from './mfa-store.js';

/** Sign-in challenges are useless once expired; this keeps their table small. Deleting twice is harmless. */
export function expiredChallengeCleanup(store: MfaStore, intervalMs = 10 * 60 * 1000): ScheduledJob {
  return {
    name: 'accounts.expired-mfa-challenges',
    intervalMs,
    run: async () => {
      await store.deleteChallengesExpiredBefore(new Date());
    },
  };
}
