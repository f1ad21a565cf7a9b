import type { AlertRuleKind } from '../database.js';

/** RISING kinds trigger when the value reaches the threshold; FALLING ones when it falls to it. */
export type Direction = 'RISING' | 'FALLING';

export interface KindSpec {
  direction: Direction;
  /** Whether the value is a whole count (thresholds must be integers). */
  integral: boolean;
  /** The smallest and largest threshold that makes sense. */
  minThreshold: number;
  maxThreshold: number;
  /** The value in words, for summaries: `value` is the condition's current value. */
  describe(value: number, windowMinutes: number): string;
}

export const ruleKinds: Readonly<Record<AlertRuleKind, KindSpec>> = {
  PAYMENT_FAILURE_RATE: {
    direction: 'RISING',
    integral: false,
    minThreshold: Number.MIN_VALUE,
    maxThreshold: 100,
    describe: (value, window) => `${value.toFixed(1)}% of payments failed over the last ${window} minutes`,
  },
  ORDER_NOT_CONFIRMED: {
    direction: 'RISING',
    integral: true,
    minThreshold: 1,
    maxThreshold: 1_000_000,
    describe: (value, window) => `${value} order(s) not confirmed within ${window} minutes`,
  },
  DELIVERY_LATE: {
    direction: 'RISING',
    integral: true,
    minThreshold: 1,
    maxThreshold: 1_000_000,
    describe: (value, window) =>
      `${value} order(s) late: past the time promised to the customer, or (without a promise) not delivered within ${window} minutes of confirmation`,
  },
  COURIER_NOT_FOUND: {
    direction: 'RISING',
    integral: true,
    minThreshold: 1,
    maxThreshold: 1_000_000,
    describe: (value, window) => `${value} order(s) found no courier over the last ${window} minutes`,
  },
  LOW_STOCK: {
    direction: 'FALLING',
    integral: true,
    minThreshold: 0,
    maxThreshold: 1_000_000,
    describe: (value) => `stock down to ${value}`,
  },
  DEAD_LETTERS: {
    direction: 'RISING',
    integral: true,
    minThreshold: 1,
    maxThreshold: 1_000_000,
    describe: (value, window) => `${value} message(s) dead-lettered over the last ${window} minutes`,
  },
  STORE_NOT_ANSWERING: {
    direction: 'RISING',
    integral: true,
    minThreshold: 1,
    maxThreshold: 1_000_000,
    describe: (value, window) => `${value} order(s) cancelled over the last ${window} minutes because the store did not answer`,
  },
};

/** The default hysteresis band: half the threshold for rising kinds, twice it (at least one more) for falling ones. */
export function defaultClearThreshold(kind: AlertRuleKind, threshold: number): number {
  const spec = ruleKinds[kind];
  if (spec.direction === 'FALLING') return Math.max(threshold * 2, threshold + 1);
  return spec.integral ? Math.floor(threshold / 2) : threshold / 2;
}

/** Whether a value breaches the rule (an alert triggers) or clears it (an alert resolves); neither inside the band. */
export function judge(direction: Direction, threshold: number, clearThreshold: number, value: number): 'BREACH' | 'CLEAR' | 'HOLD' {
  if (direction === 'RISING') return value >= threshold ? 'BREACH' : value <= clearThreshold ? 'CLEAR' : 'HOLD';
  return value <= threshold ? 'BREACH' : value >= clearThreshold ? 'CLEAR' : 'HOLD';
}
