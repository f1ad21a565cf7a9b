import type { Logger } from './logger.js';

/**
 * Runs the given stoppers in order on SIGTERM or SIGINT, then exits. A second
 * Ctrl-C (SIGINT) a moment later exits at once, for an operator who does not
 * want to wait. Signals repeated within that moment are the same request seen
 * twice: a terminal's Ctrl-C reaches both this process and the `npm`/`tsx`
 * parents that relay it, and embedded PostgreSQL's `su` wrapper signals the
 * whole process group while it stops; none of that may cut shutdown short.
 */
const repeatWindowMs = 1_000;

export function onShutdownSignal(logger: Logger, stoppers: ReadonlyArray<() => Promise<unknown>>): void {
  let stoppingSince: number | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (signal === 'SIGINT' && Date.now() - stoppingSince > repeatWindowMs) process.exit(130);
      return;
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'shutting down');
    (async () => {
      for (const stop of stoppers) await stop();
    })()
      .then(() => {
        logger.flush();
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
