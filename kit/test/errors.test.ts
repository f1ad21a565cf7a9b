import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { appError, ErrorCode, forbidden, httpStatusFor, invalidInput, isErrorCode, notFound, unauthenticated } from '../src/errors.js';

describe('error codes', () => {
  it('gives every code an HTTP status', () => {
    for (const code of Object.values(ErrorCode)) {
      const status = httpStatusFor(code);
      expect(Number.isInteger(status), code).toBe(true);
      expect(status, code).toBeGreaterThanOrEqual(200);
      expect(status, code).toBeLessThan(600);
    }
  });

  it('names each code after itself', () => {
    for (const [key, value] of Object.entries(ErrorCode)) expect(value).toBe(key);
  });

  it.each([
    ['UNAUTHENTICATED', 401],
    ['FORBIDDEN', 403],
    ['BAD_USER_INPUT', 400],
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['RATE_LIMITED', 429],
    ['SERVICE_UNAVAILABLE', 503],
    ['INTERNAL_SERVER_ERROR', 500],
    ['MFA_REQUIRED', 403],
    ['VERIFICATION_REQUIRED', 403],
    ['UNSUPPORTED_MEDIA_TYPE', 415],
  ] as const)('answers %s with HTTP %i', (code, status) => {
    expect(httpStatusFor(code)).toBe(status);
  });

  it('recognises exactly the codes of the closed set', () => {
    for (const code of Object.values(ErrorCode)) expect(isErrorCode(code)).toBe(true);
    for (const value of ['DOWNSTREAM_SERVICE_ERROR', 'toString', 'constructor', '', 'not_found', 404, undefined, null]) {
      expect(isErrorCode(value), String(value)).toBe(false);
    }
  });
});

describe('appError', () => {
  it('sets extensions.code and the HTTP status for the code', () => {
    const error = appError(ErrorCode.CONFLICT, 'That email is already registered.');
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.message).toBe('That email is already registered.');
    expect(error.extensions).toEqual({ code: 'CONFLICT', http: { status: 409 } });
  });

  it('keeps extra extensions but never lets them override the code or status', () => {
    const error = appError(ErrorCode.NOT_FOUND, 'gone', { code: 'SPOOFED', http: { status: 200 }, resource: 'Order' });
    expect(error.extensions).toEqual({ code: 'NOT_FOUND', http: { status: 404 }, resource: 'Order' });
  });

  it('builds BAD_USER_INPUT listing every field problem', () => {
    const problems = [
      { field: 'input.email', message: 'is not valid' },
      { field: 'input.name', message: 'is too short' },
    ];
    const error = invalidInput(problems);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', http: { status: 400 }, fields: problems });
    expect(error.message).toBe('Invalid input. input.email: is not valid; input.name: is too short');
  });

  it('offers shorthands with the matching codes', () => {
    expect(unauthenticated().extensions['code']).toBe('UNAUTHENTICATED');
    expect(forbidden().extensions).toMatchObject({ code: 'FORBIDDEN', http: { status: 403 } });
    expect(notFound('Order 42')).toMatchObject({ message: 'Order 42 was not found.', extensions: { code: 'NOT_FOUND' } });
  });
});
