import { GraphQLError, GraphQLScalarType, Kind, print, type ValueNode } from 'graphql';
import { ErrorCode, httpStatusFor } from '../errors.js';

/**
 * RFC 3339 `date-time`: a full date, a time to the second with optional fractions,
 * and an explicit offset. A date alone or a local time without an offset names no
 * single instant, so neither is accepted.
 */
const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const EXAMPLE = '2026-12-07T18:00:00.000Z';

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysInMonth = (year: number, month: number) => [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;

export type DateTimeParse = { readonly instant: Date } | { readonly problem: string };

/** The instant an RFC 3339 date-time names, or why the text is not one. */
export function parseDateTime(text: string): DateTimeParse {
  const match = rfc3339.exec(text);
  if (match === null) return { problem: `must be an RFC 3339 date-time with a time zone, e.g. ${EXAMPLE}` };
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const fraction = match[7] ?? '';
  if (month < 1 || month > 12) return { problem: 'has no such month' };
  if (day < 1 || day > daysInMonth(year, month))
    return { problem: `has no such day: ${match[1]}-${match[2]} has ${daysInMonth(year, month)} days` };
  // A leap second (:60) is valid RFC 3339 but no JavaScript or PostgreSQL instant; it is refused rather than moved.
  if (hour > 23 || minute > 59 || second > 59) return { problem: 'has no such time of day' };
  let offsetMinutes = 0;
  if (match[8] === undefined) {
    const [offsetHour, offsetMinute] = [Number(match[10]), Number(match[11])];
    if (offsetHour > 23 || offsetMinute > 59) return { problem: 'has no such time zone offset' };
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  }
  const instant = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read the years 0 to 99 as 1900 to 1999.
  instant.setUTCFullYear(year, month - 1, day);
  instant.setUTCHours(hour, minute - offsetMinutes, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  return { instant };
}

/** The text clients read: UTC with milliseconds, in the four-digit years RFC 3339 allows. */
function formatted(instant: Date): string | undefined {
  const time = instant.getTime();
  if (Number.isNaN(time)) return undefined;
  const year = instant.getUTCFullYear();
  return year < 0 || year > 9999 ? undefined : instant.toISOString();
}

// BAD_USER_INPUT like every input refusal; graphql-js puts the variable's name and path before the message.
const refused = (value: string, problem: string, node?: ValueNode) =>
  new GraphQLError(`DateTime ${value} ${problem}.`, {
    ...(node === undefined ? {} : { nodes: node }),
    extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: httpStatusFor(ErrorCode.BAD_USER_INPUT) } },
  });

function parsedInput(value: unknown, node?: ValueNode): Date {
  if (typeof value !== 'string')
    throw refused(node === undefined ? (JSON.stringify(value) ?? String(value)) : print(node), `must be a string, e.g. "${EXAMPLE}"`, node);
  const parsed = parseDateTime(value);
  if ('problem' in parsed) throw refused(JSON.stringify(value), parsed.problem, node);
  if (formatted(parsed.instant) === undefined) throw refused(JSON.stringify(value), 'is outside the years 0000 to 9999 once in UTC', node);
  return parsed.instant;
}

/**
 * The `DateTime` scalar of every subgraph (federation requires one definition).
 * Resolvers may return a Date or an RFC 3339 string; what they return is always
 * answered as UTC with milliseconds, so every timestamp a client reads looks the
 * same. Anything else is a bug, answered as an internal error. Input arrives in
 * resolvers as a Date; a malformed value is BAD_USER_INPUT naming the problem.
 * Its description and @specifiedBy live in each schema.graphql, which composition reads.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize(value) {
    const parsed = typeof value === 'string' ? parseDateTime(value) : undefined;
    const instant = value instanceof Date ? value : parsed !== undefined && 'instant' in parsed ? parsed.instant : undefined;
    const text = instant === undefined ? undefined : formatted(instant);
    if (text === undefined)
      throw new GraphQLError(`DateTime cannot represent ${value instanceof Date ? 'an invalid Date' : JSON.stringify(value)}.`);
    return text;
  },
  parseValue: (value) => parsedInput(value),
  parseLiteral(node) {
    return parsedInput(node.kind === Kind.STRING ? node.value : null, node);
  },
});
