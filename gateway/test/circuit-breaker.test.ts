import { describe, expect, it } from 'vitest';
import type { CircuitBreakerSettings } from '../src/config.js';
import { CircuitBreaker, type CircuitState } from '../src/resilience/circuit-breaker.js';

const settings: CircuitBreakerSettings = {
  failureThreshold: 3,
  failureRate: 0.5,
  minimumRequests: 10,
  windowMs: 10_000,
  coolDownMs: 1_000,
  halfOpenProbes: 1,
};

function breaker(overrides: Partial<CircuitBreakerSettings> = {}) {
  let now = 0;
  const transitions: Array<[CircuitState, CircuitState]> = [];
  const circuit = new CircuitBreaker(
    { ...settings, ...overrides },
    (from, to) => transitions.push([from, to]),
    () => now,
  );
  const fail = () => circuit.tryAcquire()!.failure();
  const succeed = () => circuit.tryAcquire()!.success();
  return { circuit, transitions, fail, succeed, advance: (ms: number) => (now += ms) };
}

describe('a circuit breaker', () => {
  it('opens after the configured run of consecutive failures, and then fails fast', () => {
    const { circuit, fail, transitions } = breaker();
    fail();
    fail();
    expect(circuit.state).toBe('closed');
    fail();
    expect(circuit.state).toBe('open');
    expect(circuit.tryAcquire()).toBeUndefined();
    expect(transitions).toEqual([['closed', 'open']]);
  });

  it('starts the run again after a success', () => {
    const { circuit, fail, succeed } = breaker();
    fail();
    fail();
    succeed();
    fail();
    fail();
    expect(circuit.state).toBe('closed');
  });

  it('opens on a failure rate over the window once it holds enough requests, even without a long run', () => {
    const { circuit, fail, succeed } = breaker({ failureThreshold: 100 });
    for (let index = 0; index < 4; index += 1) {
      succeed();
      fail();
    }
    expect(circuit.state).toBe('closed');
    succeed();
    fail();
    expect(circuit.state).toBe('open');
  });

  it('forgets failures older than the window', () => {
    const { circuit, fail, succeed, advance } = breaker({ failureThreshold: 100 });
    for (let index = 0; index < 9; index += 1) fail();
    advance(11_000);
    for (let index = 0; index < 9; index += 1) succeed();
    fail();
    expect(circuit.state).toBe('closed');
  });

  it('lets one probe through after the cool-down, and closes when it succeeds', () => {
    const { circuit, fail, advance, transitions } = breaker();
    for (let index = 0; index < 3; index += 1) fail();
    advance(999);
    expect(circuit.tryAcquire()).toBeUndefined();
    advance(1);
    expect(circuit.state).toBe('half-open');
    const probe = circuit.tryAcquire();
    expect(probe).toBeDefined();
    expect(circuit.tryAcquire()).toBeUndefined();
    probe!.success();
    expect(circuit.state).toBe('closed');
    expect(transitions).toEqual([
      ['closed', 'open'],
      ['open', 'half-open'],
      ['half-open', 'closed'],
    ]);
  });

  it('opens again for another cool-down when the probe fails', () => {
    const { circuit, fail, advance } = breaker();
    for (let index = 0; index < 3; index += 1) fail();
    advance(1_000);
    circuit.tryAcquire()!.failure();
    expect(circuit.state).toBe('open');
    advance(999);
    expect(circuit.tryAcquire()).toBeUndefined();
    advance(1);
    expect(circuit.tryAcquire()).toBeDefined();
  });

  it('ignores outcomes of requests let through before the circuit changed', () => {
    const { circuit, fail, advance } = breaker();
    const slow = circuit.tryAcquire()!;
    for (let index = 0; index < 3; index += 1) fail();
    advance(1_000);
    const probe = circuit.tryAcquire()!;
    // The slow request fails late: it must neither reopen the circuit nor use up the probe.
    slow.failure();
    expect(circuit.state).toBe('half-open');
    probe.success();
    expect(circuit.state).toBe('closed');
  });

  it('counts a permit once, however often it is settled', () => {
    const { circuit } = breaker();
    const permit = circuit.tryAcquire()!;
    for (let index = 0; index < 5; index += 1) permit.failure();
    expect(circuit.state).toBe('closed');
  });
});
