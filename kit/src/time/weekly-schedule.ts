/** A wall-clock time of day, `HH:MM` from 00:00 to 23:59, or 24:00 for the end of a day. */
export const HOURS_PATTERN = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Opening hours on one weekday, 1 (Monday) to 7 (Sunday) as in ISO 8601. */
export interface WeeklyHours {
  weekday: number;
  opens: string;
  /** At or before `opens`: the interval runs past midnight into the next day (22:00–02:00). */
  closes: string;
}

/** The hours of one local date replacing its weekday's (a holiday): none when `closed`. */
export interface DatedHours {
  /** The local date, YYYY-MM-DD. */
  date: string;
  closed: boolean;
  hours: ReadonlyArray<{ opens: string; closes: string }>;
}

/** When a place is open, on the wall clock of its IANA time zone. */
export interface WeeklySchedule {
  timeZone: string;
  weekly: readonly WeeklyHours[];
  exceptions: readonly DatedHours[];
}

export interface OpeningState {
  open: boolean;
  /** While open: when it closes next (null when that is more than the look-ahead away). */
  closesAt: Date | null;
  /** While closed: when it opens next within the look-ahead (two weeks); null when never. */
  nextOpensAt: Date | null;
}

const LOOK_AHEAD_DAYS = 14;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether the runtime knows the IANA time zone (America/Sao_Paulo). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * Wall clocks already read, by zone and instant. Schedules ask about the same few instants over and
 * over (midnights and opening times of the next two weeks, for every store of a zone), and
 * Intl's formatToParts costs tens of microseconds a call. Bounded: emptied when full.
 */
const wallClocks = new Map<string, number>();
const WALL_CLOCK_MEMO_SIZE = 50_000;

/** The wall clock at an instant in a time zone, as the UTC instant with the same fields. */
function wallClockAsUtc(at: Date, timeZone: string): number {
  const key = `${timeZone}|${at.getTime()}`;
  const known = wallClocks.get(key);
  if (known !== undefined) return known;
  const wall = readWallClock(at, timeZone);
  if (wallClocks.size >= WALL_CLOCK_MEMO_SIZE) wallClocks.clear();
  wallClocks.set(key, wall);
  return wall;
}

function readWallClock(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return Date.UTC(
    Number(parts['year']),
    Number(parts['month']) - 1,
    Number(parts['day']),
    Number(parts['hour']),
    Number(parts['minute']),
    Number(parts['second']),
  );
}

/** The local date (YYYY-MM-DD) and ISO weekday (1 Monday … 7 Sunday) of an instant in a time zone. */
export function zonedDate(at: Date, timeZone: string): { date: string; weekday: number } {
  const wall = new Date(wallClockAsUtc(at, timeZone));
  return { date: wall.toISOString().slice(0, 10), weekday: ((wall.getUTCDay() + 6) % 7) + 1 };
}

/** The instant a local date and wall time (HH:MM, 24:00 allowed) names in a time zone. */
export function zonedWallTime(date: string, time: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  // The zone's offset at the naive guess, then again at the corrected instant (a DST change between them).
  const first = naive - (wallClockAsUtc(new Date(naive), timeZone) - naive);
  return new Date(naive - (wallClockAsUtc(new Date(first), timeZone) - first));
}

function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

const minutesOf = (time: string) => {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return hour * 60 + minute;
};

/** The open intervals that start on a local date, as instants. */
function intervalsStarting(schedule: WeeklySchedule, date: string): Array<{ opens: Date; closes: Date }> {
  const exception = schedule.exceptions.find((dated) => dated.date === date);
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const weekday = ((new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7) + 1;
  const hours =
    exception !== undefined ? (exception.closed ? [] : exception.hours) : schedule.weekly.filter((entry) => entry.weekday === weekday);
  return hours.map(({ opens, closes }) => {
    const overnight = minutesOf(closes) <= minutesOf(opens);
    return {
      opens: zonedWallTime(date, opens, schedule.timeZone),
      closes: zonedWallTime(overnight ? addDays(date, 1) : date, closes, schedule.timeZone),
    };
  });
}

/**
 * Whether the schedule is open at an instant, and when that changes. Intervals that touch
 * (23:00–24:00 then 00:00–02:00, or every day 00:00–24:00) count as one opening.
 */
export function openingState(schedule: WeeklySchedule, at: Date): OpeningState {
  const today = zonedDate(at, schedule.timeZone).date;
  const intervals: Array<{ opens: Date; closes: Date }> = [];
  for (let offset = -1; offset <= LOOK_AHEAD_DAYS; offset++) intervals.push(...intervalsStarting(schedule, addDays(today, offset)));
  intervals.sort((a, b) => a.opens.getTime() - b.opens.getTime());
  const now = at.getTime();
  const current = intervals.find((interval) => interval.opens.getTime() <= now && now < interval.closes.getTime());
  if (current === undefined) {
    const next = intervals.find((interval) => interval.opens.getTime() > now);
    return { open: false, closesAt: null, nextOpensAt: next?.opens ?? null };
  }
  let closesAt = current.closes.getTime();
  for (const interval of intervals) {
    if (interval.opens.getTime() <= closesAt && interval.closes.getTime() > closesAt) closesAt = interval.closes.getTime();
  }
  const lastKnown = Math.max(...intervals.map((interval) => interval.closes.getTime()));
  return { open: true, closesAt: closesAt >= lastKnown ? null : new Date(closesAt), nextOpensAt: null };
}
