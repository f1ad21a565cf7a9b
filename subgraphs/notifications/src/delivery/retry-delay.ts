/**
 * How long a message waits after its `attempt`-th failed delivery: `baseMs`, doubling with
 * each attempt, never above `maxMs`. Deterministic, so the schedule can be read off the
 * settings; many messages failing at once are already spread by when they were created.
 */
export function retryDelay(attempt: number, baseMs: number, maxMs: number): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2 ** 60 and beyond would overflow the millisecond range; the cap is reached long before.
  return Math.min(maxMs, baseMs * 2 ** Math.min(exponent, 40));
}
