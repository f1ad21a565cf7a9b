import { AsyncLocalStorage } from 'node:async_hooks';

const currentWork = new AsyncLocalStorage<string>();

/**
 * Runs work a service does on its own (a scheduled job, the outbox relay, an
 * event consumer) under a name that follows every await inside it, so what it
 * causes (its SQL statements, for one) can be told apart from what a request causes.
 */
export function runAsBackgroundWork<Result>(name: string, work: () => Result): Result {
  return currentWork.run(name, work);
}

/** The background work the caller runs within, or undefined while it serves a request. */
export function backgroundWorkName(): string | undefined {
  return currentWork.getStore();
}
