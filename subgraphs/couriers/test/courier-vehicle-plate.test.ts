import { describe, expect, it } from 'vitest';
import { normaliseVehiclePlate } from '../src/profiles/vehicle-plate.js';

describe('normaliseVehiclePlate', () => {
  it.each([
    ['ABC1234', 'ABC1234'],
    ['ABC-1234', 'ABC1234'],
    ['abc-1234', 'ABC1234'],
    ['ABC 1234', 'ABC1234'],
    ['  abc1234 ', 'ABC1234'],
    ['ABC1234\n', 'ABC1234'],
    ['BRA2E19', 'BRA2E19'],
    ['bra2e19', 'BRA2E19'],
    ['BRA-2E19', 'BRA2E19'],
  ])('stores %j as %j', (written, stored) => {
    expect(normaliseVehiclePlate(written)).toBe(stored);
  });

  it.each([
    ['', 'empty'],
    ['AB1234', 'two letters'],
    ['ABCD123', 'four letters'],
    ['ABC123', 'three digits'],
    ['ABC12345', 'five digits'],
    ['ABC1DE3', 'two letters where Mercosul has one'],
    ['ABCA234', 'a letter in the fourth place'],
    ['ABC12D3', 'a letter in the sixth place'],
    ['AB-C1234', 'a separator inside the letters'],
    ['ABC--1234', 'two separators'],
    ['ÁBC1234', 'an accented letter'],
  ])('refuses %j (%s)', (written) => {
    expect(normaliseVehiclePlate(written)).toBeNull();
  });
});
