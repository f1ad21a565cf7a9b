import { describe, expect, it } from 'vitest';
import { failedFetch } from '../src/resilience/failed-fetch.js';
import { retryDelayMs } from '../src/resilience/retry-policy.js';
import { classifySubgraphFailure, SubgraphStatusError } from '../src/resilience/subgraph-failure.js';

const withCode = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('classifying a failed subgraph call', () => {
  it.each([
    ['a refused connection', new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') }), 'unreachable', true],
    ['a reset connection', new TypeError('fetch failed', { cause: withCode('ECONNRESET') }), 'unreachable', true],
    ['a socket closed by the other side', new TypeError('fetch failed', { cause: withCode('UND_ERR_SOCKET') }), 'unreachable', true],
    ['the call’s deadline', new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout', false],
    ['a 503', new SubgraphStatusError('down', 503, {}), 'server-error', true],
    ['a 500', new SubgraphStatusError('bug', 500, {}), 'server-error', false],
    ['a body that is not JSON', new SyntaxError('Unexpected token < in JSON'), 'broken-response', false],
  ])('counts %s as a failure, retryable: %s', (_name, error, kind, retryable) => {
    expect(classifySubgraphFailure(error)).toEqual({ kind, retryable });
  });

  it('does not count a subgraph that refused the request (4xx) as failed', () => {
    expect(classifySubgraphFailure(new SubgraphStatusError('sign in', 401, { code: 'UNAUTHENTICATED' }))).toBeUndefined();
    expect(classifySubgraphFailure(new SubgraphStatusError('no', 403, { code: 'FORBIDDEN' }))).toBeUndefined();
  });
});

describe('retry delays', () => {
  const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('grow exponentially up to the maximum, between half and all of each step', () => {
    expect([1, 2, 3, 4, 5].map((retry) => retryDelayMs(retry, policy, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
    expect([1, 2, 3, 4, 5].map((retry) => retryDelayMs(retry, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
  });
});

describe('the answer of a fetch that could not be made', () => {
  const failure = { code: 'SERVICE_UNAVAILABLE' as const, message: 'down' };

  it('puts one error on each root field of a root fetch, under its response key', () => {
    const response = failedFetch({ query: `query { me { id } list: users { totalCount } __typename }` }, failure);
    expect(response.errors).toEqual([
      { message: 'down', path: ['me'], extensions: { code: 'SERVICE_UNAVAILABLE' } },
      { message: 'down', path: ['list'], extensions: { code: 'SERVICE_UNAVAILABLE' } },
    ]);
    expect(response.data).toBeUndefined();
  });

  it('puts one error on each entity of an entity fetch, for @apollo/gateway to place', () => {
    const response = failedFetch(
      {
        query: `query($representations:[_Any!]!){_entities(representations:$representations){...on User{name}}}`,
        variables: { representations: [{}, {}] },
      },
      failure,
    );
    expect(response.errors?.map((error) => error.path)).toEqual([
      ['_entities', 0],
      ['_entities', 1],
    ]);
  });
});
