import type { Logger } from './logger.js';

/**
 * Runs the given stoppers in order on SIGTERM or SIGINT, then exits. A second
 * Ctrl-C (SIGINT) exits at once, for an operator who does not want to wait;
 * a repeated SIGTERM is ignored, because some children (embedded PostgreSQL's
 * `su` wrapper) signal their whole process group while they stop, and that
 * must not cut our own shutdown short.
 */
export function onShutdownSignal(logger: Logger, stoppers: ReadonlyArray<() => Promise<unknown>>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      if (signal === 'SIGINT') process.exit(130);
      return;
    }
    stopping = true;
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
