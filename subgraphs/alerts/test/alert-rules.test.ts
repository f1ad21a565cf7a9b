import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { escalationLevels, ruleSettings } from '../src/rules/rule-input.js';
import { defaultClearThreshold, judge } from '../src/rules/rule-kinds.js';

function problems(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    if (error instanceof GraphQLError) return error.extensions['fields'];
    throw error;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('alert rule settings', () => {
  it('refuse a window that is not 1 to 1440 whole minutes', () => {
    for (const windowMinutes of [0, -5, 1.5, 1441]) {
      expect(problems(() => ruleSettings('PAYMENT_FAILURE_RATE', { name: 'Pagamentos', threshold: 20, windowMinutes }))).toEqual([
        { field: 'input.windowMinutes', message: 'must be a whole number of minutes from 1 to 1440' },
      ]);
    }
  });

  it('refuse a threshold the kind cannot reach', () => {
    expect(problems(() => ruleSettings('PAYMENT_FAILURE_RATE', { name: 'x', threshold: 120, windowMinutes: 5 }))).toEqual([
      { field: 'input.threshold', message: 'must be a percentage above 0 and at most 100' },
    ]);
    expect(problems(() => ruleSettings('PAYMENT_FAILURE_RATE', { name: 'x', threshold: 0, windowMinutes: 5 }))).toHaveLength(1);
    expect(problems(() => ruleSettings('COURIER_NOT_FOUND', { name: 'x', threshold: 2.5, windowMinutes: 5 }))).toEqual([
      { field: 'input.threshold', message: 'must be a whole count of at least 1' },
    ]);
    expect(problems(() => ruleSettings('LOW_STOCK', { name: 'x', threshold: -1, windowMinutes: 5 }))).toHaveLength(1);
  });

  it('refuse a clear threshold on the wrong side of the threshold, and report every problem at once', () => {
    expect(
      problems(() => ruleSettings('PAYMENT_FAILURE_RATE', { name: 'x', threshold: 20, clearThreshold: 25, windowMinutes: 5 })),
    ).toEqual([{ field: 'input.clearThreshold', message: 'must be at least 0 and below the threshold' }]);
    expect(problems(() => ruleSettings('LOW_STOCK', { name: 'x', threshold: 5, clearThreshold: 5, windowMinutes: 5 }))).toEqual([
      { field: 'input.clearThreshold', message: 'must be above the threshold' },
    ]);
    expect(problems(() => ruleSettings('DEAD_LETTERS', { name: '', threshold: 0, windowMinutes: 0 }))).toHaveLength(3);
  });

  it('give a default hysteresis band: half the threshold when rising, twice it when falling', () => {
    expect(ruleSettings('PAYMENT_FAILURE_RATE', { name: 'x', threshold: 20, windowMinutes: 5 }).clearThreshold).toBe(10);
    expect(defaultClearThreshold('ORDER_NOT_CONFIRMED', 1)).toBe(0);
    expect(defaultClearThreshold('LOW_STOCK', 5)).toBe(10);
    expect(defaultClearThreshold('LOW_STOCK', 0)).toBe(1);
  });

  it('recompute the band when an update changes the threshold without one, and keep it otherwise', () => {
    const current = ruleSettings('PAYMENT_FAILURE_RATE', { name: 'x', threshold: 20, clearThreshold: 15, windowMinutes: 5 });
    expect(ruleSettings('PAYMENT_FAILURE_RATE', { windowMinutes: 10 }, current).clearThreshold).toBe(15);
    expect(ruleSettings('PAYMENT_FAILURE_RATE', { threshold: 40 }, current).clearThreshold).toBe(20);
  });

  it('refuse escalation levels without recipients or with an invalid acknowledgement time', () => {
    expect(problems(() => escalationLevels('On-call', [{ recipientUserIds: [], acknowledgeWithinMinutes: 0 }]))).toHaveLength(2);
    expect(problems(() => escalationLevels('On-call', []))).toEqual([{ field: 'input.levels', message: 'must hold 1 to 5 levels' }]);
  });
});

describe('hysteresis', () => {
  it('keeps a value flapping around the threshold one incident: it breaches at the threshold and clears only at the clear threshold', () => {
    // Failure rate, threshold 20 %, clear 10 %: 21, 19, 20.5, 18, 12 hold the alert open; 9 resolves it.
    const verdicts = [21, 19, 20.5, 18, 12, 9].map((value) => judge('RISING', 20, 10, value));
    expect(verdicts).toEqual(['BREACH', 'HOLD', 'BREACH', 'HOLD', 'HOLD', 'CLEAR']);
  });

  it('mirrors the band for falling values such as stock', () => {
    expect([5, 6, 5, 9, 10].map((value) => judge('FALLING', 5, 10, value))).toEqual(['BREACH', 'HOLD', 'BREACH', 'HOLD', 'CLEAR']);
  });
});
