import { pino, type Logger, type LevelWithSilent } from 'pino';
import { activeTraceIds } from './observability/trace-context.js';

export type { Logger };

/**
 * Paths whose values are personal data or credentials. They are removed from
 * every log line, wherever in the structure they appear one level deep.
 */
const redactedPaths = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'secret',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.authorization',
  '*.secret',
  'headers.authorization',
  'headers["x-gateway-credential"]',
  'variables.*.password',
  'variables.*.refreshToken',
];

export interface LoggerOptions {
  service: string;
  level: LevelWithSilent;
  /** Where lines go; standard output unless a test captures them. */
  destination?: NodeJS.WritableStream;
}

/**
 * Structured JSON logs: one object per line, with the service name on every
 * line, and the trace and span ids (`traceId`, `spanId`) of the span active
 * when the line is written, if any; request loggers add `correlationId`.
 */
export function createLogger({ service, level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactedPaths, remove: true },
      mixin: activeTraceIds,
    },
    destination ?? pino.destination({ sync: false }),
  );
}
