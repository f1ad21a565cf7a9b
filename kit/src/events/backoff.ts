/**
 * Exponential back-off with jitter: attempt 1 waits between half and all of `baseMs`,
 * each further attempt up to twice as long, never more than `maxMs`. The
 * randomness keeps many retrying consumers from hitting a recovering
 * dependency in lockstep.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
