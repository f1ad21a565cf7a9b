import type { Logger } from './logger.js';

/**
 * Runs the given stoppers in order on SIGTERM or SIGINT, then exits. A second
 * signal exits at once, for an operator who does not want to wait.
 */
export function onShutdownSignal(logger: Logger, stoppers: ReadonlyArray<() => Promise<void>>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
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
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
