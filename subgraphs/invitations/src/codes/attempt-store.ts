import type { InvitationsDatabase } from '../database.js';

/** One address's attempts in its current window. */
export interface AttemptWindow {
  count: number;
  /** Seconds until the window closes and the count starts again; at least 1. */
  secondsLeft: number;
}

export interface AttemptStore {
  /** Counts one attempt, opening a new window when the address has none or its window has closed. */
  increment(address: string): Promise<AttemptWindow>;
  /** The address's window as it stands, without counting. */
  current(address: string): Promise<AttemptWindow>;
  /** Deletes closed windows; returns how many. */
  purgeClosed(): Promise<number>;
}

/**
 * Fixed one-minute windows that open at an address's first attempt. One
 * upsert counts and reads atomically, so concurrent attempts from any number
 * of instances never lose a count.
 */
export function attemptStore(database: InvitationsDatabase, windowSeconds = 60): AttemptStore {
  return {
    async increment(address) {
      const [row] = await database.$queryRaw<Array<{ count: number; seconds_left: number }>>`
        insert into code_attempts as attempt (address, window_start, count)
        values (${address}, now(), 1)
        on conflict (address) do update set
          count = case when attempt.window_start > now() - make_interval(secs => ${windowSeconds}) then attempt.count + 1 else 1 end,
          window_start = case when attempt.window_start > now() - make_interval(secs => ${windowSeconds}) then attempt.window_start else now() end
        returning count,
          greatest(1, ceil(extract(epoch from (window_start + make_interval(secs => ${windowSeconds}) - now()))))::int as seconds_left`;
      return { count: row?.count ?? 1, secondsLeft: row?.seconds_left ?? windowSeconds };
    },
    async current(address) {
      const [row] = await database.$queryRaw<Array<{ count: number; seconds_left: number }>>`
        select count,
          greatest(1, ceil(extract(epoch from (window_start + make_interval(secs => ${windowSeconds}) - now()))))::int as seconds_left
        from code_attempts
        where address = ${address} and window_start > now() - make_interval(secs => ${windowSeconds})`;
      return row === undefined ? { count: 0, secondsLeft: windowSeconds } : { count: row.count, secondsLeft: row.seconds_left };
    },
    purgeClosed: () =>
      database.$executeRaw`delete from code_attempts where window_start <= now() - make_interval(secs => ${windowSeconds})`,
  };
}
