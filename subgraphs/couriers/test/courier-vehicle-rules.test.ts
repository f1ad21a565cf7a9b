import { describe, expect, it } from 'vitest';
import { carriedClasses, DEFAULT_VEHICLE_CYLINDER_CLASSES, parseVehicleCylinderRules } from '../src/profiles/vehicles.js';

describe('vehicle cylinder rules (COURIERS_VEHICLE_CYLINDER_CLASSES)', () => {
  it('default to a motorcycle only P13, a car nothing, a cargo bike the small classes, the rest everything', () => {
    const rules = parseVehicleCylinderRules(DEFAULT_VEHICLE_CYLINDER_CLASSES);
    expect(carriedClasses(rules, 'MOTORCYCLE')).toEqual(['P13']);
    expect(carriedClasses(rules, 'CAR')).toEqual([]);
    expect(carriedClasses(rules, 'CARGO_BIKE')).toEqual(['P2', 'P5', 'P8']);
    for (const vehicle of ['PICKUP', 'VAN', 'TRUCK'] as const) {
      expect(carriedClasses(rules, vehicle)).toEqual(['P2', 'P5', 'P8', 'P13', 'P20', 'P45', 'P90']);
    }
  });

  it('can be changed, and lists classes in size order whatever order they are written in', () => {
    const rules = parseVehicleCylinderRules('CARGO_BIKE=P13, P5;MOTORCYCLE=;CAR=P2;PICKUP=*;VAN=*;TRUCK=P90');
    expect(carriedClasses(rules, 'CARGO_BIKE')).toEqual(['P5', 'P13']);
    expect(carriedClasses(rules, 'MOTORCYCLE')).toEqual([]);
    expect(carriedClasses(rules, 'TRUCK')).toEqual(['P90']);
  });

  it('refuses an unknown vehicle or class, a vehicle named twice or left out', () => {
    expect(() => parseVehicleCylinderRules('BOAT=P13')).toThrow(/not VEHICLE=CLASSES/);
    expect(() => parseVehicleCylinderRules(DEFAULT_VEHICLE_CYLINDER_CLASSES.replace('MOTORCYCLE=P13', 'MOTORCYCLE=P14'))).toThrow(
      /"P14" is not a cylinder class/,
    );
    expect(() => parseVehicleCylinderRules(`${DEFAULT_VEHICLE_CYLINDER_CLASSES};CAR=P13`)).toThrow(/CAR is named twice/);
    expect(() => parseVehicleCylinderRules('MOTORCYCLE=P13')).toThrow(/CARGO_BIKE, CAR, PICKUP, VAN, TRUCK missing/);
  });
});
