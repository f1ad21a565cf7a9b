import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  appError,
  defineErrorCodes,
  ErrorCode,
  forbidden,
  httpStatusFor,
  invalidInput,
  isErrorCode,
  notFound,
  registerErrorCodes,
  registeredErrorCodes,
  unauthenticated,
} from '../src/errors.js';

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

describe('domain error codes', () => {
  const closed = { status: 422, description: 'The depot is closed; `extensions.nextOpensAt` says when it opens.' };

  it('join the closed set with their own HTTP status and owner', () => {
    expect(isErrorCode('REGISTRY_DEPOT_CLOSED')).toBe(false);
    expect(httpStatusFor('REGISTRY_DEPOT_CLOSED')).toBe(500);
    registerErrorCodes('depots', { REGISTRY_DEPOT_CLOSED: closed, REGISTRY_ORDER_TAKEN: { status: 409, description: 'Taken.' } });
    expect(isErrorCode('REGISTRY_DEPOT_CLOSED')).toBe(true);
    expect(httpStatusFor('REGISTRY_DEPOT_CLOSED')).toBe(422);
    expect(httpStatusFor('REGISTRY_ORDER_TAKEN')).toBe(409);
    expect(registeredErrorCodes().get('REGISTRY_DEPOT_CLOSED')).toEqual({ ...closed, owner: 'depots' });
  });

  it('may be registered again by their owner (a module imported twice), never by another subgraph', () => {
    registerErrorCodes('depots', { REGISTRY_DEPOT_FULL: closed });
    expect(() => registerErrorCodes('depots', { REGISTRY_DEPOT_FULL: closed })).not.toThrow();
    expect(() => registerErrorCodes('couriers', { REGISTRY_DEPOT_FULL: closed })).toThrow(
      'error code REGISTRY_DEPOT_FULL is already defined by depots',
    );
    expect(registeredErrorCodes().get('REGISTRY_DEPOT_FULL')?.owner).toBe('depots');
  });

  it("refuse the kit's own codes, names not in UPPER_SNAKE_CASE, a status that is not 4xx and an empty description", () => {
    expect(() => registerErrorCodes('depots', { CONFLICT: { status: 409, description: 'Again.' } })).toThrow("CONFLICT is the kit's own");
    expect(() => registerErrorCodes('depots', { depotClosed: closed })).toThrow('must be UPPER_SNAKE_CASE');
    for (const status of [200, 302, 500, 503, 422.5]) {
      expect(() => registerErrorCodes('depots', { REGISTRY_DEPOT_BROKEN: { status, description: 'Broken.' } }), String(status)).toThrow(
        'is not a 4xx client error',
      );
    }
    expect(() => registerErrorCodes('depots', { REGISTRY_DEPOT_BROKEN: { status: 422, description: ' ' } })).toThrow('needs a description');
    expect(isErrorCode('REGISTRY_DEPOT_BROKEN')).toBe(false);
    // The kit's status stays the kit's.
    expect(httpStatusFor('CONFLICT')).toBe(409);
  });

  it('raise, through the builder of their owner, an error carrying the code and its status', () => {
    const refusals = defineErrorCodes('depots', { REGISTRY_BELOW_MINIMUM: closed });
    const error = refusals.error('REGISTRY_BELOW_MINIMUM', 'The order is below the minimum.', { minimumOrderAmount: 5000 });
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.extensions).toEqual({ code: 'REGISTRY_BELOW_MINIMUM', http: { status: 422 }, minimumOrderAmount: 5000 });
    expect(isErrorCode('REGISTRY_BELOW_MINIMUM')).toBe(true);
  });
});
