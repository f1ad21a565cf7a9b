import type { ScheduledJob } from '#kit';
import type { VerificationStore } from '../verification/verification-store.js';

/**
 * Removes upload slots whose URL expired unused (a client that asked for a URL
 * and never sent the file). One DELETE per run: safe on every instance at once.
 */
export function unusedUploadSlotsJob(
  store: VerificationStore,
  uploadUrlTtlSeconds: number,
  now: () => Date = () => new Date(),
): ScheduledJob {
  return {
    name: 'verification.unused-upload-slots',
    intervalMs: 15 * 60 * 1000,
    run: async () => {
      // A margin past the URL's expiry, for clocks and uploads still streaming at the deadline.
      await store.purgeUnusedSlots(new Date(now().getTime() - (uploadUrlTtlSeconds + 3600) * 1000));
    },
  };
}
