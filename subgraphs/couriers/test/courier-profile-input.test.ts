import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { subgraphSchemaPath } from '#kit';
import { validateCourierProfile, type CourierProfileInput } from '../src/profiles/profile-input.js';
import { capacityCeiling } from '../src/profiles/vehicles.js';

const valid: CourierProfileInput = {
  vehicleType: 'MOTORCYCLE',
  vehiclePlate: 'abc-1234',
  capacityCylinders: 2,
  serviceArea: { latitude: -23.5505, longitude: -46.6333, radiusKm: 8 },
};

function problemsOf(input: CourierProfileInput): Array<{ field: string; message: string }> {
  try {
    validateCourierProfile(input);
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions['code']).toBe('BAD_USER_INPUT');
    return (error as GraphQLError).extensions['fields'] as Array<{ field: string; message: string }>;
  }
  throw new Error('expected validateCourierProfile to refuse the input');
}

const fieldsOf = (input: CourierProfileInput) => problemsOf(input).map((problem) => problem.field);

describe('validateCourierProfile', () => {
  it('maps a valid profile to stored units, with the plate normalised and the radius in metres', () => {
    expect(validateCourierProfile(valid)).toEqual({
      vehicleType: 'MOTORCYCLE',
      vehiclePlate: 'ABC1234',
      capacityCylinders: 2,
      serviceAreaLatitude: -23.5505,
      serviceAreaLongitude: -46.6333,
      serviceAreaRadiusMeters: 8000,
    });
  });

  it('reports every invalid field at once', () => {
    const problems = problemsOf({
      vehicleType: 'VAN',
      vehiclePlate: 'AB-12',
      capacityCylinders: 0,
      serviceArea: { latitude: -91, longitude: 181, radiusKm: 0.4 },
    });
    expect(problems.map((problem) => problem.field)).toEqual([
      'input.vehiclePlate',
      'input.capacityCylinders',
      'input.serviceArea.latitude',
      'input.serviceArea.longitude',
      'input.serviceArea.radiusKm',
    ]);
    expect(problems.every((problem) => problem.message.length > 0)).toBe(true);
  });

  it('requires a plate for a motor vehicle and refuses one for a cargo bike', () => {
    expect(fieldsOf({ ...valid, vehiclePlate: null })).toEqual(['input.vehiclePlate']);
    expect(fieldsOf({ ...valid, vehiclePlate: '   ' })).toEqual(['input.vehiclePlate']);
    expect(fieldsOf({ ...valid, vehicleType: 'CARGO_BIKE', vehiclePlate: 'ABC1234' })).toEqual(['input.vehiclePlate']);
    expect(validateCourierProfile({ ...valid, vehicleType: 'CARGO_BIKE', vehiclePlate: null }).vehiclePlate).toBeNull();
  });

  it('accepts the Mercosul plate format', () => {
    expect(validateCourierProfile({ ...valid, vehiclePlate: 'bra2e19' }).vehiclePlate).toBe('BRA2E19');
  });

  it('holds capacity to what the vehicle can carry, and to 1..200 overall', () => {
    expect(validateCourierProfile({ ...valid, capacityCylinders: capacityCeiling.MOTORCYCLE }).capacityCylinders).toBe(
      capacityCeiling.MOTORCYCLE,
    );
    const [tooMuch] = problemsOf({ ...valid, capacityCylinders: capacityCeiling.MOTORCYCLE + 1 });
    expect(tooMuch).toEqual({
      field: 'input.capacityCylinders',
      message: `must be at most ${capacityCeiling.MOTORCYCLE} for a MOTORCYCLE`,
    });
    expect(validateCourierProfile({ ...valid, vehicleType: 'TRUCK', capacityCylinders: 200 }).capacityCylinders).toBe(200);
    expect(fieldsOf({ ...valid, vehicleType: 'TRUCK', capacityCylinders: 201 })).toEqual(['input.capacityCylinders']);
    expect(fieldsOf({ ...valid, capacityCylinders: 1.5 })).toEqual(['input.capacityCylinders']);
  });

  it('accepts the edges of every range and refuses just past them', () => {
    const area = (serviceArea: Partial<CourierProfileInput['serviceArea']>) => ({
      ...valid,
      serviceArea: { ...valid.serviceArea, ...serviceArea },
    });
    expect(() => validateCourierProfile(area({ latitude: -90, longitude: 180, radiusKm: 0.5 }))).not.toThrow();
    expect(() => validateCourierProfile(area({ latitude: 90, longitude: -180, radiusKm: 100 }))).not.toThrow();
    expect(fieldsOf(area({ latitude: 90.0001 }))).toEqual(['input.serviceArea.latitude']);
    expect(fieldsOf(area({ longitude: -180.0001 }))).toEqual(['input.serviceArea.longitude']);
    expect(fieldsOf(area({ radiusKm: 100.001 }))).toEqual(['input.serviceArea.radiusKm']);
    // Rounded to metres only after the range check: 0.4996 km is not 500 m.
    expect(fieldsOf(area({ radiusKm: 0.4996 }))).toEqual(['input.serviceArea.radiusKm']);
    expect(fieldsOf(area({ latitude: Number.NaN }))).toEqual(['input.serviceArea.latitude']);
  });

  it('refuses the unset position 0, 0', () => {
    expect(fieldsOf({ ...valid, serviceArea: { latitude: 0, longitude: 0, radiusKm: 5 } })).toEqual(['input.serviceArea']);
  });

  it('documents the same capacity ceilings in the schema as it enforces', () => {
    const schema = readFileSync(subgraphSchemaPath('couriers'), 'utf8');
    for (const [vehicle, ceiling] of Object.entries(capacityCeiling)) {
      expect(schema).toMatch(new RegExp(`\\b${vehicle} ${ceiling}\\b`));
    }
  });
});
