/**
 * Runs at most `max` tasks at once; the rest wait in arrival order. One event
 * can concern thousands of subscribers, and each payload is a query through
 * the subgraphs: without a bound, one popular product's price change would
 * send them all at the same moment.
 */
export function concurrencyLimit(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    running -= 1;
    waiting.shift()?.();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
