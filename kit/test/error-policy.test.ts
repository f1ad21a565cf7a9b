import type { GraphQLFormattedError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/errors.js';
import { formatClientError, UNEXPECTED_ERROR_MESSAGE } from '../src/graphql/error-policy.js';

const transportDetails = {
  stacktrace: ['Error: boom', '    at resolver (/app/src/resolvers.ts:12:3)'],
  exception: { message: 'internal' },
  http: { status: 400 },
  response: { status: 500, body: '{"secret":"internal"}' },
};

describe('formatClientError', () => {
  it('passes a known code through with its message and extra extensions, minus transport details', () => {
    const fields = [{ field: 'input.email', message: 'is not a valid email address' }];
    const formatted: GraphQLFormattedError = {
      message: 'Invalid input. input.email: is not a valid email address',
      path: ['register'],
      locations: [{ line: 1, column: 12 }],
      extensions: { code: 'BAD_USER_INPUT', fields, ...transportDetails },
    };
    expect(formatClientError(formatted)).toEqual({
      message: formatted.message,
      path: ['register'],
      locations: [{ line: 1, column: 12 }],
      extensions: { code: 'BAD_USER_INPUT', fields },
    });
  });

  it.each(Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR))(
    'keeps the client-facing code %s',
    (code) => {
      const result = formatClientError({ message: 'something specific', extensions: { code } });
      expect(result).toEqual({ message: 'something specific', extensions: { code } });
    },
  );

  it.each(['stacktrace', 'exception', 'http', 'response'])('never lets %s reach a client', (key) => {
    const known = formatClientError({ message: 'm', extensions: { code: 'NOT_FOUND', [key]: 'x' } });
    const masked = formatClientError({ message: 'm', extensions: { code: 'SOMETHING_ELSE', [key]: 'x' } });
    expect(known.extensions).not.toHaveProperty(key);
    expect(masked.extensions).not.toHaveProperty(key);
  });

  it('masks an unknown code behind the generic message and INTERNAL_SERVER_ERROR', () => {
    const result = formatClientError({
      message: 'connect ECONNREFUSED 10.0.0.7:5432',
      path: ['me', 'orders'],
      locations: [{ line: 2, column: 3 }],
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'accounts', ...transportDetails },
    });
    expect(result).toEqual({
      message: UNEXPECTED_ERROR_MESSAGE,
      path: ['me', 'orders'],
      locations: [{ line: 2, column: 3 }],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('masks an INTERNAL_SERVER_ERROR, whose message may hold internals', () => {
    const result = formatClientError({
      message: 'relation "users" does not exist',
      extensions: { code: 'INTERNAL_SERVER_ERROR', query: 'select * from users' },
    });
    expect(result).toEqual({ message: UNEXPECTED_ERROR_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('masks an error without extensions or with a non-string code', () => {
    expect(formatClientError({ message: 'TypeError: x is undefined' })).toEqual({
      message: UNEXPECTED_ERROR_MESSAGE,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(formatClientError({ message: 'odd', extensions: { code: 42 } }).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('maps OPERATION_RESOLUTION_FAILURE onto BAD_REQUEST and keeps the message', () => {
    const result = formatClientError({
      message: 'Could not determine what operation to execute.',
      extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } },
    });
    expect(result).toEqual({ message: 'Could not determine what operation to execute.', extensions: { code: 'BAD_REQUEST' } });
  });

  it('maps PERSISTED_QUERY_NOT_SUPPORTED onto BAD_REQUEST', () => {
    expect(formatClientError({ message: 'm', extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } }).extensions).toEqual({
      code: 'BAD_REQUEST',
    });
  });
});
