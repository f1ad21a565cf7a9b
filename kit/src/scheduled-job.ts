import { runAsBackgroundWork } from './background-work.js';
import type { Logger } from './logger.js';

/**
 * Work a service does on a timer, beside its requests and consumers: expiring
 * invitations, retrying what timed out. Every instance runs every job, so a
 * job's work must be safe to run concurrently (claim rows with conditional
 * updates or SKIP LOCKED).
 */
export interface ScheduledJob {
  name: string;
  intervalMs: number;
  run(): Promise<void>;
}

export interface RunningJobs {
  /** Stops scheduling and waits for runs in progress. */
  stop(): Promise<void>;
}

/** Runs each job every `intervalMs` after its previous run ends, so runs never overlap. */
export function startScheduledJobs(jobs: readonly ScheduledJob[], logger: Logger): RunningJobs {
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();

  const schedule = (job: ScheduledJob) => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const run = runAsBackgroundWork(`job ${job.name}`, () => job.run())
        .catch((error: unknown) => logger.error({ err: error, job: job.name }, 'scheduled job failed; it runs again next interval'))
        .finally(() => {
          inFlight.delete(run);
          schedule(job);
        });
      inFlight.add(run);
    }, job.intervalMs);
    timer.unref();
    timers.add(timer);
  };

  for (const job of jobs) schedule(job);
  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...inFlight]);
    },
  };
}
