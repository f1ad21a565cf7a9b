import { randomUUID } from 'node:crypto';
import type { Logger, ScheduledJob } from '#kit';
import type { AttemptStore } from '../codes/attempt-store.js';
import type { ClaimStore } from '../claims/claim-store.js';
import { invitationExpiredEvents } from '../invitations/invitation-events.js';
import type { InvitationStore } from '../invitations/invitation-store.js';

/** Rows per transaction: a backlog is worked off in several short transactions, not one long one. */
const BATCH = 500;

export interface HousekeepingDependencies {
  invitations: InvitationStore;
  claims: ClaimStore;
  attempts: AttemptStore;
  logger: Logger;
}

export interface HousekeepingSettings {
  expirySweepSeconds: number;
  claimTimeoutSeconds: number;
}

/**
 * The subgraph's timed work. Every instance runs every job; each one claims
 * its rows with conditional updates and SKIP LOCKED, so running them side by
 * side neither repeats nor loses work.
 */
export function housekeepingJobs(dependencies: HousekeepingDependencies, settings: HousekeepingSettings): ScheduledJob[] {
  const { invitations, claims, attempts, logger } = dependencies;
  const intervalMs = settings.expirySweepSeconds * 1000;
  return [
    {
      name: 'invitations.expiry-sweep',
      intervalMs,
      async run() {
        // One correlation id per sweep: the events of one run can be traced together.
        const expired = invitationExpiredEvents({ source: 'invitations', correlationId: randomUUID() });
        for (;;) {
          const batch = await invitations.expireDue(BATCH, expired);
          if (batch.length > 0) logger.info({ expired: batch.length }, 'invitations expired');
          if (batch.length < BATCH) return;
        }
      },
    },
    {
      name: 'invitations.stale-claim-release',
      intervalMs,
      async run() {
        for (;;) {
          const released = await claims.releaseStale(settings.claimTimeoutSeconds, BATCH);
          if (released > 0) logger.info({ released }, 'stale invitation claims released');
          if (released < BATCH) return;
        }
      },
    },
    {
      name: 'invitations.attempt-purge',
      intervalMs,
      async run() {
        await attempts.purgeClosed();
      },
    },
  ];
}
