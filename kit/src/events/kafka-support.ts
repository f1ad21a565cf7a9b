// Small helpers shared by the Kafka bus and its subscriptions.
import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from '../logger.js';
import { sleep } from './backoff.js';

/**
 * kafkajs's log lines at warn and above, into the bus's logger, all at warn:
 * kafkajs reports every retried connection attempt as an error, while the
 * failures that matter reach callers as rejections (and the bus logs its own).
 */
export function kafkajsLogCreator(logger: Logger | undefined): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      if (logger === undefined || level > logLevel.WARN) return;
      const { message, timestamp: _timestamp, logger: _name, stack: _stack, ...details } = log;
      // Retries are bounded on purpose (publish rejects, callers retry): the bus promises at least once, not exactly once.
      if (message.startsWith('Limiting retries for the idempotent producer')) return;
      logger.warn({ component: 'kafkajs', namespace, ...details }, message);
    };
}

export function connect<Client extends { connect(): Promise<void> }>(client: Client, onFailure: () => void): Promise<Client> {
  return client.connect().then(
    () => client,
    (error: unknown) => {
      onFailure();
      throw error;
    },
  );
}

export async function disconnect(client: Promise<{ disconnect(): Promise<void> }> | undefined): Promise<void> {
  if (client === undefined) return;
  await (await client.catch(() => undefined))?.disconnect();
}

export function withTimeout<T>(promise: Promise<T>, milliseconds: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), milliseconds);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Retries what kafkajs reports as retriable (a topic being created, a leader being elected), for up to ~5 s. */
export async function retrying<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      const retriable = (error as { retriable?: unknown } | null)?.retriable === true;
      if (!retriable || attempt >= 10) throw error;
      await sleep(Math.min(1_000, 50 * 2 ** attempt));
    }
  }
}

export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(reason: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((resolvePromise, rejectPromise) => {
    resolve = resolvePromise;
    reject = rejectPromise;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
