import { GraphQLError } from 'graphql';

/**
 * The closed set of error codes a client of the GasRápido API can see in
 * `errors[].extensions.code`. Every code has one HTTP status; docs/errors.md
 * documents what each one means and what a client should do about it.
 */
export const ErrorCode = {
  /** The request carried no valid credentials, or the credentials are invalid. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The caller is known but not allowed to do this. */
  FORBIDDEN: 'FORBIDDEN',
  /** The input failed validation; `extensions.fields` says which field and why. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The thing asked for does not exist, or the caller may not know that it exists. */
  NOT_FOUND: 'NOT_FOUND',
  /** The change conflicts with existing state (a duplicate email, a stale version). */
  CONFLICT: 'CONFLICT',
  /** The caller sent too many requests; retry after `Retry-After` seconds. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The GraphQL document could not be parsed. */
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  /** The GraphQL document is not valid against the schema. */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** An automatic persisted query's hash is unknown; resend it with the full query. */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** The HTTP request itself is malformed (method, content type, body). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** A service the request needs did not answer in time or at all. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** An unexpected failure; the logs hold the details under the request's correlation id. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** The request body is larger than the gateway accepts (`MAX_REQUEST_BODY_BYTES`). */
  REQUEST_TOO_LARGE: 'REQUEST_TOO_LARGE',
  /** The operation nests fields deeper than the gateway allows; `extensions.maxDepth` says how deep. */
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  /** The operation uses more field aliases than the gateway allows. */
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  /** The operation selects more root fields than the gateway allows in one request. */
  TOO_MANY_ROOT_FIELDS: 'TOO_MANY_ROOT_FIELDS',
  /** The document has more lexical tokens than the gateway parses; parsing stopped early. */
  TOO_MANY_TOKENS: 'TOO_MANY_TOKENS',
  /** The operation's estimated cost (list sizes from `first`) is above the gateway's limit. */
  QUERY_TOO_COSTLY: 'QUERY_TOO_COSTLY',
  /** Safelist mode: the operation is not in the registered persisted-query manifest. */
  PERSISTED_QUERY_NOT_IN_LIST: 'PERSISTED_QUERY_NOT_IN_LIST',
  /**
   * The operation needs multi-factor authentication: the account must enrol (`extensions.reason`
   * ENROLMENT_REQUIRED), or the session's second factor is missing or too old (STEP_UP_REQUIRED).
   */
  MFA_REQUIRED: 'MFA_REQUIRED',
  /** The caller's supplier or courier documents have not been approved yet. */
  VERIFICATION_REQUIRED: 'VERIFICATION_REQUIRED',
  /** An uploaded file is not one of the accepted types (judged by its bytes, not its name). */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const statusByCode: Readonly<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  PERSISTED_QUERY_NOT_FOUND: 200,
  BAD_REQUEST: 400,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
  REQUEST_TOO_LARGE: 413,
  QUERY_TOO_DEEP: 400,
  TOO_MANY_ALIASES: 400,
  TOO_MANY_ROOT_FIELDS: 400,
  TOO_MANY_TOKENS: 400,
  QUERY_TOO_COSTLY: 400,
  PERSISTED_QUERY_NOT_IN_LIST: 400,
  MFA_REQUIRED: 403,
  VERIFICATION_REQUIRED: 403,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

/** A refusal a domain defines beside the kit's codes: its HTTP status and what a client does about it. */
export interface DomainErrorCodeSpec {
  status: number;
  /** For docs/errors.md: when the code is sent and what `extensions` carries to recover. */
  description: string;
}

/** Domain codes by code, with the subgraph that defined each: added by `defineErrorCodes` and `registerErrorCodes`. */
const domainCodes = new Map<string, DomainErrorCodeSpec & { owner: string }>();

/**
 * Adds codes to the closed set. Each is defined once, by the subgraph that refuses with it, beside
 * its code (`src/errors.ts`); a code the kit owns, or another subgraph defined, cannot be defined again.
 */
export function registerErrorCodes(owner: string, codes: Readonly<Record<string, DomainErrorCodeSpec>>): void {
  for (const [code, spec] of Object.entries(codes)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new Error(`error code ${code} must be UPPER_SNAKE_CASE`);
    if (Object.hasOwn(statusByCode, code)) throw new Error(`error code ${code} is the kit's own`);
    // A domain refusal is the client's to recover from (422 a business rule, 409 a state conflict), never a server fault.
    if (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 499)
      throw new Error(`error code ${code}: status ${spec.status} is not a 4xx client error`);
    if (spec.description.trim() === '') throw new Error(`error code ${code} needs a description for docs/errors.md`);
    const existing = domainCodes.get(code);
    if (existing !== undefined && existing.owner !== owner) throw new Error(`error code ${code} is already defined by ${existing.owner}`);
    domainCodes.set(code, { ...spec, owner });
  }
}

/** Every domain code registered in this process, with its owner. */
export function registeredErrorCodes(): ReadonlyMap<string, DomainErrorCodeSpec & { owner: string }> {
  return domainCodes;
}

/**
 * A subgraph's own refusals: registers them and returns a builder typed on them, so a subgraph
 * can raise only the codes it defined.
 */
export function defineErrorCodes<const Codes extends Record<string, DomainErrorCodeSpec>>(owner: string, codes: Codes) {
  registerErrorCodes(owner, codes);
  return {
    codes,
    error: (code: keyof Codes & string, message: string, extensions: Record<string, unknown> = {}): GraphQLError =>
      new GraphQLError(message, { extensions: { ...extensions, code, http: { status: codes[code]!.status } } }),
  };
}

export function httpStatusFor(code: ErrorCode | string): number {
  return (statusByCode as Readonly<Record<string, number>>)[code] ?? domainCodes.get(code)?.status ?? 500;
}

/** Whether a code is in the closed set: the kit's own, or a domain code registered in this process. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (Object.hasOwn(statusByCode, value) || domainCodes.has(value));
}

/** One invalid input field, reported in `extensions.fields`. */
export interface FieldProblem {
  /** Dotted path of the input field, e.g. `input.email`. */
  field: string;
  /** What is wrong, phrased so a client developer can act on it. */
  message: string;
}

/**
 * Builds the GraphQL error a client sees. `extensions.http` is read by Apollo
 * Server to set the HTTP status and is not sent to clients.
 */
export function appError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, {
    extensions: { ...extensions, code, http: { status: httpStatusFor(code) } },
  });
}

export function invalidInput(problems: FieldProblem[]): GraphQLError {
  const summary = problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
  return appError(ErrorCode.BAD_USER_INPUT, `Invalid input. ${summary}`, { fields: problems });
}

export const unauthenticated = (message = 'Sign in to do this: send a valid access token as `Authorization: Bearer <token>`.') =>
  appError(ErrorCode.UNAUTHENTICATED, message);

export const forbidden = (message = 'You are not allowed to do this.') => appError(ErrorCode.FORBIDDEN, message);

export const notFound = (what: string) => appError(ErrorCode.NOT_FOUND, `${what} was not found.`);

/**
 * RATE_LIMITED with `extensions.retryAfter` in whole seconds, from which the
 * gateway sets the client's `Retry-After` header.
 */
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  appError(ErrorCode.RATE_LIMITED, message, { retryAfter: Math.max(1, Math.ceil(retryAfterSeconds)) });
